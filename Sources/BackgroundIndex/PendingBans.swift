import CreditRecords

/// Lifetime bans and revocations of them that wait for a second inspector's `ban_confirmation`
/// (docs/background-index.md "Bans need two people"). The state is the index's info byte
/// (`KindCode.pending`) and its pending revocations, both rebuilt from the log alone.
extension BackgroundIndex {
    /// A record waiting for its confirmation.
    public struct PendingRecord: Sendable, Equatable {
        public let seq: UInt64
        /// `.ban` or `.revocation`.
        public let kind: RecordKind
        /// For a revocation: the ban it withdraws once confirmed.
        public let revokes: UInt64?
        public let authority: String
    }

    /// The record at `seq` when it is waiting for a confirmation; nil otherwise.
    public func pending(at seq: UInt64) -> PendingRecord? {
        state.withLock { s in s.pendingRecord(at: seq) }
    }

    /// Every record of `authority` (USCC) waiting for a confirmation, by seq; all when nil.
    /// A scan of one byte per seq: the inspectors' page asks it, not the check path.
    public func pendingRecords(authority: String?) -> [PendingRecord] {
        let code = authority.map(Rules.normalisedCode)
        return state.withLock { s in
            var out: [PendingRecord] = []
            for i in s.info.indices where s.info[i] & KindCode.pending != 0 {
                guard let record = s.pendingRecord(at: UInt64(i)) else { continue }
                if let code, Rules.normalisedCode(record.authority) != code { continue }
                out.append(record)
            }
            return out
        }
    }
}

extension IndexState {
    func pendingRecord(at seq: UInt64) -> BackgroundIndex.PendingRecord? {
        guard seq < size, info[Int(seq)] & KindCode.pending != 0, let kind = KindCode.kind(info[Int(seq)]) else { return nil }
        return BackgroundIndex.PendingRecord(seq: seq, kind: kind, revokes: pendingRevocations[seq], authority: columns.authorityCode(at: Int(seq)))
    }
}

extension BackgroundIndex {
    /// Whether the record at `seq` is a lifetime ban (confirmed, pending or grandfathered):
    /// its revocation needs a signature and a confirmation too.
    public func isLifetimeBan(_ seq: UInt64) -> Bool {
        state.withLock { s in seq < s.size && s.info[Int(seq)] & KindCode.lifetimeBan != 0 }
    }
}

extension BackgroundIndex {
    /// Whether the person is barred today or has a lifetime ban waiting for its confirmation:
    /// either way their data must stay (an erasure would leave the confirmation nothing to bar).
    public func isBarredOrPending(_ key: PersonKey, today: LocalDate, options: BarOptions = .standard) -> Bool {
        let ref = personRef(key)
        let chain = state.withLock { $0.chain(from: $0.head(person: ref)) }
        let (status, hits) = Rules.person(chain, today: DayNumber.from(today), options: options)
        return status == .barred || hits.contains { $0.pending }
    }
}
