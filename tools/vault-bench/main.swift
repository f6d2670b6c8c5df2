// The vault's figures: seal + sync per group of 64, open (lookup, pread, AES-GCM), and vault
// bytes per record, for N records of about 1 KB owned by N/5 subjects; and the CPU of one
// pseudonym (an HMAC-SHA-256: every append files its people under one, every check looks one up).
//
//   swift build -c release --product vault-bench && .build/release/vault-bench [--records 100000] [--dir DIR]
import Foundation
import LedgerCrypto
import PersonalVault

let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let count = Int(option("--records") ?? "") ?? 100_000
let base = option("--dir") ?? NSTemporaryDirectory() + "vault-bench-\(getpid())"
let directory = base + "/vault"
defer { if option("--dir") == nil { try? FileManager.default.removeItem(atPath: base) } }

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
/// The process's resident set (/proc/self/statm), for the in-memory maps' cost per record.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// This thread's CPU time: on a shared machine the wall-clock rate says more about the
/// neighbours than about the vault.
func threadCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

do {
    let keys = VaultKeys.generate()
    let vault = try FileVault.open(directory: directory, keys: keys)
    let subjects = (0..<max(1, count / 5)).map { vault.pseudonym(.person(idType: "resident_id", idNumber: "bench-\($0)")) }
    let commitments = (0..<count).map { SHA256.hash("vault-bench \($0)") }
    // ~1 KB: a 32-byte salt and an envelope's worth of JSON-like bytes.
    let plaintext = SecureRandom.bytes(32) + Array(String(repeating: "{\"name\":\"张三\",\"idNumber\":\"x\"}", count: 30).utf8).prefix(990)

    let people = (0..<200_000).map { SubjectIdentifier.person(idType: "resident_id", idNumber: "11010519491231\($0)") }
    let pseudonymStart = threadCPU()
    var distinct = Set<Pseudonym>()
    for person in people { distinct.insert(vault.pseudonym(person)) }
    let pseudonymCPU = threadCPU() - pseudonymStart
    precondition(distinct.count == people.count, "two people share a pseudonym")

    var clock = ContinuousClock.now
    var i = 0
    while i < count {
        for j in i..<min(i + 64, count) {
            try vault.seal(plaintext, commitment: commitments[j], owner: subjects[j % subjects.count], mentions: [])
        }
        try vault.sync()
        i += 64
    }
    let sealTime = seconds(ContinuousClock.now - clock)

    let rssBefore = residentBytes()
    let reopenStart = ContinuousClock.now
    let reopened = try FileVault.open(directory: directory, keys: keys)
    let reopenTime = seconds(ContinuousClock.now - reopenStart)
    let rssAfter = residentBytes()

    clock = ContinuousClock.now
    let cpuStart = threadCPU()
    var bytes = 0
    for c in commitments { bytes += try reopened.open(c)?.count ?? 0 }
    let openTime = seconds(ContinuousClock.now - clock)
    let openCPU = threadCPU() - cpuStart
    precondition(bytes == count * plaintext.count, "not every record opened")

    // Two threads, as export's workers would.
    clock = ContinuousClock.now
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        for k in stride(from: part, to: count, by: 2) { _ = try! reopened.open(commitments[k]) }
    }
    let openTime2 = seconds(ContinuousClock.now - clock)

    func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
    let total = size(directory + "/keys") + size(directory + "/sealed")
    print("records \(count) of \(plaintext.count) B plaintext, \(subjects.count) subjects")
    print(String(format: "seal+sync (groups of 64): %.0f records/s (%.0f groups/s)", Double(count) / sealTime, Double(count) / 64 / sealTime))
    print(String(format: "reopen (scan): %.3f s; resident memory +%.0f B per record", reopenTime, Double(rssAfter - rssBefore) / Double(count)))
    print(String(format: "open, 1 thread: %.0f records/s wall, %.0f records per CPU-second", Double(count) / openTime, Double(count) / openCPU))
    print(String(format: "open, 2 threads: %.0f records/s", Double(count) / openTime2))
    print(String(format: "pseudonym (HMAC-SHA-256 of the identifier, into a set): %.2f µs CPU each", pseudonymCPU / Double(people.count) * 1e6))
    print(String(format: "vault bytes per record: %.1f (plaintext %d; keys file %d B, sealed file %d B)",
                 Double(total) / Double(count), plaintext.count, size(directory + "/keys"), size(directory + "/sealed")))
} catch {
    FileHandle.standardError.write(Data("vault-bench: \(error)\n".utf8))
    exit(1)
}
