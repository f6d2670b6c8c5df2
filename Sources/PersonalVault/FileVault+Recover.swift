import DurableStorage

extension FileVault {
    /// After a failed fsync (or a write that could not be undone) every write is refused: the
    /// kernel may have dropped what was written since the last sync. Once the disk works again
    /// this puts the vault back as a restart would, in place: both files cut back to what the
    /// last successful sync made durable, synced, and the state read again from them. What is
    /// cut was never acknowledged: an append's leaf enters the log only after a vault sync
    /// covering its seal succeeded, and the writer checks `recoveries` did not change between
    /// its seal and that sync. Appends and erasures call it first; it tries at most once a
    /// second, so a disk that is still failing costs little.
    public func recoverIfFailed() throws(VaultError) {
        guard state.withReadLock({ $0.failure != nil }) else { return }
        // The order every writer takes these locks in: no sync, index write or erasure runs
        // while the files are cut and re-read.
        try syncLock.withLock { _ throws(VaultError) in
            try indexLock.withLock { _ throws(VaultError) in
                try state.withLock { s throws(VaultError) in
                    guard let failure = s.failure else { return }  // another caller recovered it
                    let now = ContinuousClock.now
                    if let last = s.lastRecoveryAttempt, now - last < .seconds(1) { throw .io(failure) }
                    s.lastRecoveryAttempt = now
                    do {
                        try io.ftruncate(keysFD, length: s.syncedKeysEnd)
                        try io.ftruncate(sealedFD, length: s.syncedSealedEnd)
                        try io.fdatasync(keysFD)
                        try io.fdatasync(sealedFD)
                    } catch {
                        throw .io("\(failure); cutting back to the last sync failed too (\(error))")
                    }
                    let reloaded: State
                    do {
                        reloaded = try Self.load(keys: keys, io: io, keysFD: keysFD, keysPath: keysPath,
                                                 sealedFD: sealedFD, sealedPath: sealedPath).1
                    } catch let error as VaultError {
                        throw error
                    } catch {
                        throw .io("\(failure); reading the vault again failed (\(error))")
                    }
                    let recoveries = s.recoveries + 1
                    s = reloaded
                    s.recoveries = recoveries
                }
            }
        }
    }

    public var recoveries: UInt64 { state.withReadLock { $0.recoveries } }
}
