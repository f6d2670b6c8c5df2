/// National-format field lengths (reference/national-credit-format.md), in Unicode scalars.
/// Kinds the national layout does not cover use the same limits for the same sort of field.
public enum FieldLimit {
    public static let organizationName = 200      // CF_XDR_MC, CF_CFJG, CF_SJLY
    public static let personName = 50             // CF_FRDB
    public static let registrationNo = 50         // CF_XDR_GSZC
    public static let organizationCode = 9        // CF_XDR_ZZJG
    public static let taxRegistrationNo = 15      // CF_XDR_SWDJ
    public static let publicInstitutionCertificateNo = 12  // CF_XDR_SYDW
    public static let socialOrganizationRegistrationNo = 50  // CF_XDR_SHZZ
    public static let idNumber = 64               // CF_XDR_ZJHM, CF_FR_ZJHM
    public static let documentNumber = 128        // CF_WSH
    public static let violationType = 2000        // CF_WFXW
    public static let facts = 2000                // CF_SY
    public static let basis = 2048                // CF_YJ
    public static let categories = 255            // CF_CFLB (Chinese names joined with ";")
    public static let content = 4000              // CF_NR
    public static let license = 200               // CF_NR_ZKDX
    public static let remarks = 512               // BZ
    public static let address = 200
    public static let findingCode = 64
    /// A record's optional public prose (`publicSummary`); no national column.
    public static let publicSummary = 500
}

/// The kinds of identity document (docs/records.md "Identity documents").
public enum IdType: String, CaseIterable, Sendable, Codable {
    case residentId = "resident_id"
    case passport
    case hkMacauPermit = "hk_macau_permit"
    case taiwanPermit = "taiwan_permit"
    case foreignPermanentResidentId = "foreign_permanent_resident_id"

    /// The name the national platform uses (证件类型).
    public var nationalName: String {
        switch self {
        case .residentId: return "身份证"
        case .passport: return "护照"
        case .hkMacauPermit: return "港澳居民来往内地通行证"
        case .taiwanPermit: return "台湾居民来往大陆通行证"
        case .foreignPermanentResidentId: return "外国人永久居留身份证"
        }
    }

    /// Validates a number of this type as typed; returns it normalised (`IDNumberInput`: no
    /// spaces, ASCII digits, an upper-case check `X`). `today` nil skips the
    /// birth-date-not-in-the-future rule.
    public func validate(_ typed: String, today: LocalDate?) -> Result<String, IdentifierProblem> {
        let number = IDNumberInput.normalised(typed, as: self)
        switch self {
        case .residentId: return ResidentID.validate(number, today: today)
        case .foreignPermanentResidentId: return ForeignPermanentResidentID.validate(number, today: today)
        case .passport: return PassportNumber.validate(number)
        case .hkMacauPermit: return HKMacauPermitNumber.validate(number)
        case .taiwanPermit: return TaiwanPermitNumber.validate(number)
        }
    }

    /// True when `b` is a number of this type exactly as `validate` would return it (valid,
    /// and normalised: a resident ID's check `X` upper case). Allocates nothing: the export
    /// checks every stored number with it.
    public func isValidAsStored(utf8 b: UnsafeBufferPointer<UInt8>, today: LocalDate?) -> Bool {
        switch self {
        case .residentId:
            return ResidentID.problem18(b, today: today, provinceAt: 0, provinceOK: ResidentID.isProvinceOrTaiwan, what: "") == nil
        case .foreignPermanentResidentId: return ForeignPermanentResidentID.problem(utf8: b, today: today) == nil
        case .passport: return PassportNumber.problem(utf8: b) == nil
        case .hkMacauPermit: return HKMacauPermitNumber.problem(utf8: b) == nil
        case .taiwanPermit: return TaiwanPermitNumber.problem(utf8: b) == nil
        }
    }
}

/// An amount in 万元 (10,000 CNY), kept as its decimal text: `^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$`,
/// which always fits the national `decimal(18,6)`. Never a binary floating-point number.
public struct Amount: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init?(_ text: String) {
        var text = text
        guard text.withUTF8(Self.isValid(utf8:)) else { return nil }
        self.text = text
    }

    /// The text matches `^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$`; allocates nothing.
    public static func isValid(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        let dot = b.firstIndex(of: UInt8(ascii: ".")) ?? b.count
        let integer = b[0..<dot]
        guard !integer.isEmpty, integer.count <= 12, ASCII.allDigits(integer), integer.count == 1 || integer.first != UInt8(ascii: "0") else { return false }
        guard dot < b.count else { return true }
        let fraction = b[(dot + 1)...]
        return (1...6).contains(fraction.count) && ASCII.allDigits(fraction)
    }

    /// Zero however written (`0`, `0.000`).
    public static func isZero(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }
    }

    public var isZero: Bool {
        var text = text
        return text.withUTF8(Self.isZero(utf8:))
    }
    public var description: String { text }
}

/// A natural person: `{"name", "idType", "idNumber"}`.
public struct Person: Sendable, Equatable {
    public let name: String
    public let idType: IdType
    /// Normalised (an upper-case check `X`). Never put this in a log line or an error message.
    public let idNumber: String

    public init(name: String, idType: IdType, idNumber: String) {
        self.name = name
        self.idType = idType
        self.idNumber = idNumber
    }

    static let fields = ["name", "idType", "idNumber"]

    init?(_ r: ObjectReader, nameLimit: Int = FieldLimit.personName, extraFields: [String] = []) {
        r.allow(Person.fields + extraFields)
        let name = r.string("name", maxLength: nameLimit)
        let idType = r.enumValue("idType", IdType.self)
        guard let number = Person.readIdNumber(r, idType: idType) else { return nil }
        guard let name, let idType else { return nil }
        self.init(name: name, idType: idType, idNumber: number)
    }

    /// Reads `idNumber`, validating it by `idType` when that is known. Messages never include it.
    static func readIdNumber(_ r: ObjectReader, idType: IdType?) -> String? {
        guard let raw = r.value("idNumber", required: true) else { return nil }
        guard let text = raw.stringValue else { r.sink.add(r.at("idNumber"), "type", "idNumber must be a string"); return nil }
        guard characterCount(text) <= FieldLimit.idNumber else {
            r.sink.add(r.at("idNumber"), "max_length", "idNumber is limited to \(FieldLimit.idNumber) characters by the national format")
            return nil
        }
        guard let idType else { return nil }
        switch idType.validate(text, today: r.today) {
        case .failure(let problem):
            r.sink.add(r.at("idNumber"), problem.code, problem.message)
            return nil
        case .success(let normalised):
            if normalised != text { r.normalise("idNumber", to: normalised) }
            return normalised
        }
    }
}

/// An organisation: `{"name", "uscc", "region"?}`. Also what a principal is bound to (an
/// inspector's authority, region required; an institution, region optional).
public struct Organization: Sendable, Equatable, Codable {
    public let name: String
    public let uscc: String
    public let region: String?

    public init(name: String, uscc: String, region: String?) {
        self.name = name
        self.uscc = uscc
        self.region = region
    }

    init?(_ r: ObjectReader) {
        r.allow(["name", "uscc", "region"])
        let name = r.string("name", maxLength: FieldLimit.organizationName)
        let uscc = r.uscc()
        let region = r.region(required: false)
        guard let name, let uscc, region != nil || !r.has("region") else { return nil }
        self.init(name: name, uscc: uscc, region: region)
    }
}

/// An authority: an `Organization` whose `region` is required.
public struct Authority: Sendable, Equatable {
    public let name: String
    public let uscc: String
    public let region: String

    public init(name: String, uscc: String, region: String) {
        self.name = name
        self.uscc = uscc
        self.region = region
    }

    init?(_ r: ObjectReader) {
        r.allow(["name", "uscc", "region"])
        let name = r.string("name", maxLength: FieldLimit.organizationName)
        let uscc = r.uscc()
        let region = r.region(required: true)
        guard let name, let uscc, let region else { return nil }
        self.init(name: name, uscc: uscc, region: region)
    }
}

/// `Party.category` (行政相对人类别).
public enum PartyCategory: String, CaseIterable, Sendable, Codable {
    case organization
    case individualBusiness = "individual_business"
    case person

    /// The national platform's name (CF_XDR_LB).
    public var nationalName: String {
        switch self {
        case .organization: return "法人及非法人组织"
        case .individualBusiness: return "个体工商户"
        case .person: return "自然人"
        }
    }
}

/// An organisation or individual business as the subject of a penalty or enforcement, with
/// every identifier the national 行政处罚 layout has a column for (fields 3–11).
public struct OrganizationParty: Sendable, Equatable {
    public let name: String
    /// May be `00000000000000000X` for an individual business; then `registrationNo` is set.
    public let uscc: String
    /// 工商注册号 (CF_XDR_GSZC).
    public let registrationNo: String?
    /// 组织机构代码 (CF_XDR_ZZJG).
    public let organizationCode: String?
    /// 税务登记号 (CF_XDR_SWDJ).
    public let taxRegistrationNo: String?
    /// 事业单位证书号 (CF_XDR_SYDW).
    public let publicInstitutionCertificateNo: String?
    /// 社会组织登记证号 (CF_XDR_SHZZ).
    public let socialOrganizationRegistrationNo: String?
    public let legalRepresentative: Person

    public init(name: String, uscc: String, registrationNo: String? = nil, organizationCode: String? = nil, taxRegistrationNo: String? = nil,
                publicInstitutionCertificateNo: String? = nil, socialOrganizationRegistrationNo: String? = nil, legalRepresentative: Person) {
        self.name = name
        self.uscc = uscc
        self.registrationNo = registrationNo
        self.organizationCode = organizationCode
        self.taxRegistrationNo = taxRegistrationNo
        self.publicInstitutionCertificateNo = publicInstitutionCertificateNo
        self.socialOrganizationRegistrationNo = socialOrganizationRegistrationNo
        self.legalRepresentative = legalRepresentative
    }
}

/// The subject of a penalty or enforcement; `category` decides the shape.
public enum Party: Sendable, Equatable {
    case organization(OrganizationParty)
    case individualBusiness(OrganizationParty)
    case person(Person)

    public var category: PartyCategory {
        switch self {
        case .organization: return .organization
        case .individualBusiness: return .individualBusiness
        case .person: return .person
        }
    }

    public var name: String {
        switch self {
        case .organization(let o), .individualBusiness(let o): return o.name
        case .person(let p): return p.name
        }
    }

    static let organizationFields = ["category", "name", "uscc", "registrationNo", "organizationCode", "taxRegistrationNo",
                                     "publicInstitutionCertificateNo", "socialOrganizationRegistrationNo", "legalRepresentative"]

    init?(_ r: ObjectReader) {
        guard let category = r.enumValue("category", PartyCategory.self) else {
            // Without a category the shape is unknown: still report members no shape has.
            r.allow(Party.organizationFields + ["idType", "idNumber"])
            return nil
        }
        switch category {
        case .person:
            guard let person = Person(r, nameLimit: FieldLimit.organizationName, extraFields: ["category"]) else { return nil }
            self = .person(person)
        case .organization, .individualBusiness:
            r.allow(Party.organizationFields)
            let isBusiness = category == .individualBusiness
            let name = r.string("name", maxLength: FieldLimit.organizationName)
            let uscc = r.uscc(allowPlaceholder: isBusiness)
            let registrationNo = r.string("registrationNo", required: false, maxLength: FieldLimit.registrationNo)
            if let uscc, USCC.isPlaceholder(uscc), !r.has("registrationNo") {
                r.sink.add(r.at("registrationNo"), "required", "registrationNo is required when uscc is the placeholder 00000000000000000X")
            }
            let organizationCode = r.string("organizationCode", required: false, maxLength: FieldLimit.organizationCode)
            let tax = r.string("taxRegistrationNo", required: false, maxLength: FieldLimit.taxRegistrationNo)
            let publicCert = r.string("publicInstitutionCertificateNo", required: false, maxLength: FieldLimit.publicInstitutionCertificateNo)
            let socialReg = r.string("socialOrganizationRegistrationNo", required: false, maxLength: FieldLimit.socialOrganizationRegistrationNo)
            let representative = r.object("legalRepresentative").flatMap { Person($0) }
            let optionalsOK = [("registrationNo", registrationNo), ("organizationCode", organizationCode), ("taxRegistrationNo", tax),
                               ("publicInstitutionCertificateNo", publicCert), ("socialOrganizationRegistrationNo", socialReg)]
                .allSatisfy { !r.has($0.0) || $0.1 != nil }
            guard let name, let uscc, let representative, optionalsOK else { return nil }
            if USCC.isPlaceholder(uscc) && registrationNo == nil { return nil }
            let party = OrganizationParty(name: name, uscc: uscc, registrationNo: registrationNo, organizationCode: organizationCode,
                                          taxRegistrationNo: tax, publicInstitutionCertificateNo: publicCert,
                                          socialOrganizationRegistrationNo: socialReg, legalRepresentative: representative)
            self = isBusiness ? .individualBusiness(party) : .organization(party)
        }
    }
}
