import CreditRecords

/// What the fast path makes of one entry.
enum FastMapping {
    case added(ByteRow)
    case withdrawal(target: UInt64, Withdrawal, RecordKind)
    case notExported(RecordKind)
}

/// The export's hot path (docs/export.md, "Fast path"): maps a stored entry straight from
/// its bytes to the row `RecordMapper` would give, without building a JSON tree or a typed
/// record. It reads only the canonical form the service writes, and checks what it exports:
/// every member is known, every read field has its type, enumerations are known, dates are
/// real dates in order, ID numbers and USCCs pass their check digits, and the row meets the
/// national rules. Anything else — an escape it does not decode, a problem to word, a kind it
/// does not map — returns nil and the entry takes the full decoder and `RecordMapper`, so the
/// bytes written are the same either way (the tests compare both paths on every example,
/// and `tools/bench-export.sh` on a million records).
struct FastRecordMapper {
    typealias Value = EntryScanner.Value
    let s: EntryScanner

    /// The kinds the default configuration does not export (RECORDS.md, Export details).
    static let defaultNotExported: Set<RecordKind> = [.judgment, .institutionFiling, .annualReview]

    /// `notExported`: kinds answered `.notExported` without reading their body; a kind outside
    /// it that the fast path has no mapping for goes to the full path.
    static func map(_ entry: [UInt8], seq: UInt64, notExported: Set<RecordKind> = defaultNotExported) -> FastMapping? {
        entry.withUnsafeBufferPointer { FastRecordMapper(s: EntryScanner(bytes: $0)).map(seq: seq, notExported: notExported) }
    }

    func map(seq: UInt64, notExported: Set<RecordKind>) -> FastMapping? {
        guard let root = s.root, let top = s.object(root) else { return nil }
        var body: Value?, kind: RecordKind?, version = false
        for m in top {
            if s.keyEquals(m, "body") { body = m.value }
            else if s.keyEquals(m, "kind") { kind = s.string(m.value).flatMap(RecordKind.init(rawValue:)) }
            else if s.keyEquals(m, "v") { version = m.value.type == .number && m.value.end - m.value.start == 1 && s.bytes[m.value.start] == UInt8(ascii: "1") }
            else if s.keyEquals(m, "submittedAt") { guard m.value.type == .string else { return nil } }
            else if s.keyEquals(m, "submittedBy") || s.keyEquals(m, "clientSignature") { guard m.value.type == .object else { return nil } }
            else { return nil }
        }
        guard version, let kind, let body, body.type == .object else { return nil }
        if notExported.contains(kind) { return .notExported(kind) }
        guard let fields = s.object(body).map(Fields.init) else { return nil }
        switch kind {
        case .penalty: return penalty(fields, seq: seq).map(FastMapping.added)
        case .ban: return ban(fields, seq: seq).map(FastMapping.added)
        case .inspection: return inspection(fields, seq: seq).map(FastMapping.added)
        case .enforcement: return enforcement(fields, seq: seq).map(FastMapping.added)
        case .revocation, .creditRepair: return withdrawal(fields, kind: kind)
        case .judgment, .institutionFiling, .annualReview: return nil
        }
    }

    /// An object's members with lookup by key (objects are small: a linear scan is cheapest).
    struct Fields {
        let members: [EntryScanner.Member]
        init(_ members: [EntryScanner.Member]) { self.members = members }
    }

    func get(_ f: Fields, _ key: StaticString) -> Value? {
        for m in f.members where s.keyEquals(m, key) { return m.value }
        return nil
    }

    func only(_ f: Fields, _ allowed: [StaticString]) -> Bool {
        f.members.allSatisfy { m in allowed.contains { s.keyEquals(m, $0) } }
    }

    func object(_ f: Fields, _ key: StaticString) -> Fields? {
        get(f, key).flatMap { s.object($0) }.map(Fields.init)
    }

    func text(_ f: Fields, _ key: StaticString) -> String? { get(f, key).flatMap { s.string($0) } }

    func enumValue<E: RawRepresentable>(_ f: Fields, _ key: StaticString, _: E.Type) -> E? where E.RawValue == String {
        text(f, key).flatMap(E.init(rawValue:))
    }

    /// A required string, appended as the next value.
    func put(_ row: inout ByteRow, _ value: Value?) -> Bool {
        guard let value else { return false }
        return row.build { s.appendUnescaped(value, to: &$0) }
    }

    /// An optional string: absent is an empty value, any other type sends the entry to the full path.
    func putOptional(_ row: inout ByteRow, _ value: Value?) -> Bool {
        guard let value else { row.appendEmpty(); return true }
        return put(&row, value)
    }

    /// A date `YYYY-MM-DD` that is a real day.
    func date(_ value: Value?) -> String? {
        guard let value, value.type == .string, value.end - value.start == 10, let text = s.string(value),
              let date = LocalDate(iso: text), date.description == text else { return nil }
        return text
    }

    func uscc(_ f: Fields, placeholder: Bool = false) -> String? {
        guard let text = text(f, "uscc") else { return nil }
        if USCC.isPlaceholder(text) { return placeholder ? text : nil }
        return USCC.validate(text) == nil ? text : nil
    }

    /// `{"name","uscc","region"?}`; `region` required for an authority.
    func organization(_ f: Fields?, authority: Bool = false) -> (name: Value, uscc: String)? {
        guard let f, only(f, ["name", "uscc", "region"]), let name = get(f, "name"), let uscc = uscc(f) else { return nil }
        if let region = get(f, "region") {
            guard let code = s.string(region), RegionCode.validate(code) == nil else { return nil }
        } else if authority { return nil }
        return (name, uscc)
    }

    /// `{"name","idType","idNumber"}` with the number stored normalised.
    func person(_ f: Fields?, extra: [StaticString] = []) -> (name: Value, idType: IdType, idNumber: String)? {
        guard let f, only(f, ["name", "idType", "idNumber"] + extra), let name = get(f, "name"),
              let idType = enumValue(f, "idType", IdType.self), let number = text(f, "idNumber"),
              case .success(let normalised) = idType.validate(number, today: nil), normalised == number else { return nil }
        return (name, idType, number)
    }

    // MARK: parties (penalty, enforcement)

    struct PartyView {
        let category: PartyCategory
        let name: Value
        let uscc: String
        let codes: [Value?]          // registrationNo, organizationCode, taxRegistrationNo, publicInstitutionCertificateNo, socialOrganizationRegistrationNo
        let representative: (name: Value, idType: IdType, idNumber: String)?
        let person: (idType: IdType, idNumber: String)?
    }

    func party(_ f: Fields?) -> PartyView? {
        guard let f, let category = enumValue(f, "category", PartyCategory.self) else { return nil }
        switch category {
        case .person:
            guard let p = person(f, extra: ["category"]) else { return nil }
            return PartyView(category: .person, name: p.name, uscc: "", codes: [], representative: nil, person: (p.idType, p.idNumber))
        case .organization, .individualBusiness:
            guard only(f, ["category", "name", "uscc", "registrationNo", "organizationCode", "taxRegistrationNo",
                           "publicInstitutionCertificateNo", "socialOrganizationRegistrationNo", "legalRepresentative"]),
                  let name = get(f, "name"), let uscc = uscc(f, placeholder: category == .individualBusiness),
                  let representative = person(object(f, "legalRepresentative")) else { return nil }
            let codes = [get(f, "registrationNo"), get(f, "organizationCode"), get(f, "taxRegistrationNo"),
                         get(f, "publicInstitutionCertificateNo"), get(f, "socialOrganizationRegistrationNo")]
            if USCC.isPlaceholder(uscc) && codes[0] == nil { return nil }
            return PartyView(category: category, name: name, uscc: uscc, codes: codes, representative: representative, person: nil)
        }
    }

    // MARK: families

    func penalty(_ f: Fields, seq: UInt64) -> ByteRow? {
        guard only(f, ["party", "decisionNo", "violationType", "facts", "basis", "categories", "content", "fineAmount", "confiscatedAmount",
                       "license", "decidedAt", "validUntil", "publicUntil", "authority", "dataSource", "remarks"]),
              let party = party(object(f, "party")), let list = get(f, "categories").flatMap({ s.array($0) }),
              let decidedAt = date(get(f, "decidedAt")),
              let authority = organization(object(f, "authority"), authority: true),
              let source = organization(object(f, "dataSource")) else { return nil }
        var categories = [PenaltyCategory]()
        for item in list {
            guard let category = s.string(item).flatMap(PenaltyCategory.init(rawValue:)), !categories.contains(category) else { return nil }
            categories.append(category)
        }
        guard !categories.isEmpty else { return nil }
        let has = { (c: PenaltyCategory) in categories.contains(c) }
        let fine = get(f, "fineAmount"), confiscated = get(f, "confiscatedAmount")
        guard amountOK(fine, required: has(.fine), positive: has(.fine)), amountOK(confiscated, required: has(.confiscation), positive: false),
              !(has(.licenseSuspension) || has(.licenseRevocation)) || get(f, "license") != nil else { return nil }
        // Publication dates (checkPublication): decidedAt ≤ validUntil; decidedAt ≤ publicUntil ≤ decidedAt + 3 years.
        let threeYears = LocalDate(iso: decidedAt)!.adding(years: 3).description
        var validUntil: String?, publicUntil: String?
        if let v = get(f, "validUntil") { guard let d = date(v), d >= decidedAt else { return nil }; validUntil = d }
        if let v = get(f, "publicUntil") { guard let d = date(v), d >= decidedAt, d <= threeYears else { return nil }; publicUntil = d }

        var row = ByteRow(family: .xzcf, sourceSeq: seq)
        guard putParty(&row, party, columns: .xzcf),
              put(&row, get(f, "decisionNo")), put(&row, get(f, "violationType")), put(&row, get(f, "facts")), put(&row, get(f, "basis")) else { return nil }
        row.append(categories.map(\.nationalName).joined(separator: ";"))
        guard put(&row, get(f, "content")), putOptional(&row, fine) else { return nil }
        if confiscated != nil { guard put(&row, confiscated) else { return nil } } else { row.append(has(.confiscation) ? "0" : "") }
        guard putOptional(&row, get(f, "license")) else { return nil }
        row.append(decidedAt)
        row.append(validUntil ?? "")
        row.append(publicUntil ?? threeYears)
        guard put(&row, authority.name) else { return nil }
        row.append(authority.uscc)
        guard put(&row, source.name) else { return nil }
        row.append(source.uscc)
        guard putOptional(&row, get(f, "remarks")) else { return nil }

        var required = party.category == .person ? [Self.xzcfPersonType, Self.xzcfPersonNumber] : [Self.xzcfUSCC, Self.xzcfRepresentative]
        if party.category == .individualBusiness && USCC.isPlaceholder(party.uscc) { required.append(Self.xzcfRegistration) }
        if has(.fine) { required.append(Self.xzcfFine) }
        if has(.confiscation) { required.append(Self.xzcfConfiscated) }
        if has(.licenseSuspension) || has(.licenseRevocation) { required.append(Self.xzcfLicense) }
        return row.satisfiesNationalRules(extraRequired: required) ? row : nil
    }

    func ban(_ f: Fields, seq: UInt64) -> ByteRow? {
        guard only(f, ["person", "role", "reason", "scope", "until", "institution", "decisionNo", "decidedAt", "basis", "facts", "authority", "remarks"]),
              let person = person(object(f, "person")), let role = enumValue(f, "role", BanRole.self),
              let reason = enumValue(f, "reason", BanReason.self), let scope = enumValue(f, "scope", BanScope.self),
              let decidedAt = date(get(f, "decidedAt")), let institution = organization(object(f, "institution")),
              let authority = organization(object(f, "authority"), authority: true), get(f, "basis") != nil else { return nil }
        let until = get(f, "until")
        var untilText: String?
        switch scope {
        case .until:
            guard let d = date(until), d > decidedAt else { return nil }
            untilText = d
        case .lifetime:
            guard until == nil || until?.type == .null else { return nil }
        }
        var row = ByteRow(family: .sxmd, sourceSeq: seq)
        guard put(&row, person.name) else { return nil }
        row.append(person.idType.nationalName)
        row.append(person.idNumber)
        guard row.build({ out in
            out.append(contentsOf: "\(reason.exportName)（\(role.exportName)，\(scope.exportName)，".utf8)
            guard s.appendUnescaped(institution.name, to: &out) else { return false }
            out.append(contentsOf: "）：".utf8)
            guard let facts = get(f, "facts") else { return false }
            return s.appendUnescaped(facts, to: &out)
        }) else { return nil }
        row.append(decidedAt)
        guard put(&row, get(f, "decisionNo")), put(&row, authority.name) else { return nil }
        row.append(authority.uscc)
        row.append(untilText ?? RecordMapper.noEnd)
        for _ in 0..<4 { row.appendEmpty() }
        row.append("列入")
        guard putOptional(&row, get(f, "remarks")) else { return nil }
        return row.satisfiesNationalRules(extraRequired: []) ? row : nil
    }

    func inspection(_ f: Fields, seq: UInt64) -> ByteRow? {
        guard only(f, ["institution", "authority", "inspectionNo", "inspectedAt", "type", "areas", "result", "findings",
                       "rectifyBy", "inspectors", "dataSource", "remarks"]),
              let institution = organization(object(f, "institution")), let authority = organization(object(f, "authority"), authority: true),
              let inspectedAt = date(get(f, "inspectedAt")), let type = enumValue(f, "type", InspectionType.self),
              let result = enumValue(f, "result", InspectionResult.self),
              let areaList = get(f, "areas").flatMap({ s.array($0) }), let findingList = get(f, "findings").flatMap({ s.array($0) }),
              let inspectors = get(f, "inspectors").flatMap({ s.array($0) }), !inspectors.isEmpty else { return nil }
        var areas = [InspectionArea]()
        for item in areaList {
            guard let area = s.string(item).flatMap(InspectionArea.init(rawValue:)), !areas.contains(area) else { return nil }
            areas.append(area)
        }
        guard !areas.isEmpty, result == .pass || !findingList.isEmpty else { return nil }
        var rectifyBy = ""
        if let v = get(f, "rectifyBy") {
            guard result != .pass, let d = date(v), d >= inspectedAt else { return nil }
            rectifyBy = d
        } else if result != .pass { return nil }
        var source = authority
        if let v = get(f, "dataSource") { guard let o = organization(s.object(v).map(Fields.init)) else { return nil }; source = o }

        var row = ByteRow(family: .xzjc, sourceSeq: seq)
        guard put(&row, institution.name) else { return nil }
        row.append(PartyCategory.organization.nationalName)
        row.append(institution.uscc)
        guard put(&row, get(f, "inspectionNo")) else { return nil }
        row.append(type.exportName)
        row.append(areas.map(\.exportName).joined(separator: ";"))
        row.append(inspectedAt)
        row.append(result.exportName)
        guard row.build({ out in
            for (i, item) in findingList.enumerated() {
                guard let finding = s.object(item).map(Fields.init), only(finding, ["code", "description", "severity"]),
                      let code = text(finding, "code"), Self.isFindingCode(code),
                      let severity = enumValue(finding, "severity", Severity.self), let description = get(finding, "description") else { return false }
                if i > 0 { out.append(UInt8(ascii: ";")) }
                guard s.appendUnescaped(description, to: &out) else { return false }
                out.append(contentsOf: "（\(severity.exportName)）".utf8)
            }
            return true
        }) else { return nil }
        row.append(rectifyBy)
        guard row.build({ out in
            for (i, item) in inspectors.enumerated() {
                guard item.type == .string || item.type == .escapedString else { return false }
                if i > 0 { out.append(UInt8(ascii: ";")) }
                guard s.appendUnescaped(item, to: &out) else { return false }
            }
            return true
        }), put(&row, authority.name) else { return nil }
        row.append(authority.uscc)
        guard put(&row, source.name) else { return nil }
        row.append(source.uscc)
        guard putOptional(&row, get(f, "remarks")) else { return nil }
        return row.satisfiesNationalRules(extraRequired: []) ? row : nil
    }

    func enforcement(_ f: Fields, seq: UInt64) -> ByteRow? {
        guard only(f, ["party", "decisionNo", "measure", "facts", "basis", "decidedAt", "authority", "content", "dataSource", "remarks"]),
              let party = party(object(f, "party")), let measure = enumValue(f, "measure", EnforcementMeasure.self),
              let decidedAt = date(get(f, "decidedAt")), let authority = organization(object(f, "authority"), authority: true) else { return nil }
        var source = authority
        if let v = get(f, "dataSource") { guard let o = organization(s.object(v).map(Fields.init)) else { return nil }; source = o }
        var row = ByteRow(family: .xzqz, sourceSeq: seq)
        guard putParty(&row, party, columns: .xzqz), put(&row, get(f, "decisionNo")) else { return nil }
        row.append(measure.exportName)
        guard put(&row, get(f, "facts")), put(&row, get(f, "basis")) else { return nil }
        if let content = get(f, "content") { guard put(&row, content) else { return nil } } else { row.append(measure.exportName) }
        row.append(decidedAt)
        guard put(&row, authority.name) else { return nil }
        row.append(authority.uscc)
        guard put(&row, source.name) else { return nil }
        row.append(source.uscc)
        guard putOptional(&row, get(f, "remarks")) else { return nil }
        var required = party.category == .person ? [Self.xzqzPersonType, Self.xzqzPersonNumber] : [Self.xzqzUSCC, Self.xzqzRepresentative]
        if party.category == .individualBusiness && USCC.isPlaceholder(party.uscc) { required.append(Self.xzqzRegistration) }
        return row.satisfiesNationalRules(extraRequired: required) ? row : nil
    }

    func withdrawal(_ f: Fields, kind: RecordKind) -> FastMapping? {
        let allowed: [StaticString] = kind == .revocation ? ["target", "reason", "decisionNo", "decidedAt", "authority", "notes"]
                                                          : ["target", "decisionNo", "decidedAt", "authority", "notes"]
        guard only(f, allowed), let targetValue = get(f, "target"), targetValue.type == .number,
              let target = UInt64(String(decoding: UnsafeBufferPointer(rebasing: s.bytes[targetValue.start..<targetValue.end]), as: UTF8.self)),
              let decisionNo = text(f, "decisionNo"), let decided = date(get(f, "decidedAt")).flatMap({ LocalDate(iso: $0) }),
              let authorityFields = object(f, "authority"), let authority = organization(authorityFields, authority: true),
              let name = s.string(authority.name), let region = text(authorityFields, "region") else { return nil }
        if let notes = get(f, "notes"), notes.type != .string && notes.type != .escapedString { return nil }
        let reason: String
        if kind == .revocation {
            guard let r = enumValue(f, "reason", RevocationReason.self) else { return nil }
            reason = r.exportName
        } else {
            reason = "信用修复"
        }
        return .withdrawal(target: target, Withdrawal(decisionNo: decisionNo, decidedAt: decided,
                                                      authority: Authority(name: name, uscc: authority.uscc, region: region), reason: reason), kind)
    }

    // MARK: pieces

    enum PartyColumns { case xzcf, xzqz }

    /// The party's columns: name, category, then the identifier block of the family.
    func putParty(_ row: inout ByteRow, _ p: PartyView, columns: PartyColumns) -> Bool {
        guard put(&row, p.name) else { return false }
        row.append(p.category.nationalName)
        let codes = columns == .xzcf ? 5 : 1
        if let rep = p.representative {
            row.append(p.uscc)
            for i in 0..<codes { guard putOptional(&row, p.codes[i]) else { return false } }
            guard put(&row, rep.name) else { return false }
            row.append(rep.idType.nationalName)
            row.append(rep.idNumber)
            row.appendEmpty()
            row.appendEmpty()
        } else if let person = p.person {
            for _ in 0..<(1 + codes + 3) { row.appendEmpty() }
            row.append(person.idType.nationalName)
            row.append(person.idNumber)
        } else {
            return false
        }
        return true
    }

    /// Amount text `^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$` (CreditRecords.Amount).
    func amountOK(_ value: Value?, required: Bool, positive: Bool) -> Bool {
        guard let value else { return !required }
        guard let text = s.string(value), let amount = Amount(text) else { return false }
        return !positive || !amount.isZero
    }

    static func isFindingCode(_ code: String) -> Bool {
        guard let first = code.utf8.first, first >= 0x61 && first <= 0x7A, code.utf8.count <= FieldLimit.findingCode else { return false }
        return code.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    private static func index(_ columns: [Column], _ code: String) -> Int { columns.firstIndex { $0.code == code }! }
    static let xzcfUSCC = index(Columns.xzcf, "CF_XDR_SHXYM"), xzcfRegistration = index(Columns.xzcf, "CF_XDR_GSZC")
    static let xzcfRepresentative = index(Columns.xzcf, "CF_FRDB"), xzcfPersonType = index(Columns.xzcf, "CF_XDR_ZJLX")
    static let xzcfPersonNumber = index(Columns.xzcf, "CF_XDR_ZJHM"), xzcfFine = index(Columns.xzcf, "CF_NR_FK")
    static let xzcfConfiscated = index(Columns.xzcf, "CF_NR_WFFF"), xzcfLicense = index(Columns.xzcf, "CF_NR_ZKDX")
    static let xzqzUSCC = index(Columns.xzqz, "QZ_XDR_SHXYM"), xzqzRegistration = index(Columns.xzqz, "QZ_XDR_GSZC")
    static let xzqzRepresentative = index(Columns.xzqz, "QZ_FRDB"), xzqzPersonType = index(Columns.xzqz, "QZ_XDR_ZJLX")
    static let xzqzPersonNumber = index(Columns.xzqz, "QZ_XDR_ZJHM")
}
