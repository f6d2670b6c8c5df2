/// What the exporter did with each seq it has passed, two bits a seq (a million records
/// take 250 KB): enough to know, when a revocation or credit repair arrives, whether its
/// target reached the platform and is still there, without re-reading earlier batches.
public struct SeqMarks: Sendable, Equatable {
    public enum Mark: UInt8, Sendable {
        /// Not exported: a kind the platform does not take, or a revocation / repair itself.
        case none = 0
        /// Exported as 新增 and not withdrawn.
        case exported = 1
        /// Exported, then withdrawn (撤回) — a second withdrawal has nothing left to withdraw.
        case withdrawn = 2
        /// Rejected (in rejects.jsonl), so never on the platform.
        case rejected = 3
    }

    public private(set) var count: UInt64 = 0
    private(set) var bytes: [UInt8] = []

    public init() {}

    init?(count: UInt64, bytes: [UInt8]) {
        guard UInt64(bytes.count) == (count + 3) / 4 else { return nil }
        self.count = count
        self.bytes = bytes
    }

    public subscript(seq: UInt64) -> Mark {
        get {
            guard seq < count else { return .none }
            return Mark(rawValue: (bytes[Int(seq / 4)] >> UInt8((seq % 4) * 2)) & 3)!
        }
        set {
            precondition(seq < count, "mark \(seq) beyond \(count)")
            let shift = UInt8((seq % 4) * 2)
            let i = Int(seq / 4)
            bytes[i] = (bytes[i] & ~(3 << shift)) | (newValue.rawValue << shift)
        }
    }

    /// Extends to `newCount` seqs, all `.none`.
    public mutating func grow(to newCount: UInt64) {
        guard newCount > count else { return }
        count = newCount
        let need = Int((newCount + 3) / 4)
        if bytes.count < need { bytes.append(contentsOf: repeatElement(0, count: need - bytes.count)) }
    }
}
