/// 失信行为的严重程度 a penalty records (`class`): 轻微 / 一般 / 严重, the classes of the
/// 信用修复管理办法 (NDRC Order 2025 No. 36).
public enum PenaltyClass: String, CaseIterable, Sendable, Codable { case minor, general, serious }

/// The procedure a penalty was decided under (`procedure`): 简易程序 / 普通程序 (行政处罚法 arts.
/// 51 and 54).
public enum PenaltyProcedure: String, CaseIterable, Sendable, Codable { case summary, ordinary }

/// The conditions of a credit repair (信用修复管理办法, NDRC Order 2025 No. 36): the minimum
/// period passed; the 失信行为 corrected and the obligations discharged; a public 信用承诺;
/// any other condition of law, regulation or 部门规章.
public enum RepairCondition: String, CaseIterable, Sendable, Codable {
    case minimumPeriod = "minimum_period", correctedAndDischarged = "corrected_and_discharged"
    case creditCommitment = "credit_commitment", otherLegalConditions = "other_legal_conditions"
}

extension PenaltyClass: ByteReadableEnum { public static let byteTable = EnumTable<PenaltyClass>() }
extension PenaltyProcedure: ByteReadableEnum { public static let byteTable = EnumTable<PenaltyProcedure>() }
extension RepairCondition: ByteReadableEnum { public static let byteTable = EnumTable<RepairCondition>() }

/// How long one class of penalty is published under one rule, in months from the decision.
public struct PublicationPeriod: Sendable, Equatable {
    /// Before this, no credit repair (nil: the general rule's minimum at the decision date).
    public let minimumMonths: Int?
    /// The longest publication: the latest `publicUntil` allowed.
    public let maximumMonths: Int
    /// Publication without a `publicUntil`; 0 = not published.
    public let defaultMonths: Int
}

/// One publication rule of the table (docs/records.md "Publication periods").
public struct PublicationRule: Sendable, Equatable {
    public enum ID: UInt8, Sendable {
        case order58 = 1, ndrc2025 = 2, samr45 = 3
    }
    public let id: ID
    /// The law and article, as refusals and docs name it.
    public let citation: String
    /// First and last day of decisions it governs (nil: open).
    public let from: LocalDate?
    public let through: LocalDate?
    public let periods: [PenaltyClass: PublicationPeriod]
    /// Categories this rule never lets a repair end early.
    public let notRepairable: Set<PenaltyCategory>
}

/// What a rule makes of one penalty.
public struct Publication: Sendable, Equatable {
    public let rule: PublicationRule.ID
    /// The class the rule applied: the record's, else the default (`PublicationRules.defaultClass`).
    public let penaltyClass: PenaltyClass
    /// The last day published; nil when not published at all.
    public let end: LocalDate?
    /// The first day a credit repair may be decided; nil when no repair may end it early.
    public let repairFrom: LocalDate?
    /// The earliest and latest `publicUntil` the rule allows for this class.
    public let earliestEnd: LocalDate
    public let latestEnd: LocalDate
}

/// The rule table, versioned data: which rule governs a penalty is decided by its decision
/// date (the rule in force then) and, for market regulators, the sector rule. Sources and
/// what is unconfirmed: docs/records.md "Publication periods".
public enum PublicationRules {
    /// Bumped whenever a rule or period below changes (answers may then change; docs say how).
    public static let version = 1

    /// The day the 信用修复管理办法 (NDRC Order 2025 No. 36) came into force; Order 58 governs
    /// decisions before it.
    public static let ndrc2025From = LocalDate(year: 2026, month: 4, day: 1)!

    public static let order58 = PublicationRule(
        id: .order58, citation: "失信行为纠正后的信用信息修复管理办法（试行）(NDRC Order 2023 No. 58)",
        from: nil, through: LocalDate(year: 2026, month: 3, day: 31)!,
        periods: Dictionary(uniqueKeysWithValues: PenaltyClass.allCases.map { ($0, PublicationPeriod(minimumMonths: 3, maximumMonths: 36, defaultMonths: 36)) }),
        notRepairable: [])

    public static let ndrc2025 = PublicationRule(
        id: .ndrc2025, citation: "信用修复管理办法 (NDRC Order 2025 No. 36)", from: ndrc2025From, through: nil,
        periods: [.minor: PublicationPeriod(minimumMonths: 0, maximumMonths: 3, defaultMonths: 0),
                  .general: PublicationPeriod(minimumMonths: 3, maximumMonths: 12, defaultMonths: 12),
                  .serious: PublicationPeriod(minimumMonths: 12, maximumMonths: 36, defaultMonths: 36)],
        notRepairable: [])

    /// 市场监督管理行政处罚信息公示规定 (SAMR Order 45) art. 13: 3 months for 仅通报批评 or a
    /// 较低数额罚款 (read as class `minor`), else 3 years; art. 14: no early stop for
    /// 停产停业、限制从业、降级、吊销.
    public static let samr45 = PublicationRule(
        id: .samr45, citation: "市场监督管理行政处罚信息公示规定 (SAMR Order 45) arts. 13–14", from: nil, through: nil,
        periods: [.minor: PublicationPeriod(minimumMonths: nil, maximumMonths: 3, defaultMonths: 3),
                  .general: PublicationPeriod(minimumMonths: nil, maximumMonths: 36, defaultMonths: 36),
                  .serious: PublicationPeriod(minimumMonths: nil, maximumMonths: 36, defaultMonths: 36)],
        notRepairable: [.suspensionOfBusiness, .practiceRestriction, .qualificationDowngrade, .licenseRevocation])

    public static let all = [order58, ndrc2025, samr45]

    public static func rule(_ id: PublicationRule.ID) -> PublicationRule {
        switch id {
        case .order58: return order58
        case .ndrc2025: return ndrc2025
        case .samr45: return samr45
        }
    }

    /// Categories that make a penalty without a `class` `serious` (an engineering default,
    /// docs/records.md "Publication periods"): they end or restrict the institution's work.
    public static let seriousCategories: Set<PenaltyCategory> = [.closure, .licenseRevocation, .practiceRestriction, .suspensionOfBusiness]

    /// The class of a penalty that states none: `serious` for the categories above or a
    /// `publicUntil` beyond a year (the authority published it as serious), else `general`;
    /// never `minor`, which would hide it.
    public static func defaultClass(decidedAt: LocalDate, categories: [PenaltyCategory], publicUntil: LocalDate?) -> PenaltyClass {
        if categories.contains(where: seriousCategories.contains) { return .serious }
        if let publicUntil, publicUntil > decidedAt.adding(months: 12) { return .serious }
        return .general
    }

    /// The authority is a market regulator (市场监督管理局 / 市场监管局) by its name: the
    /// record carries no sector field, and the name is how the national layout names it.
    public static func isMarketRegulator<C: Collection>(name: C) -> Bool where C.Element == UInt8 {
        // Called from other modules this runs unspecialised, where a generic byte-by-byte
        // search cost ~200k instructions a call: search the contiguous bytes instead.
        if let found = name.withContiguousStorageIfAvailable({ isMarketRegulator(bytes: $0) }) { return found }
        return Array(name).withUnsafeBufferPointer { isMarketRegulator(bytes: $0) }
    }

    /// `isMarketRegulator(name:)` over the name's UTF-8 bytes, in place (a rebuild asks it of every penalty).
    public static func isMarketRegulator(bytes name: UnsafeBufferPointer<UInt8>) -> Bool {
        func contains(_ needle: [UInt8]) -> Bool {
            guard name.count >= needle.count else { return false }
            for start in 0...(name.count - needle.count) where name[start] == needle[0] {
                if UnsafeBufferPointer(rebasing: name[start..<start + needle.count]).elementsEqual(needle) { return true }
            }
            return false
        }
        return contains(marketNames.0) || contains(marketNames.1)
    }

    private static let marketNames = (Array("市场监督管理".utf8), Array("市场监管".utf8))

    static func adding(_ months: Int, to date: LocalDate) -> LocalDate {
        months % 12 == 0 ? date.adding(years: months / 12) : date.adding(months: months)
    }

    /// The publication of a penalty by the rule in force at `decidedAt`.
    public static func penalty(decidedAt: LocalDate, penaltyClass: PenaltyClass?, procedure: PenaltyProcedure?, categories: [PenaltyCategory],
                               publicUntil: LocalDate?, marketRegulator: Bool) -> Publication {
        let general = decidedAt < ndrc2025From ? order58 : ndrc2025
        var cls = penaltyClass ?? defaultClass(decidedAt: decidedAt, categories: categories, publicUntil: publicUntil)
        // SAMR Order 45 art. 13: 仅通报批评 is the 3-month case whatever the class says.
        if marketRegulator, !categories.isEmpty, categories.allSatisfy({ $0 == .publicCriticism }) { cls = .minor }
        let rule = marketRegulator ? samr45 : general
        let period = rule.periods[cls]!
        let minimum = period.minimumMonths ?? general.periods[cls]!.minimumMonths!
        // SAMR Order 45 art. 2: only ordinary-procedure penalties are published.
        let defaultMonths = marketRegulator && procedure == .summary ? 0 : period.defaultMonths
        let end = publicUntil ?? (defaultMonths == 0 ? nil : adding(defaultMonths, to: decidedAt))
        let repairable = !categories.contains(where: rule.notRepairable.contains)
        let earliest = penaltyClass == nil || rule.id == .order58 ? decidedAt : adding(minimum, to: decidedAt)
        return Publication(rule: rule.id, penaltyClass: cls, end: end, repairFrom: repairable ? adding(minimum, to: decidedAt) : nil,
                           earliestEnd: earliest, latestEnd: adding(penaltyClass == nil ? 36 : period.maximumMonths, to: decidedAt))
    }

    /// The publication of a penalty body (nil when its decision date is unreadable).
    public static func penalty(body: JSONObject) -> Publication? {
        guard let decidedAt = body["decidedAt"]?.stringValue.flatMap(LocalDate.init(iso:)) else { return nil }
        let categories = body["categories"]?.arrayValue?.compactMap { $0.stringValue.flatMap(PenaltyCategory.init(rawValue:)) } ?? []
        let name = body["authority"]?.objectValue?["name"]?.stringValue ?? ""
        return penalty(decidedAt: decidedAt, penaltyClass: body["class"]?.stringValue.flatMap(PenaltyClass.init(rawValue:)),
                       procedure: body["procedure"]?.stringValue.flatMap(PenaltyProcedure.init(rawValue:)), categories: categories,
                       publicUntil: body["publicUntil"]?.stringValue.flatMap(LocalDate.init(iso:)), marketRegulator: isMarketRegulator(name: name.utf8))
    }

    /// The first day a credit repair of an enforcement measure or judgment may be decided:
    /// 3 months after it, as before (the repair rules above are about penalties).
    public static func repairFrom(nonPenalty decidedAt: LocalDate) -> LocalDate { decidedAt.adding(months: 3) }
}
