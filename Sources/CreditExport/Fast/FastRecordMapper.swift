// Longer than the project's ~400 lines on purpose: this is the byte-level twin of RecordMapper for
// every exported kind, one function per family, kept in one file so that the two can be read side
// by side (FastPathTests hold them byte-identical).

import CreditRecords

/// What the fast path makes of one entry.
enum FastMapping {
    case added(ByteRow)
    case withdrawal(target: UInt64, Withdrawal, RecordKind)
    case notExported(RecordKind)
}

/// The export's hot path (docs/export.md, "Fast path"): maps a stored entry straight from
/// its bytes (read with CreditRecords' `EntryScanner`, members checked against the kind
/// table) to the row `RecordMapper` would give, without building a JSON tree, a typed
/// record or a `String` per field. It reads only the canonical form the service writes, and
/// checks what it exports: every member is known, every read field has its type,
/// enumerations are known, dates are real dates in order, ID numbers and USCCs pass their
/// check digits, and the row meets the national rules. Anything else — an escape it does not
/// decode, a problem to word, a kind it does not map — returns nil and the entry takes the
/// full decoder and `RecordMapper`, so the bytes written are the same either way (the tests
/// compare both paths on every example, and `tools/bench-export.sh` on a million records).
struct FastRecordMapper {
    typealias Value = EntryScanner.Value
    let s: EntryScanner

    /// Buffers one thread reuses from entry to entry, so mapping allocates nothing per entry
    /// once they have grown.
    struct Scratch {
        var tape: [Value] = []
        var storage: [UInt8] = []
        var ends: [Int] = []
        /// Where a row's CSV and JSON lines are encoded (`ByteRow.appendEncodings`).
        var encoded: [UInt8] = []

        init() {
            tape.reserveCapacity(256)
            storage.reserveCapacity(4096)
            ends.reserveCapacity(32)
        }

        /// A row that builds in these buffers (they move into it, so nothing is copied).
        mutating func row(_ family: ExportFamily, seq: UInt64) -> ByteRow {
            var row = ByteRow(family: family, sourceSeq: seq)
            row.adopt(&storage, &ends)
            return row
        }

        /// Takes back a row's buffers after it is encoded (or given up).
        mutating func recycle(_ row: inout ByteRow) {
            row.release(&storage, &ends)
        }
    }

    /// The kinds the default configuration does not export (docs/records.md "Export details").
    static let defaultNotExported: Set<RecordKind> = [.judgment, .institutionFiling, .annualReview]

    /// The kinds answered `.notExported` under `mapping` (an included kind goes to the full path).
    static func notExported(under mapping: MappingOptions) -> Set<RecordKind> {
        defaultNotExported.subtracting(mapping.included)
    }

    /// `notExported`: kinds answered `.notExported` without reading their body; a kind outside
    /// it that the fast path has no mapping for goes to the full path.
    static func map(_ entry: [UInt8], seq: UInt64, notExported: Set<RecordKind> = defaultNotExported) -> FastMapping? {
        var scratch = Scratch()
        return map(entry, seq: seq, notExported: notExported, scratch: &scratch)
    }

    static func map(_ entry: [UInt8], seq: UInt64, notExported: Set<RecordKind>, scratch: inout Scratch) -> FastMapping? {
        entry.withUnsafeBufferPointer { bytes in
            guard EntryScanner.scan(bytes, tape: &scratch.tape) else { return nil }
            // A second reference for reading, so `scratch` stays free to lend its row buffers.
            let tape = scratch.tape
            return tape.withUnsafeBufferPointer { tape in
                FastRecordMapper(s: EntryScanner(bytes: bytes, tape: tape)).map(seq: seq, notExported: notExported, scratch: &scratch)
            }
        }
    }

    private func map(seq: UInt64, notExported: Set<RecordKind>, scratch: inout Scratch) -> FastMapping? {
        guard let (kind, body) = envelope() else { return nil }
        if notExported.contains(kind) { return .notExported(kind) }
        let family: ExportFamily
        switch kind {
        case .penalty: family = .xzcf
        case .ban: family = .sxmd
        case .inspection: family = .xzjc
        case .enforcement: family = .xzqz
        case .revocation, .creditRepair: return withdrawal(body, kind: kind)
        case .judgment, .institutionFiling, .annualReview: return nil
        // It names no one and is no credit record of the national catalogue.
        case .erasure, .migration, .banConfirmation: return .notExported(kind)
        }
        var row = scratch.row(family, seq: seq)
        let mapped: Bool
        switch family {
        case .xzcf: mapped = penalty(body, into: &row)
        case .sxmd: mapped = ban(body, into: &row)
        case .xzjc: mapped = inspection(body, into: &row)
        default: mapped = enforcement(body, into: &row)
        }
        if mapped { return .added(row) }
        scratch.recycle(&row)
        return nil
    }

    /// The envelope's kind and body, if it has exactly the envelope's members.
    private func envelope() -> (RecordKind, Value)? {
        let root = s.root
        guard root.type == .object else { return nil }
        var body: Value?, kind: RecordKind?, version = false
        for (key, value) in s.members(root) {
            if s.equals(key, "body") { body = value }
            else if s.equals(key, "kind") { kind = enumValue(value, RecordKind.self) }
            else if s.equals(key, "v") { version = value.type == .number && value.length == 1 && s.bytes[Int(value.start)] == UInt8(ascii: "1") }
            else if s.equals(key, "submittedAt") { guard value.type == .string else { return nil } }
            else if s.equals(key, "submittedBy") || s.equals(key, "clientSignature") { guard value.type == .object else { return nil } }
            else { return nil }
        }
        guard version, let kind, let body, body.type == .object else { return nil }
        return (kind, body)
    }

    // MARK: reading fields

    func get(_ f: Value, _ key: StaticString) -> Value? { s.get(f, key) }

    /// Every member of `f` is one of `allowed`.
    func only(_ f: Value, _ allowed: [StaticString]) -> Bool {
        s.members(f).allSatisfy { key, _ in allowed.contains { s.equals(key, $0) } }
    }

    func object(_ f: Value, _ key: StaticString) -> Value? {
        guard let value = get(f, key), value.type == .object else { return nil }
        return value
    }

    /// A plain string (no escapes): identifiers, codes, dates and enumerations are never
    /// escaped in canonical JSON.
    func plain(_ f: Value, _ key: StaticString) -> Value? {
        guard let value = get(f, key), value.type == .string else { return nil }
        return value
    }

    /// A known value of an enumeration (a plain string: raw values are never escaped).
    func enumValue<E: ByteReadableEnum>(_ value: Value?, _: E.Type) -> E? {
        guard let value, value.type == .string else { return nil }
        return E.byteTable.value(s.text(value))
    }

    func enumValue<E: ByteReadableEnum>(_ f: Value, _ key: StaticString, _ type: E.Type) -> E? {
        enumValue(get(f, key), type)
    }

    /// A date `YYYY-MM-DD` that is a real day.
    func date(_ value: Value?) -> LocalDate? {
        guard let value, value.type == .string, value.length == 10 else { return nil }
        let b = s.text(value)
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        var fields = (0, 0, 0)
        for (i, b) in b.enumerated() where i != 4 && i != 7 {
            guard b >= 0x30, b <= 0x39 else { return nil }
            let digit = Int(b - 0x30)
            if i < 4 { fields.0 = fields.0 * 10 + digit } else if i < 7 { fields.1 = fields.1 * 10 + digit } else { fields.2 = fields.2 * 10 + digit }
        }
        return LocalDate(year: fields.0, month: fields.1, day: fields.2)
    }

    struct Code {
        let value: Value
        let isPlaceholder: Bool
    }

    func uscc(_ f: Value, placeholder: Bool = false) -> Code? {
        guard let value = plain(f, "uscc") else { return nil }
        let text = s.text(value)
        if USCC.isPlaceholder(utf8: text) { return placeholder ? Code(value: value, isPlaceholder: true) : nil }
        return USCC.validate(utf8: text) == nil ? Code(value: value, isPlaceholder: false) : nil
    }

    /// `{"name","uscc","region"?}`; `region` required for an authority.
    func organization(_ f: Value?, authority: Bool = false) -> (name: Value, uscc: Value)? {
        guard let f, only(f, Self.organizationKeys), let name = get(f, "name"), let uscc = uscc(f) else { return nil }
        if let region = get(f, "region") {
            guard region.type == .string, RegionCode.validate(utf8: s.text(region)) == nil else { return nil }
        } else if authority { return nil }
        return (name, uscc.value)
    }

    /// `{"name","idType","idNumber"}` with the number stored normalised.
    func person(_ f: Value?, keys: [StaticString] = personKeys) -> (name: Value, idType: IdType, idNumber: Value)? {
        guard let f, only(f, keys), let name = get(f, "name"), let idType = enumValue(f, "idType", IdType.self),
              let number = plain(f, "idNumber"), idType.isValidAsStored(utf8: s.text(number), today: nil) else { return nil }
        return (name, idType, number)
    }

    static let organizationKeys: [StaticString] = ["name", "uscc", "region"]
    static let personKeys: [StaticString] = ["name", "idType", "idNumber"]
    static let personPartyKeys: [StaticString] = ["name", "idType", "idNumber", "category"]
    static let organizationPartyKeys: [StaticString] = ["category", "name", "uscc", "registrationNo", "organizationCode", "taxRegistrationNo",
                                                        "publicInstitutionCertificateNo", "socialOrganizationRegistrationNo", "legalRepresentative"]

    // MARK: building the row

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

    /// A value already checked to be a plain string.
    func putPlain(_ row: inout ByteRow, _ value: Value) {
        row.append(bytes: s.text(value))
    }

    // MARK: parties (penalty, enforcement)

    struct PartyView {
        let category: PartyCategory
        let name: Value
        let uscc: Code?
        let codes: (Value?, Value?, Value?, Value?, Value?)  // registrationNo, organizationCode, taxRegistrationNo, publicInstitutionCertificateNo, socialOrganizationRegistrationNo
        let representative: (name: Value, idType: IdType, idNumber: Value)?
        let person: (idType: IdType, idNumber: Value)?

        var hasPlaceholderUSCC: Bool { uscc?.isPlaceholder ?? false }
    }

    func party(_ f: Value?) -> PartyView? {
        guard let f, let category = enumValue(f, "category", PartyCategory.self) else { return nil }
        switch category {
        case .person:
            guard let p = person(f, keys: Self.personPartyKeys) else { return nil }
            return PartyView(category: .person, name: p.name, uscc: nil, codes: (nil, nil, nil, nil, nil), representative: nil, person: (p.idType, p.idNumber))
        case .organization, .individualBusiness:
            guard only(f, Self.organizationPartyKeys), let name = get(f, "name"), let uscc = uscc(f, placeholder: category == .individualBusiness),
                  let representative = person(object(f, "legalRepresentative")) else { return nil }
            let codes = (get(f, "registrationNo"), get(f, "organizationCode"), get(f, "taxRegistrationNo"),
                         get(f, "publicInstitutionCertificateNo"), get(f, "socialOrganizationRegistrationNo"))
            if uscc.isPlaceholder && codes.0 == nil { return nil }
            return PartyView(category: category, name: name, uscc: uscc, codes: codes, representative: representative, person: nil)
        }
    }

    /// The party's columns: name, category, then the identifier block of the family.
    func putParty(_ row: inout ByteRow, _ p: PartyView, columns: PartyColumns) -> Bool {
        guard put(&row, p.name) else { return false }
        row.append(p.category.nationalName)
        if let rep = p.representative, let uscc = p.uscc {
            putPlain(&row, uscc.value)
            guard putOptional(&row, p.codes.0) else { return false }
            if columns == .xzcf {
                guard putOptional(&row, p.codes.1), putOptional(&row, p.codes.2), putOptional(&row, p.codes.3), putOptional(&row, p.codes.4) else { return false }
            }
            guard put(&row, rep.name) else { return false }
            row.append(rep.idType.nationalName)
            putPlain(&row, rep.idNumber)
            row.appendEmpty()
            row.appendEmpty()
        } else if let person = p.person {
            for _ in 0..<(1 + (columns == .xzcf ? 5 : 1) + 3) { row.appendEmpty() }
            row.append(person.idType.nationalName)
            putPlain(&row, person.idNumber)
        } else {
            return false
        }
        return true
    }

    enum PartyColumns { case xzcf, xzqz }

    // MARK: families

    /// Each kind's members, from the kind table (copied into this type's statics so the hot
    /// path reads them as it did its own lists).
    static let penaltyKeys = KindSpec.penalty.names

    func penalty(_ f: Value, into row: inout ByteRow) -> Bool {
        guard only(f, Self.penaltyKeys), let party = party(object(f, "party")),
              let list = get(f, "categories"), list.type == .array,
              let decidedAt = date(get(f, "decidedAt")), decidedAt.year <= 9996,
              let authority = organization(object(f, "authority"), authority: true),
              let source = organization(object(f, "dataSource")) else { return false }
        // The categories as a set of bits, and their Chinese names joined in stored order.
        var categories: UInt32 = 0
        for item in s.elements(list) {
            guard item.type == .string, let n = PenaltyCategory.byteTable.ordinal(s.text(item)) else { return false }
            let bit = UInt32(1) << UInt32(n)
            guard categories & bit == 0 else { return false }
            categories |= bit
        }
        guard categories != 0 else { return false }
        let has = { (bit: UInt32) in categories & bit != 0 }
        // offenceCategory has no national column, but the full decoder refuses an unknown one.
        if let v = get(f, "offenceCategory"), enumValue(v, OffenceCategory.self) == nil { return false }
        let fine = get(f, "fineAmount"), confiscated = get(f, "confiscatedAmount")
        guard amountOK(fine, required: has(Self.fineBit), positive: has(Self.fineBit)),
              amountOK(confiscated, required: has(Self.confiscationBit), positive: false),
              !has(Self.licenseBits) || get(f, "license") != nil else { return false }
        // Publication dates (checkPublication): decidedAt ≤ validUntil; publicUntil within the
        // bounds of the publication rule (decidedAt … decidedAt + 3 years without a class).
        var validUntil: LocalDate?, publicUntil: LocalDate?
        if let v = get(f, "validUntil") { guard let d = date(v), d >= decidedAt else { return false }; validUntil = d }
        if let v = get(f, "publicUntil") { guard let d = date(v) else { return false }; publicUntil = d }
        var penaltyClass: PenaltyClass?, procedure: PenaltyProcedure?
        if let v = get(f, "class") { guard let c = enumValue(v, PenaltyClass.self) else { return false }; penaltyClass = c }
        if let v = get(f, "procedure") { guard let p = enumValue(v, PenaltyProcedure.self) else { return false }; procedure = p }
        let publication = PublicationRules.penalty(decidedAt: decidedAt, penaltyClass: penaltyClass, procedure: procedure,
                                                   categories: Self.categories(categories), publicUntil: publicUntil,
                                                   marketRegulator: PublicationRules.isMarketRegulator(name: s.text(authority.name)))
        if let publicUntil {
            let earliest = penaltyClass == nil ? decidedAt : publication.earliestEnd
            guard publicUntil >= decidedAt, publicUntil >= earliest, publicUntil <= publication.latestEnd else { return false }
        }

        guard putParty(&row, party, columns: .xzcf),
              put(&row, get(f, "decisionNo")), put(&row, get(f, "violationType")), put(&row, get(f, "facts")), put(&row, get(f, "basis")) else { return false }
        _ = row.build { out in
            for (i, item) in s.elements(list).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ";")) }
                out.append(contentsOf: enumValue(item, PenaltyCategory.self)!.nationalName.utf8)
            }
            return true
        }
        guard put(&row, get(f, "content")), putOptional(&row, fine) else { return false }
        if confiscated != nil { guard put(&row, confiscated) else { return false } } else { row.append(has(Self.confiscationBit) ? "0" : "") }
        guard putOptional(&row, get(f, "license")) else { return false }
        row.append(date: decidedAt)
        if let validUntil { row.append(date: validUntil) } else { row.appendEmpty() }
        // 公示截止期 by the rule in force (RecordMapper.penalty); an unpublished penalty's is its decision date.
        row.append(date: publication.end ?? decidedAt)
        guard put(&row, authority.name) else { return false }
        putPlain(&row, authority.uscc)
        guard put(&row, source.name) else { return false }
        putPlain(&row, source.uscc)
        guard putOptional(&row, get(f, "remarks")) else { return false }

        var required = party.category == .person ? [Self.xzcfPersonType, Self.xzcfPersonNumber] : [Self.xzcfUSCC, Self.xzcfRepresentative]
        if party.category == .individualBusiness && party.hasPlaceholderUSCC { required.append(Self.xzcfRegistration) }
        if has(Self.fineBit) { required.append(Self.xzcfFine) }
        if has(Self.confiscationBit) { required.append(Self.xzcfConfiscated) }
        if has(Self.licenseBits) { required.append(Self.xzcfLicense) }
        return row.satisfiesNationalRules(extraRequired: required)
    }

    static let banKeys = KindSpec.ban.names

    func ban(_ f: Value, into row: inout ByteRow) -> Bool {
        guard only(f, Self.banKeys),
              let person = person(object(f, "person")), let role = enumValue(f, "role", BanRole.self),
              let reason = enumValue(f, "reason", BanReason.self), let scope = enumValue(f, "scope", BanScope.self),
              let decidedAt = date(get(f, "decidedAt")), let institution = organization(object(f, "institution")),
              let authority = organization(object(f, "authority"), authority: true), get(f, "basis") != nil else { return false }
        // managerOf has no column; the full decoder takes a log seq, and only on a manager's ban.
        if let v = get(f, "managerOf"), !isSeq(v) || role != .responsibleManager { return false }
        let until = get(f, "until")
        var untilDate: LocalDate?
        switch scope {
        case .until:
            guard let d = date(until), d > decidedAt else { return false }
            untilDate = d
        case .lifetime:
            guard until == nil || until?.type == .null else { return false }
        }
        guard put(&row, person.name) else { return false }
        row.append(person.idType.nationalName)
        putPlain(&row, person.idNumber)
        guard row.build({ out in
            out.append(contentsOf: reason.exportName.utf8)
            out.append(contentsOf: "（".utf8)
            out.append(contentsOf: role.exportName.utf8)
            out.append(contentsOf: "，".utf8)
            out.append(contentsOf: scope.exportName.utf8)
            out.append(contentsOf: "，".utf8)
            guard s.appendUnescaped(institution.name, to: &out) else { return false }
            out.append(contentsOf: "）：".utf8)
            guard let facts = get(f, "facts") else { return false }
            return s.appendUnescaped(facts, to: &out)
        }) else { return false }
        row.append(date: decidedAt)
        guard put(&row, get(f, "decisionNo")), put(&row, authority.name) else { return false }
        putPlain(&row, authority.uscc)
        if let untilDate { row.append(date: untilDate) } else { row.append(RecordMapper.noEnd) }
        for _ in 0..<4 { row.appendEmpty() }
        row.append("列入")
        guard putOptional(&row, get(f, "remarks")) else { return false }
        return row.satisfiesNationalRules(extraRequired: [])
    }

    static let inspectionKeys = KindSpec.inspection.names
    static let findingKeys: [StaticString] = ["code", "description", "severity"]

    func inspection(_ f: Value, into row: inout ByteRow) -> Bool {
        guard only(f, Self.inspectionKeys),
              let institution = organization(object(f, "institution")), let authority = organization(object(f, "authority"), authority: true),
              let inspectedAt = date(get(f, "inspectedAt")), let type = enumValue(f, "type", InspectionType.self),
              let result = enumValue(f, "result", InspectionResult.self),
              let areaList = get(f, "areas"), areaList.type == .array, let findingList = get(f, "findings"), findingList.type == .array,
              let inspectors = get(f, "inspectors"), inspectors.type == .array, inspectors.next > inspectors.index + 1 else { return false }
        var areas: UInt32 = 0
        for item in s.elements(areaList) {
            guard item.type == .string, let n = InspectionArea.byteTable.ordinal(s.text(item)) else { return false }
            let bit = UInt32(1) << UInt32(n)
            guard areas & bit == 0 else { return false }
            areas |= bit
        }
        let hasFindings = findingList.next > findingList.index + 1
        guard areas != 0, result == .pass || hasFindings else { return false }
        var rectifyBy: LocalDate?
        if let v = get(f, "rectifyBy") {
            guard result != .pass, let d = date(v), d >= inspectedAt else { return false }
            rectifyBy = d
        } else if result != .pass { return false }
        var source = authority
        if let v = get(f, "dataSource") { guard v.type == .object, let o = organization(v) else { return false }; source = o }
        // followUpOf has no column, but the full decoder refuses anything but a log seq.
        if let v = get(f, "followUpOf"), !isSeq(v) { return false }

        guard put(&row, institution.name) else { return false }
        row.append(PartyCategory.organization.nationalName)
        putPlain(&row, institution.uscc)
        guard put(&row, get(f, "inspectionNo")) else { return false }
        row.append(type.exportName)
        _ = row.build { out in
            for (i, item) in s.elements(areaList).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ";")) }
                out.append(contentsOf: enumValue(item, InspectionArea.self)!.exportName.utf8)
            }
            return true
        }
        row.append(date: inspectedAt)
        row.append(result.exportName)
        guard row.build({ out in
            for (i, item) in s.elements(findingList).enumerated() {
                guard item.type == .object, only(item, Self.findingKeys),
                      let code = plain(item, "code"), Self.isFindingCode(s.text(code)),
                      let severity = enumValue(item, "severity", Severity.self), let description = get(item, "description") else { return false }
                if i > 0 { out.append(UInt8(ascii: ";")) }
                guard s.appendUnescaped(description, to: &out) else { return false }
                out.append(contentsOf: "（".utf8)
                out.append(contentsOf: severity.exportName.utf8)
                out.append(contentsOf: "）".utf8)
            }
            return true
        }) else { return false }
        if let rectifyBy { row.append(date: rectifyBy) } else { row.appendEmpty() }
        guard row.build({ out in
            for (i, item) in s.elements(inspectors).enumerated() {
                guard item.isString else { return false }
                if i > 0 { out.append(UInt8(ascii: ";")) }
                guard s.appendUnescaped(item, to: &out) else { return false }
            }
            return true
        }), put(&row, authority.name) else { return false }
        putPlain(&row, authority.uscc)
        guard put(&row, source.name) else { return false }
        putPlain(&row, source.uscc)
        guard putOptional(&row, get(f, "remarks")) else { return false }
        return row.satisfiesNationalRules(extraRequired: [])
    }

    static let enforcementKeys = KindSpec.enforcement.names

    func enforcement(_ f: Value, into row: inout ByteRow) -> Bool {
        guard only(f, Self.enforcementKeys),
              let party = party(object(f, "party")), let measure = enumValue(f, "measure", EnforcementMeasure.self),
              let decidedAt = date(get(f, "decidedAt")), let authority = organization(object(f, "authority"), authority: true) else { return false }
        var source = authority
        if let v = get(f, "dataSource") { guard v.type == .object, let o = organization(v) else { return false }; source = o }
        // lifts has no column, but the full decoder refuses anything but a log seq.
        if let v = get(f, "lifts"), !isSeq(v) { return false }
        guard putParty(&row, party, columns: .xzqz), put(&row, get(f, "decisionNo")) else { return false }
        row.append(measure.exportName)
        guard put(&row, get(f, "facts")), put(&row, get(f, "basis")) else { return false }
        if let content = get(f, "content") { guard put(&row, content) else { return false } } else { row.append(measure.exportName) }
        row.append(date: decidedAt)
        guard put(&row, authority.name) else { return false }
        putPlain(&row, authority.uscc)
        guard put(&row, source.name) else { return false }
        putPlain(&row, source.uscc)
        guard putOptional(&row, get(f, "remarks")) else { return false }
        var required = party.category == .person ? [Self.xzqzPersonType, Self.xzqzPersonNumber] : [Self.xzqzUSCC, Self.xzqzRepresentative]
        if party.category == .individualBusiness && party.hasPlaceholderUSCC { required.append(Self.xzqzRegistration) }
        return row.satisfiesNationalRules(extraRequired: required)
    }

    static let revocationKeys = KindSpec.revocation.names
    static let creditRepairKeys = KindSpec.creditRepair.names

    /// Revocations and credit repairs (a few in a hundred entries): built with Strings.
    func withdrawal(_ f: Value, kind: RecordKind) -> FastMapping? {
        guard only(f, kind == .revocation ? Self.revocationKeys : Self.creditRepairKeys),
              let targetValue = get(f, "target"), targetValue.type == .number,
              let target = UInt64(String(decoding: s.text(targetValue), as: UTF8.self)),
              let decisionNo = get(f, "decisionNo").flatMap(s.string), let decided = date(get(f, "decidedAt")),
              let authorityFields = object(f, "authority"), let authority = organization(authorityFields, authority: true),
              let name = s.string(authority.name), let region = get(authorityFields, "region").flatMap(s.string) else { return nil }
        if let notes = get(f, "notes"), !notes.isString { return nil }
        // conditions has no column, but the full decoder refuses anything but a non-empty set of known values.
        if let list = get(f, "conditions") {
            guard list.type == .array else { return nil }
            var seen = Set<RepairCondition>()
            for item in s.elements(list) { guard let c = enumValue(item, RepairCondition.self), seen.insert(c).inserted else { return nil } }
            guard !seen.isEmpty else { return nil }
        }
        var inbound = false
        if let v = get(f, "decidedBy") {
            guard let decider = enumValue(v, RepairDecider.self) else { return nil }
            inbound = decider == .creditPlatform
        }
        let reason: String
        if kind == .revocation {
            guard let r = enumValue(f, "reason", RevocationReason.self) else { return nil }
            reason = r.exportName
        } else {
            reason = "信用修复"
        }
        return .withdrawal(target: target, Withdrawal(decisionNo: decisionNo, decidedAt: decided,
                                                      authority: Authority(name: name, uscc: String(decoding: s.text(authority.uscc), as: UTF8.self), region: region),
                                                      reason: reason, inbound: inbound), kind)
    }

    // MARK: pieces

    /// A bit per case (its ordinal), so a list's duplicates are found without an array and
    /// nothing is hashed per record.
    static let fineBit = PenaltyCategory.byteTable.bit(.fine)
    static let confiscationBit = PenaltyCategory.byteTable.bit(.confiscation)
    static let licenseBits = PenaltyCategory.byteTable.bit(.licenseSuspension) | PenaltyCategory.byteTable.bit(.licenseRevocation)

    /// The cases of a bit set, in declaration order.
    static func categories(_ bits: UInt32) -> [PenaltyCategory] {
        PenaltyCategory.allCases.enumerated().compactMap { bits & (UInt32(1) << UInt32($0.offset)) != 0 ? $0.element : nil }
    }

    /// Amount text `^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$` (CreditRecords.Amount).
    func amountOK(_ value: Value?, required: Bool, positive: Bool) -> Bool {
        guard let value else { return !required }
        guard value.type == .string, Amount.isValid(utf8: s.text(value)) else { return false }
        return !positive || !Amount.isZero(utf8: s.text(value))
    }

    /// A non-negative integer literal that fits an Int64 (what `ObjectReader.integer` takes).
    func isSeq(_ v: Value) -> Bool {
        let text = s.text(v)
        return v.type == .number && text.count <= 18 && (text.count == 1 || text[0] != 0x30) && text.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func isFindingCode(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = code.first, first >= 0x61 && first <= 0x7A, code.count <= FieldLimit.findingCode else { return false }
        return code.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
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
