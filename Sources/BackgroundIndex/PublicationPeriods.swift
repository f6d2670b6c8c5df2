import CreditRecords

/// A penalty's publication by the rule in force at its decision (`PublicationRules`,
/// docs/records.md "Publication periods"), as the index keeps it: the last day published,
/// and when and by which rule a credit repair may end it.
extension RecordFacts {
    mutating func setPublication(_ publication: Publication?) {
        guard let publication else { return }
        // Not published at all (a 轻微 penalty under the 2025 rule): ended the day before its decision.
        publishedThrough = publication.end.map(DayNumber.from) ?? (decisionDay == DayNumber.none ? DayNumber.none : decisionDay - 1)
        repairRule = publication.rule.rawValue
        repairFrom = publication.repairFrom.map(DayNumber.from) ?? DayNumber.never
    }

    /// The publication of a penalty from the members the byte reader took.
    static func publication(decidedAt: (Int, Int, Int)?, publicUntil: Int32, penaltyClass: PenaltyClass?, procedure: PenaltyProcedure?,
                            categories: [PenaltyCategory], marketRegulator: Bool) -> Publication? {
        guard let (y, m, d) = decidedAt, let decided = LocalDate(year: y, month: m, day: d) else { return nil }
        return PublicationRules.penalty(decidedAt: decided, penaltyClass: penaltyClass, procedure: procedure, categories: categories,
                                        publicUntil: DayNumber.date(publicUntil), marketRegulator: marketRegulator)
    }
}

extension RecordColumns {
    /// A penalty's repair window as the validator sees it (nil for other kinds).
    func repairWindow(at seq: Int) -> RepairWindow? {
        guard seq < repairRule.count, let rule = PublicationRule.ID(rawValue: repairRule[seq]) else { return nil }
        return RepairWindow(rule: rule, from: DayNumber.date(repairFrom[seq]))
    }
}
