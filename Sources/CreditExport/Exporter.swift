import DurableStorage
import Foundation
import LedgerCrypto
import TransparencyLog

/// One export run: verify the source against the pinned key and the last exported
/// checkpoint, build the next batch in the spool directory, move the cursor, and (when a
/// push target is set) push every batch the target has not acknowledged, oldest first.
///
/// Exactly once (docs/export.md): a batch directory appears under its final name only when
/// all its files are fsync'd; the cursor moves only after that rename is durable; a batch
/// found complete on disk but not yet in the cursor is adopted, not rebuilt over a longer
/// range; batches are pushed in order and `pushedThrough` moves only after the manifest PUT.
public struct Exporter: Sendable {
    public struct Options: Sendable {
        public var source: ExportSource
        public var verifier: NoteVerifier
        /// The export's manifest key: signs manifest.json (`export-signing-key.pem`), apart
        /// from the log's checkpoint key, which never leaves the log writer (issue 17).
        public var signingKey: Ed25519PrivateKey
        public var spool: String
        public var target: BatchTarget?
        public var progress: (@Sendable (UInt64, UInt64) -> Void)?
        /// Tries per PUT, and the first backoff (doubling, with full jitter, up to 30 s).
        public var pushAttempts = 8
        public var pushBaseDelay: Duration = .milliseconds(200)
        /// Push again every batch from this seq on (an operator's re-push), even if acknowledged.
        public var repushFrom: UInt64?
        /// Run every entry through the full record validator, not just the checks of the fast
        /// path (docs/export.md): for a first export after the validator's rules changed.
        public var revalidate = false
        /// Optional kinds to map (`--include`). A spool keeps the setting of its first batch:
        /// a run with another one is refused (`ExportError.configuration`), never mixed.
        public var mapping = MappingOptions()
        /// The target profile (docs/export.md "Profiles"). The library's default is csv-2.0,
        /// today's layout; the command line's is national-2.0. A spool keeps one profile.
        public var profile = ExportProfile.builtin("csv-2.0")!
        /// Told each crash-relevant step (`ExportStepHook`); nil outside the crash tests.
        public var stepHook: ExportStepHook?
        /// How the cursor is replaced and the batch renamed into place (tests inject faults);
        /// the batch files themselves are streamed by `HashingFileWriter`.
        public var io: StorageIO = PosixIO()
        /// Opens a sealed entry's personal part (the core's vault, docs/log-format.md "Sealed
        /// entries") after the entry was proved against the checkpoint and before it is
        /// mapped, so the mapper sees the names the national format needs. nil: entries are
        /// mapped as stored; a sealed one whose personal part is not opened is rejected `erased`.
        /// Called for every entry: one without a commitment must come back as it is.
        public var open: (@Sendable ([UInt8]) throws -> [UInt8])?

        public init(source: ExportSource, verifier: NoteVerifier, signingKey: Ed25519PrivateKey, spool: String,
                    target: BatchTarget? = nil, progress: (@Sendable (UInt64, UInt64) -> Void)? = nil) {
            self.source = source
            self.verifier = verifier
            self.signingKey = signingKey
            self.spool = spool
            self.target = target
            self.progress = progress
        }
    }

    public struct Report: Sendable, Equatable {
        /// The batch built (or adopted) by this run, if any.
        public var built: String?
        public var pushed: [String] = []
        public var counts: Manifest.Counts?
        /// Entries read and verified.
        public var records: UInt64 = 0
    }

    public let options: Options

    /// `options.signingKey` signs manifests: the export's own key, apart from the log's
    /// checkpoint key (which it may still be, for spools begun before the two were split).
    public init(options: Options) throws {
        self.options = options
    }

    public func run() async throws -> Report {
        let spool = options.spool
        // A profile that cannot carry the chosen kinds is refused before the spool exists.
        if let why = options.profile.refusal(of: options.mapping) { throw ExportError.configuration(why) }
        // Batches hold ID numbers: the spool is private, and an exposed one is not used.
        try ExportError.reportingStorage { try PrivateDirectory.create(spool) }
        if let why = PrivateDirectory.exposure(of: spool, what: "export spool") { throw ExportError.configuration(why) }
        var state: ExportState
        if let loaded = try ExportState.load(directory: spool) {
            state = loaded
        } else {
            state = ExportState(origin: options.verifier.name, vkey: options.verifier.vkey)
            state.mapping = options.mapping
            state.profile = ExportState.ProfileIdentity(options.profile)
        }
        guard state.origin == options.verifier.name, state.vkey == options.verifier.vkey else {
            throw ExportError.alarm("the spool \(spool) was exported from \(state.vkey), not from the log key \(options.verifier.vkey)")
        }
        try checkMapping(state.mapping, of: "the spool's cursor")
        try checkProfile(state.profile, of: "the spool's cursor")
        var report = Report()
        try removeLeftovers()

        // A batch that is complete on disk but not in the cursor (crash between the rename
        // and the cursor): its range and checkpoint are reused, so it is never duplicated.
        let existing = try BatchDirectory.list(spool).first { $0.from == state.next }
        let latestNote = try await options.source.latestCheckpoint()
        let latest = try open(latestNote, what: "the source's latest checkpoint")
        var targetNote = latestNote
        if let existing {
            let manifest = try BatchVerifier.verify(directory: spool + "/" + existing.name, verifier: options.verifier,
                                                    manifestKey: options.signingKey.publicKey)
            try checkMapping(manifest.mappingOptions ?? MappingOptions(), of: "batch \(existing.name)")
            try checkProfile(ExportState.ProfileIdentity(manifest: manifest), of: "batch \(existing.name)")
            targetNote = manifest.checkpoint
        }
        let target = try open(targetNote, what: "the checkpoint of the batch to build")
        try await checkConsistency(state: state, to: target, latest: latest)

        if target.size > state.next {
            let (manifest, newState) = try await build(state: state, checkpoint: target, note: targetNote, adopting: existing?.name)
            state = newState
            report.built = manifest.batchId
            report.counts = manifest.counts
            report.records = manifest.counts.records
        }
        if let pushTarget = options.target {
            if let from = options.repushFrom, from < state.pushedThrough {
                state.pushedThrough = try BatchDirectory.list(spool).first { $0.to > from }?.from ?? state.pushedThrough
                try state.save(directory: spool, stepHook: options.stepHook, io: options.io)
            }
            for batch in try BatchDirectory.list(spool) where batch.from >= state.pushedThrough && batch.to <= state.next {
                var pusher = Pusher(target: pushTarget)
                pusher.attempts = options.pushAttempts
                pusher.baseDelay = options.pushBaseDelay
                pusher.stepHook = options.stepHook
                try await pusher.push(directory: spool + "/" + batch.name, batchId: batch.name)
                state.pushedThrough = batch.to
                try state.save(directory: spool, stepHook: options.stepHook, io: options.io)
                report.pushed.append(batch.name)
            }
        }
        return report
    }

    /// The included kinds are part of what a spool's batches mean: a withdrawal's target is
    /// marked exported or not by the setting in force when it was read. So one spool, one
    /// setting; another setting needs another spool (docs/export.md, "Optional families").
    private func checkMapping(_ recorded: MappingOptions, of what: String) throws {
        guard recorded != options.mapping else { return }
        throw ExportError.configuration("\(what) in \(options.spool) was exported with included kinds \(recorded.summary), "
            + "this run asks for \(options.mapping.summary); a spool keeps one --include setting: "
            + "run with the same one, or export into a new spool")
    }

    /// Like the included kinds, the profile decides what a withdrawal becomes, and the
    /// platform holds the earlier batches in its layout: one spool, one profile (same bytes).
    private func checkProfile(_ recorded: ExportState.ProfileIdentity?, of what: String) throws {
        let wanted = ExportState.ProfileIdentity(options.profile)
        guard recorded != wanted else { return }
        throw ExportError.configuration("\(what) in \(options.spool) was exported with profile \(recorded?.name ?? "csv-2.0"), "
            + "this run asks for \(options.profile.name)\(recorded?.name == options.profile.name ? " (a different version of it)" : ""); "
            + "a spool keeps one profile: run with the same one, or export into a new spool")
    }

    private func open(_ note: String, what: String) throws -> Checkpoint {
        do { return try Checkpoint.open(note: note, verifier: options.verifier) } catch {
            throw ExportError.alarm("\(what) does not verify with \(options.verifier.vkey): \(error)")
        }
    }

    /// The new checkpoint must extend the one exported last: never smaller, and a valid
    /// RFC 9162 consistency proof between them (the frontier check after the build proves
    /// it again from the entries themselves).
    private func checkConsistency(state: ExportState, to target: Checkpoint, latest: Checkpoint) async throws {
        guard target.size <= latest.size else { throw ExportError.alarm("the log's latest checkpoint (size \(latest.size)) is behind a batch already built (size \(target.size))") }
        if target.size < latest.size || target != latest {
            try await checkProof(from: target, to: latest)
        }
        guard let note = state.checkpoint else { return }
        let previous = try open(note, what: "the checkpoint stored in the cursor")
        guard target.size >= previous.size else {
            throw ExportError.alarm("the log (size \(target.size)) is smaller than what was exported before (size \(previous.size))")
        }
        try await checkProof(from: previous, to: target)
    }

    private func checkProof(from old: Checkpoint, to new: Checkpoint) async throws {
        if old.size == new.size {
            guard old.rootHash == new.rootHash else { throw ExportError.alarm("two signed checkpoints of size \(old.size) have different roots") }
            return
        }
        if old.size == 0 { return }
        let proof: [Digest32]
        do { proof = try await options.source.consistencyProof(from: old.size, to: new.size) } catch {
            throw ExportError.alarm("no consistency proof from size \(old.size) to \(new.size): \(error)")
        }
        guard MerkleTree.verifyConsistency(from: old.size, to: new.size, fromRoot: old.rootHash, toRoot: new.rootHash, proof: proof) else {
            throw ExportError.alarm("the log at size \(new.size) is not consistent with the checkpoint of size \(old.size) exported before")
        }
    }

    private func build(state: ExportState, checkpoint: Checkpoint, note: String, adopting: String?) async throws -> (Manifest, ExportState) {
        let spool = options.spool
        let batchId = Manifest.batchId(origin: checkpoint.origin, from: state.next, to: checkpoint.size)
        let building = spool + "/.building-" + batchId
        try? FileManager.default.removeItem(atPath: building)
        try FileManager.default.createDirectory(atPath: building, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        var builder = BatchBuilder(source: options.source, directory: building, checkpoint: checkpoint, state: state, progress: options.progress)
        builder.revalidate = options.revalidate
        builder.open = options.open
        builder.mapping = options.mapping
        builder.profile = options.profile
        builder.stepHook = options.stepHook
        let files = try await builder.build()
        var counts = builder.counts
        // An included family is counted even when it got no rows, like the national ones.
        for family in options.mapping.families { counts.families[family.rawValue] = counts.families[family.rawValue] ?? .init() }
        var newState = builder.state
        guard newState.frontier.size == checkpoint.size, newState.frontier.root() == checkpoint.rootHash else {
            try? FileManager.default.removeItem(atPath: building)
            throw ExportError.alarm("the entries \(state.next)..<\(checkpoint.size) do not give the root of the signed checkpoint of size \(checkpoint.size)")
        }
        let manifest = Manifest(format: Manifest.currentFormat, batchId: batchId, origin: checkpoint.origin,
                                range: .init(from: state.next, to: checkpoint.size), checkpoint: note, files: files, counts: counts,
                                includedKinds: options.mapping.included.isEmpty ? nil : options.mapping.names,
                                profile: options.profile.isLegacy ? nil : options.profile.name)
        let bytes = try manifest.encoded()
        options.stepHook?("before-manifest")
        _ = try DurableIO.writeNewFile(building + "/" + Manifest.fileName, bytes)
        options.stepHook?("after-manifest")
        let signature = try options.signingKey.signature(for: bytes)
        _ = try DurableIO.writeNewFile(building + "/" + Manifest.signatureFileName, Array((Base64.encode(signature) + "\n").utf8))
        options.stepHook?("after-signature")
        try ExportError.reportingStorage { try options.io.fsyncDirectory(building) }

        let final = spool + "/" + batchId
        if let adopting {
            // The same range always gives the same bytes: a difference means the log or the
            // exporter changed under a batch that may already be on the platform.
            let old = FileManager.default.contents(atPath: spool + "/" + adopting + "/" + Manifest.fileName).map(Array.init)
            try? FileManager.default.removeItem(atPath: building)
            guard adopting == batchId, old == bytes else {
                throw ExportError.alarm("batch \(adopting) on disk differs from a rebuild of its range; move it away and investigate")
            }
        } else {
            options.stepHook?("before-rename")
            try ExportError.reportingStorage { try options.io.renameDurably(building, final) }
            options.stepHook?("after-rename")
        }
        newState.next = checkpoint.size
        newState.checkpoint = note
        try newState.save(directory: spool, stepHook: options.stepHook, io: options.io)
        return (manifest, newState)
    }

    private func removeLeftovers() throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: options.spool)) ?? [] where name.hasPrefix(".building-") {
            try FileManager.default.removeItem(atPath: options.spool + "/" + name)
        }
    }
}

/// The batch directories of a spool, in seq order (names are `<from>-<to>-<origin hash>`).
enum BatchDirectory {
    struct Entry { let name: String; let from: UInt64; let to: UInt64 }

    static func list(_ spool: String) throws -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []
        return names.compactMap { name -> Entry? in
            let parts = name.split(separator: "-")
            guard parts.count == 3, parts[0].count == 12, let from = UInt64(parts[0]), let to = UInt64(parts[1]) else { return nil }
            return Entry(name: name, from: from, to: to)
        }.sorted { $0.from < $1.from }
    }
}
