import LedgerCrypto
import PersonalVault
import Synchronization
import TransparencyLog

/// `careledger vault repair` (docs/operations.md "Recovery after a crash"): the vault refuses
/// to open when a broken frame in `sealed` is followed by valid ones. A power loss can leave
/// that, since the pages of frames written but not yet synced reach the disk in any order;
/// nothing acknowledged is lost then, because a leaf is committed only after the sync that
/// covers its frame. Restoring an older vault instead would lose every personal part sealed
/// since the backup, and those records would then read as erased.
///
/// The records log decides. Every committed sealed leaf's commitment must be in the vault
/// (an erasure zeroes a frame's secret, never its metadata), so the cut is made only if all
/// of them lie before the break and none of the frames after it is one of them. Anything
/// else is damage to acknowledged data, and the vault is left as it is.
package enum VaultRepair {
    package struct Report: Sendable {
        /// Sealed leaves in the records log (each needs its frame in the vault).
        package let committedSealed: Int
        /// What the open cut or found damaged.
        package let recovery: VaultRecovery
        /// Seqs of committed sealed records the vault does not hold at all (lost; none after
        /// a cut, which is made only when none would be).
        package let missing: [UInt64]
    }

    package struct Refused: Error, CustomStringConvertible {
        package let description: String
    }

    private final class Why: Sendable { let text = Mutex<String?>(nil) }

    /// Opens the records log of `data` read-only and the vault for writing (its process lock:
    /// the service must be stopped), cutting a break only when the log allows it.
    package static func run(data: ServerDataDirectory, keys: VaultKeys) throws -> Report {
        let log = try TransparencyLog.openReadOnly(directory: data.records)
        var committed: [Digest32: UInt64] = [:]
        try log.forEachEntry(in: 0..<log.size) { seq, entry in
            if let commitment = SealedEntries.commitment(of: entry) { committed[commitment] = seq }
        }
        let seqOf = committed, committedSet = Set(committed.keys)
        // Why a cut was refused, for the message (the predicate runs inside the open).
        let refusal = Why()
        let cut = VaultDamageCut { dropped, keptHolds in
            let needed = dropped.filter { committedSet.contains($0) }
            // A set: a break early in a large vault drops many frames, and every committed
            // commitment is looked up in it.
            let droppedSet = Set(dropped)
            let missing = committedSet.filter { !keptHolds($0) && !droppedSet.contains($0) }
            if needed.isEmpty && missing.isEmpty { return true }
            let seqs = (needed + missing).compactMap { seqOf[$0] }.sorted().prefix(10).map(String.init).joined(separator: ", ")
            refusal.text.withLock {
                $0 = "\(needed.count) of the records after the broken frame and \(missing.count) of those at or before it are named by committed records "
                    + "(seqs \(seqs)\(needed.count + missing.count > 10 ? ", …" : "")): this is damage to acknowledged data, not a power loss"
            }
            return false
        }
        do {
            let vault = try FileVault.open(directory: data.root + "/vault", keys: keys, cutDamage: cut)
            let missing = committed.filter { !vault.holds($0.key) }.map(\.value).sorted()
            return Report(committedSealed: committedSet.count, recovery: vault.recovery, missing: missing)
        } catch {
            if let why = refusal.text.withLock({ $0 }) {
                throw Refused(description: "the vault was left as it is: \(why). Keep the data directory for investigation and "
                    + "restore the vault from a backup only together with the records log it was taken with.")
            }
            throw error
        }
    }
}
