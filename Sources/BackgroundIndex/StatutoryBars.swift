import CreditRecords

/// Which rule made a finding bar the person (docs/background-index.md "Statutory bars").
public enum BarRule: String, Sendable, Equatable, Codable {
    /// An unrevoked ban (lifetime, or running through today).
    case ban
    /// A court's 从业禁止 (`practiceBanUntil`) running through today.
    case courtPracticeBan = "court_practice_ban"
    /// A judgment or penalty whose offence category bars by 未成年人保护法 art. 62 and 130.
    case statutoryOffence = "statutory_offence"
    /// A category of 学前教育法 art. 44's wider list, when that option is on.
    case preschoolOffence = "preschool_offence"
    /// A 限制从业 penalty (行政处罚法 art. 9) during its term.
    case practiceRestriction = "practice_restriction"
}

/// What the bar rules may be configured with.
public struct BarOptions: Sendable, Equatable {
    /// Apply 学前教育法 art. 44's wider list (性骚扰、吸毒、赌博) as bars: for a service whose
    /// checks are for kindergarten 托班. Off by default: 托育机构 are bound by 未成年人保护法
    /// art. 62, whose list is 性侵害、虐待、拐卖、暴力伤害.
    public var preschoolList: Bool

    public init(preschoolList: Bool = false) { self.preschoolList = preschoolList }

    public static let standard = BarOptions()
}

/// The statutory bars over one judgment or penalty entry of a person's chain. The entry
/// keeps the offence category in its `flags` (`OffenceCategory.code`) and, for a penalty, the
/// last day of a 限制从业 in `a` (see `Entry`).
enum StatutoryBars {
    /// The bar an offence category sets under `options`, with its legal basis; nil when it sets none.
    static func categoryBar(_ code: UInt8, kind: RecordKind, options: BarOptions) -> (rule: BarRule, basis: String)? {
        guard let category = OffenceCategory.category(code: code) else { return nil }
        let spec = KindSpec.offence(category)
        // A judgment cites the Criminal Law articles of its category; a penalty is a 违法 record,
        // which art. 62 covers too, but its 治安 articles are not in the table.
        let articles = kind == .judgment && !spec.criminalLawArticles.isEmpty ? "（\(spec.title)：\(spec.criminalLawCitation)）" : "（\(spec.title)）"
        switch spec.bar {
        case .minorsProtection:
            return (.statutoryOffence, "未成年人保护法第62条、第130条" + articles)
        case .preschoolEducation where options.preschoolList:
            return (.preschoolOffence, "学前教育法第44条" + articles)
        case .preschoolEducation, .noBar:
            return nil
        }
    }

    static let practiceRestrictionBasis = "行政处罚法第9条（限制从业）"

    /// The bar of a judgment or penalty entry as of `today`, if any: the rule, its basis, and
    /// its last day (`DayNumber.never` for a statutory bar, which the law gives no end).
    /// A statutory bar outlasts a court's ban, so it is preferred; of a court's ban and a
    /// practice restriction, each is the only time-bound bar of its kind.
    static func bar(_ e: Entry, kind: RecordKind, today: Int32, options: BarOptions) -> (rule: BarRule, basis: String?, until: Int32)? {
        if let (rule, basis) = categoryBar(e.flags & 0x0F, kind: kind, options: options) { return (rule, basis, DayNumber.never) }
        switch kind {
        case .judgment where e.a != DayNumber.none && e.a >= today:
            return (.courtPracticeBan, nil, e.a)
        case .penalty where e.a != DayNumber.none && e.a >= today:
            return (.practiceRestriction, practiceRestrictionBasis, e.a)
        default:
            return nil
        }
    }
}

extension RecordFacts {
    /// The last day a 限制从业 penalty bars: its `validUntil` (处罚有效期, the term); without
    /// one, the end of its record period — the term was not recorded, and the record's own
    /// period is the only bound it has (failing safe rather than not barring at all).
    var restrictionEnd: Int32 {
        guard practiceRestriction else { return DayNumber.none }
        return validUntil != DayNumber.none ? validUntil : recordEnd
    }
}
