import CreditRecords

/// What the index takes from one record: whom it names and the few dates and values that
/// decide a status. Read either straight from the entry bytes (`extract(entry:)`, the fast
/// path for start-up and rebuilds: CreditRecords' `EntryScanner`, no JSON tree, no string per
/// field) or from a decoded envelope (`init(envelope:)`); both give the same facts (tests
/// check it). Which member holds the subjects, the document number and the decision date is
/// the kind table's (`KindSpec`); the dates and values of the status rules are the index's.
struct RecordFacts: Equatable {
    var kind: RecordKind
    /// ban.person, judgment.person, or the party of a penalty / enforcement against a person.
    var person: SubjectRef?
    /// The institution a filing, inspection or annual review is about, the organisation or
    /// individual business a penalty / enforcement is against, or ban.institution.
    var institution: SubjectRef?
    var decidedAt: (Int, Int, Int)?
    var validUntil: Int32 = DayNumber.none
    var publicUntil: Int32 = DayNumber.none
    /// ban.until, or a judgment's practiceBanUntil.
    var banUntil: Int32 = DayNumber.none
    var lifetime = false
    var action: FilingAction?
    var year: Int32 = 0
    var passed = false
    var target: UInt64?
    /// body.authority.uscc: the recording authority (the registry's part, see `RecordColumns`).
    var authority: SubjectRef?
    /// The decision date by the kind's own field (filedAt, inspectedAt, reviewedAt, else decidedAt).
    var decisionDay: Int32 = DayNumber.none
    /// `DocumentDigest` of (authority, document number); 0 when the kind has none.
    var document: UInt64 = 0
    /// A judgment's or penalty's offenceCategory (StatutoryBars.swift).
    var offenceCategory: OffenceCategory?
    /// A penalty whose categories include practice_restriction (限制从业).
    var practiceRestriction = false
    /// `StatusBits` of a penalty's categories or an enforcement's measure (institution status).
    var statusBits: UInt8 = 0
    /// A filing's institution.region as a number, 0 when absent (the public list's filter).
    var region: Int32 = 0
    /// A penalty's last published day by its rule (`PublicationPeriods.swift`); none for other kinds.
    var publishedThrough: Int32 = DayNumber.none
    /// A penalty's `PublicationRule.ID` (0 for other kinds) and first repair day (never: no repair).
    var repairRule: UInt8 = 0
    var repairFrom: Int32 = DayNumber.none
    /// An enforcement decision's `lifts`: the seq of the measure it ends.
    var lifts: UInt64?
    /// Submitted under `BanConfirmationRule` (an inspector's, from its date on): a lifetime ban
    /// or a revocation of one then waits for a `ban_confirmation`.
    var needsConfirmation = false

    static func == (a: RecordFacts, b: RecordFacts) -> Bool {
        a.kind == b.kind && a.person == b.person && a.institution == b.institution
            && a.authority == b.authority && a.decisionDay == b.decisionDay && a.document == b.document
            && a.decidedAt?.0 == b.decidedAt?.0 && a.decidedAt?.1 == b.decidedAt?.1 && a.decidedAt?.2 == b.decidedAt?.2
            && a.validUntil == b.validUntil && a.publicUntil == b.publicUntil && a.banUntil == b.banUntil
            && a.lifetime == b.lifetime && a.action == b.action && a.year == b.year && a.passed == b.passed && a.target == b.target
            && a.offenceCategory == b.offenceCategory && a.practiceRestriction == b.practiceRestriction
            && a.statusBits == b.statusBits && a.region == b.region
            && a.publishedThrough == b.publishedThrough && a.repairRule == b.repairRule && a.repairFrom == b.repairFrom && a.lifts == b.lifts
            && a.needsConfirmation == b.needsConfirmation
    }

    /// The last day a penalty, enforcement or judgment counts as a record about its subject
    /// (docs/records.md "Publication periods": today ≤ max(publicUntil, else the rule's
    /// default (penalties) or decidedAt + 3 years; validUntil)).
    var recordEnd: Int32 {
        guard let (y, m, d) = decidedAt else { return DayNumber.never }  // never for a validated record
        if publishedThrough != DayNumber.none { return max(publishedThrough, validUntil) }
        let publication = publicUntil != DayNumber.none ? publicUntil : DayNumber.adding(years: 3, toYear: y, month: m, day: d)
        return max(publication, validUntil)
    }

    /// The last day a penalty is published (disclosure): publicUntil, else the rule's default.
    var publicationEnd: Int32 {
        if publishedThrough != DayNumber.none { return publishedThrough }
        if publicUntil != DayNumber.none { return publicUntil }
        guard let (y, m, d) = decidedAt else { return DayNumber.never }
        return DayNumber.adding(years: 3, toYear: y, month: m, day: d)
    }
}

// MARK: - From a decoded envelope

extension RecordFacts {
    init(envelope: Envelope) {
        self.init(kind: envelope.kind, body: envelope.body)
        needsConfirmation = BanConfirmationRule.applies(submittedAt: envelope.submittedAt, inspector: envelope.submittedBy.authority != nil)
    }

    init(kind: RecordKind, body: JSONObject) {
        self.kind = kind
        let spec = KindSpec.of(kind)
        func date(_ key: String) -> Int32 {
            guard let (y, m, d) = body[key]?.stringValue.flatMap(DayNumber.parse) else { return DayNumber.none }
            return DayNumber.from(year: y, month: m, day: d)
        }
        func personRef(_ object: JSONObject?) -> SubjectRef? {
            guard let object, let type = object["idType"]?.stringValue.flatMap(IdType.init(rawValue:)),
                  let number = object["idNumber"]?.stringValue else { return nil }
            return SubjectRef.person(type: type, number: number)
        }
        func institutionRef(_ object: JSONObject?) -> SubjectRef? {
            guard let uscc = object?["uscc"]?.stringValue, !USCC.isPlaceholder(uscc.uppercased()) else { return nil }
            return SubjectRef.institution(uscc: uscc)
        }
        decidedAt = body["decidedAt"]?.stringValue.flatMap(DayNumber.parse)
        let authorityCode = body["authority"]?.objectValue?["uscc"]?.stringValue
        authority = authorityCode.map { SubjectRef.institution(uscc: $0) }
        decisionDay = RecordRegistry.decisionDate(kind: kind, body: body).map(DayNumber.from) ?? DayNumber.none
        if let authorityCode, let number = RecordRegistry.documentNumber(kind: kind, body: body) {
            document = DocumentDigest.of(authority: authorityCode, number: number)
        }
        for subject in spec.subjects {
            let object = body[subject.key]?.objectValue
            switch subject.shape {
            case .person: person = personRef(object)
            case .organization: institution = institutionRef(object)
            case .party:
                if object?["category"]?.stringValue == PartyCategory.person.rawValue { person = personRef(object) } else { institution = institutionRef(object) }
            }
        }
        if let key = spec.target.map({ "\($0)" }) { target = body[key]?.integerValue.flatMap { UInt64(exactly: $0) } }
        switch kind {
        case .ban:
            lifetime = BanScope.isLifetime(kind: kind, body: body)
            banUntil = date("until")
        case .judgment:
            banUntil = date("practiceBanUntil")
            offenceCategory = body["offenceCategory"]?.stringValue.flatMap(OffenceCategory.init(rawValue:))
        case .penalty:
            validUntil = date("validUntil")
            publicUntil = date("publicUntil")
            offenceCategory = body["offenceCategory"]?.stringValue.flatMap(OffenceCategory.init(rawValue:))
            practiceRestriction = body["categories"]?.arrayValue?.contains(.string(PenaltyCategory.practiceRestriction.rawValue)) ?? false
            statusBits = StatusBits.penalty(categories: body["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            setPublication(PublicationRules.penalty(body: body))
        case .institutionFiling:
            action = body["action"]?.stringValue.flatMap(FilingAction.init(rawValue:))
            region = body["institution"]?.objectValue?["region"]?.stringValue.flatMap(RegionFilter.number) ?? 0
        case .annualReview:
            year = body["year"]?.integerValue.flatMap { Int32(exactly: $0) } ?? 0
            passed = body["result"]?.stringValue == ReviewResult.pass.rawValue
        case .enforcement:
            if body["measure"]?.stringValue == EnforcementMeasure.seal.rawValue { statusBits = StatusBits.seal }
            lifts = body["lifts"]?.integerValue.flatMap { UInt64(exactly: $0) }
        case .inspection, .revocation, .creditRepair, .erasure, .migration, .banConfirmation:
            break
        }
    }
}
