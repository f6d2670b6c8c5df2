import CreditRecords
import LedgerCrypto
import TransparencyLog

/// Confirming a printed check receipt (issue 18; docs/web.md "Receipts"): its QR code names
/// the check's access-log seq and check id; anyone holding the receipt can see that the check
/// was recorded as printed (when, by which institution, for what purpose, with which answer)
/// and that the entry is in the access log's signed tree. Never the person checked: the
/// access entry holds only a keyed hash of the ID.
extension Ledger {
    public struct ReceiptConfirmation: Sendable {
        public let checkId: String
        public let accessSeq: UInt64
        public let at: String
        public let institutionUSCC: String?
        public let purpose: String
        public let status: String
        public let leafHash: Digest32
        public let inclusionProof: [Digest32]
        /// The access log's latest signed checkpoint, the proof's root.
        public let checkpoint: SignedCheckpoint
        /// The proof leads from the entry to the checkpoint's root (checked here; the page
        /// shows both so anyone can check again).
        public let included: Bool
    }

    /// The receipt's access entry, if `checkId` is the one recorded at `accessSeq`. A wrong id
    /// and a seq past the log answer alike, so the seqs cannot be walked to learn anything.
    public func confirmReceipt(accessSeq: UInt64, checkId: String) throws(Refusal) -> ReceiptConfirmation {
        let notFound = Refusal.notFound("No check with this receipt number was recorded.")
        let checkpoint = access.log.latestCheckpoint
        let size = checkpoint.checkpoint.size
        guard accessSeq < size else { throw notFound }
        do {
            guard let entry = AccessEntry.decode(try access.log.entry(at: accessSeq)),
                  ConstantTime.equals(Array(entry.checkId.utf8), Array(checkId.utf8)) else { throw notFound }
            let leaf = try access.log.leafHash(at: accessSeq)
            let proof = try access.log.inclusionProof(seq: accessSeq, size: size)
            let included = MerkleTree.verifyInclusion(leafHash: leaf, index: accessSeq, size: size, proof: proof,
                                                      root: checkpoint.checkpoint.rootHash)
            return ReceiptConfirmation(checkId: entry.checkId, accessSeq: accessSeq, at: entry.at, institutionUSCC: entry.institution,
                                       purpose: entry.purpose, status: entry.status, leafHash: leaf, inclusionProof: proof,
                                       checkpoint: checkpoint, included: included)
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw logUnavailable(error)
        }
    }
}
