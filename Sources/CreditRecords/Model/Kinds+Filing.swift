// MARK: - institution_filing

/// The institution in a filing: an organisation with region, type, address, capacity (托位数)
/// and legal representative, all required, and its 负责人 (`principal`, optional: filings
/// recorded before it existed have none). Both are personal data: screened when filed, and the
/// 负责人 is never disclosed.
public struct FiledInstitution: Sendable, Equatable {
    public let name: String, uscc: String, region: String
    public let type: InstitutionType
    public let address: String
    public let capacity: Int
    public let legalRepresentative: Person
    public let principal: Person?

    init?(_ r: ObjectReader) {
        r.allow(["name", "uscc", "region", "type", "address", "capacity", "legalRepresentative", "principal"])
        let name = r.string("name", maxLength: FieldLimit.organizationName)
        let uscc = r.uscc()
        let region = r.region(required: true)
        let type = r.enumValue("type", InstitutionType.self)
        let address = r.string("address", maxLength: FieldLimit.address)
        var capacity = r.integer("capacity")
        if let c = capacity, c <= 0 || c > Int64(Int32.max) {
            r.sink.add(r.at("capacity"), "range", "capacity (托位数) must be a positive integer")
            capacity = nil
        }
        let representative = r.object("legalRepresentative").flatMap { Person($0) }
        let principal = r.object("principal", required: false).flatMap { Person($0) }
        guard let name, let uscc, let region, let type, let address, let capacity, let representative,
              principal != nil || !r.has("principal") else { return nil }
        (self.name, self.uscc, self.region, self.type, self.address, self.capacity, self.legalRepresentative) =
            (name, uscc, region, type, address, Int(capacity), representative)
        self.principal = principal
    }
}

/// 登记备案. `remarks` is an optional addition.
public struct InstitutionFiling: Sendable, Equatable {
    public let action: FilingAction
    public let institution: FiledInstitution
    public let registrar: Organization
    public let filingNo: String
    public let filedAt: LocalDate
    public let authority: Authority
    public let remarks: String?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.institutionFiling.keys)
        let action = r.enumValue("action", FilingAction.self)
        let institution = r.object("institution").flatMap { FiledInstitution($0) }
        let registrar = r.object("registrar").flatMap { Organization($0) }
        let filingNo = r.string("filingNo", maxLength: FieldLimit.documentNumber)
        let filedAt = r.date("filedAt", notFuture: true)
        let authority = readAuthority(r)
        let remarks = readRemarks(r, "remarks")
        guard let action, let institution, let registrar, let filingNo, let filedAt, let authority, remarks.ok else { return nil }
        (self.action, self.institution, self.registrar, self.filingNo, self.filedAt, self.authority, self.remarks) =
            (action, institution, registrar, filingNo, filedAt, authority, remarks.value)
    }
}
