import DurableStorage
import Foundation
import LedgerCrypto
import LedgerTestSupport
import PersonalVault
import Testing

/// SIGKILL during seals: tools/vault-torture seals and syncs groups of records, erases some,
/// and writes each synced commitment and each erasure to an acks file; after every kill,
/// every acknowledged record opens with its exact plaintext and every erased one stays gone.
@Suite struct VaultCrashTests {
    /// tools/vault-torture's records (a copy of its `tortureRecord`; keep them identical).
    static func record(_ n: Int) -> (commitment: Digest32, plaintext: [UInt8]) {
        let commitment = SHA256.hash("vault-torture \(n)")
        let plaintext = Array("record \(n) ".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: 600 + n % 700)
        return (commitment, plaintext)
    }

    @Test func killedWhileSealing() async throws {
        guard let binary = BuiltExecutable.path("vault-torture") else {
            Issue.record("vault-torture is not built next to the test binary; run 'swift build --build-tests' first")
            return
        }
        let base = TemporaryDirectory("data")
        let dir = base.path + "/vault", keyPath = base.base + "/vault.key", acks = base.base + "/acks"
        let keys = try VaultKeyFile.load(.file(keyPath), dataDirectory: base.path).keys
        var next = 0
        var erasedTotal = 0
        for iteration in 0..<6 {
            let child = try ChildProcess.launch(binary, ["--dir", dir, "--key-file", keyPath, "--acks", acks, "--start", "\(next)"],
                                                error: .file(base.base + "/stderr"))
            // Killed on a clock of its own too: when other suites keep this task waiting for
            // the cooperative pool, the child must not seal unbounded (it is SIGKILL either way).
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) { if child.isRunning { child.kill(SIGKILL) } }
            // The acks file's size only: reading it whole while the child runs took long
            // enough on a loaded CI machine that the child, never killed, wrote 900 MB of acks
            // and a 13 GB vault, each read slower than the last.
            let before = Self.size(acks)
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...400)))
            // On a loaded machine the child may not have synced a group yet: wait for one
            // (up to 5 s), so every kill lands among acknowledged seals.
            for _ in 0..<250 where Self.size(acks) == before {
                try await Task.sleep(for: .milliseconds(20))
            }
            child.kill(SIGKILL)
            let outcome = await child.exit()
            let stderr = (try? DurableFile.read(base.base + "/stderr")).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(outcome == .killed(SIGKILL), "iteration \(iteration): \(outcome) \(stderr)")

            let lines = String(decoding: try DurableFile.read(acks) ?? [], as: UTF8.self).split(separator: "\n")
            // Closed (its lock released) before the next child opens the vault.
            let vault = try FileVault.open(directory: dir, keys: keys)
            defer { _ = vault }
            var acknowledged = 0
            var erased = Set<Int>()
            for line in lines where line.hasPrefix("E ") {
                if let n = Int(line.dropFirst(2)) { erased.insert(n) }
            }
            for line in lines {
                let fields = line.split(separator: " ")
                if fields.first == "E" { continue }
                // The last line may itself be torn by the kill.
                guard fields.count == 2, let n = Int(fields[0]), fields[1].count == 64 else { continue }
                let (commitment, plaintext) = Self.record(n)
                #expect(commitment.hex == fields[1])
                if erased.contains(n) {
                    #expect(try vault.open(commitment) == nil, "iteration \(iteration): erased record \(n) readable again")
                } else {
                    #expect(try vault.open(commitment) == plaintext, "iteration \(iteration): acknowledged record \(n) lost")
                }
                acknowledged += 1
                next = max(next, n + 1)
            }
            #expect(acknowledged > 0, "iteration \(iteration): vault-torture acknowledged nothing")
            erasedTotal = erased.count
            // Records sealed but not acknowledged may or may not be there; a new run goes on
            // after the highest acknowledged one and must not collide with them.
            next += 10_000
        }
        #expect(erasedTotal > 0, "vault-torture erased nothing")
    }

    @Test func aSecondProcessIsRefused() async throws {
        guard let binary = BuiltExecutable.path("vault-torture") else {
            Issue.record("vault-torture is not built next to the test binary; run 'swift build --build-tests' first")
            return
        }
        let base = TemporaryDirectory("data")
        let dir = base.path + "/vault", keyPath = base.base + "/vault.key", acks = base.base + "/acks"
        let keys = try VaultKeyFile.load(.file(keyPath), dataDirectory: base.path).keys
        let child = try ChildProcess.launch(binary, ["--dir", dir, "--key-file", keyPath, "--acks", acks])
        defer { child.kill(SIGKILL); _ = child.wait() }
        // Once it has acknowledged a group it holds the vault.
        for _ in 0..<200 where Self.size(acks) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let error = #expect(throws: VaultError.self) { try FileVault.open(directory: dir, keys: keys) }
        #expect("\(String(describing: error))".contains("in use by another process"))
    }

    /// A file's size in bytes (0 when it does not exist yet), without reading it.
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
