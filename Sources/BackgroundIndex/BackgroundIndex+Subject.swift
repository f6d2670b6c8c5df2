import CreditRecords

extension BackgroundIndex {
    /// One record that names a person as its subject, as the index keeps it.
    public struct NamedRecord: Sendable, Equatable {
        public let seq: UInt64
        public let kind: RecordKind?
        public let revoked: Bool
        public let repaired: Bool
    }

    /// Every record naming the person as its subject, oldest first, whatever its status today
    /// (revoked, repaired and expired ones too): the data subject's own view (PIPL art. 45),
    /// not a check's, which shows only what counts today.
    public func records(naming key: PersonKey) -> [NamedRecord] {
        let ref = personRef(key)
        let chain = state.withLock { $0.chain(from: $0.head(person: ref)) }
        var seen = Set<UInt64>()
        return chain.compactMap { link in
            guard seen.insert(link.entry.seq).inserted else { return nil }
            return NamedRecord(seq: link.entry.seq, kind: link.entry.recordKind,
                               revoked: link.info & KindCode.revoked != 0, repaired: link.info & KindCode.repaired != 0)
        }
    }
}
