// MARK: - revocation and credit_repair

/// A member naming a log seq (a revocation's target, an inspection's followUpOf).
func readSeq(_ r: ObjectReader, _ key: String, required: Bool = true) -> UInt64? {
    guard let n = r.integer(key, required: required) else { return nil }
    guard n >= 0 else { r.sink.add(r.at(key), "range", "\(key) is a log seq, a non-negative integer"); return nil }
    return UInt64(n)
}

func readTarget(_ r: ObjectReader) -> UInt64? { readSeq(r, "target") }

/// 撤销 / 更正: withdraws the record at `target`.
public struct Revocation: Sendable, Equatable {
    public let target: UInt64
    public let reason: RevocationReason
    public let decisionNo: String
    public let decidedAt: LocalDate
    public let authority: Authority
    public let notes: String?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.revocation.keys)
        let target = readTarget(r)
        let reason = r.enumValue("reason", RevocationReason.self)
        let decisionNo = r.string("decisionNo", maxLength: FieldLimit.documentNumber)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        let notes = readRemarks(r, "notes")
        guard let target, let reason, let decisionNo, let decidedAt, let authority, notes.ok else { return nil }
        (self.target, self.reason, self.decisionNo, self.decidedAt, self.authority, self.notes) = (target, reason, decisionNo, decidedAt, authority, notes.value)
    }
}

/// Who decided a credit repair: the recording authority, or the credit platform (信用中国 or
/// the enterprise credit publicity system, which decide repairs of what they publish and
/// tell the authority). A platform's repair is an inbound fact: recorded, never exported back.
public enum RepairDecider: String, CaseIterable, Sendable, Codable {
    case authority
    case creditPlatform = "credit_platform"
}

extension RepairDecider: ByteReadableEnum { public static let byteTable = EnumTable<RepairDecider>() }

/// 信用修复: ends the publication of the record at `target` early (never deletes it).
/// `notes` is an optional addition; `conditions`, the repair conditions the authority found
/// met, is required for a penalty under the 2025 rule (`RecordValidator`).
public struct CreditRepair: Sendable, Equatable {
    public let target: UInt64
    public let decisionNo: String
    public let decidedAt: LocalDate
    public let authority: Authority
    public let notes: String?
    public let conditions: [RepairCondition]?
    /// Absent: the authority decided it (and the export sends the withdrawal).
    public let decidedBy: RepairDecider?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.creditRepair.keys)
        let target = readTarget(r)
        let decisionNo = r.string("decisionNo", maxLength: FieldLimit.documentNumber)
        let decidedAt = r.date("decidedAt", notFuture: true)
        let authority = readAuthority(r)
        let notes = readRemarks(r, "notes")
        let conditions = r.has("conditions") ? r.enumArray("conditions", RepairCondition.self) : nil
        let decidedBy = r.enumValue("decidedBy", RepairDecider.self, required: false)
        guard let target, let decisionNo, let decidedAt, let authority, notes.ok, conditions != nil || !r.has("conditions"),
              decidedBy != nil || !r.has("decidedBy") else { return nil }
        self.decidedBy = decidedBy
        (self.target, self.decisionNo, self.decidedAt, self.authority, self.notes) = (target, decisionNo, decidedAt, authority, notes.value)
        self.conditions = conditions
    }
}
