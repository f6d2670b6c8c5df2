// The child of PersonalVaultTests' crash test: seals records in groups and syncs each group,
// then writes "<n> <commitment hex>" for every record of the group (and "E <n>" for a record it
// erased) to the acks file (straight
// to the descriptor, so a SIGKILL loses nothing already acknowledged), until it is killed.
//
//   vault-torture --dir DIR --key-file PATH --acks PATH
import Foundation
import LedgerCrypto
import PersonalVault

/// Record n's commitment and plaintext, recomputed by the test (keep the two identical).
func tortureRecord(_ n: Int) -> (commitment: Digest32, plaintext: [UInt8]) {
    let commitment = SHA256.hash("vault-torture \(n)")
    let plaintext = Array("record \(n) ".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: 600 + n % 700)
    return (commitment, plaintext)
}

func option(_ name: String) -> String {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else {
        FileHandle.standardError.write(Data("usage: vault-torture --dir DIR --key-file PATH --acks PATH\n".utf8))
        exit(2)
    }
    return arguments[i + 1]
}

do {
    let keys = try VaultKeyFile.read(option("--key-file"))
    let vault = try FileVault.open(directory: option("--dir"), keys: keys)
    let acks = open(option("--acks"), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard acks >= 0 else { throw VaultError.io("cannot open the acks file") }
    // Continue numbering after what an earlier run acknowledged, so a rerun adds new records.
    var n = Int(CommandLine.arguments.firstIndex(of: "--start").map { CommandLine.arguments[$0 + 1] } ?? "0") ?? 0
    // A test runner that crashes never kills its child: reparented, it stops instead of
    // sealing on (one left running wrote 7.6 GB in 7 minutes).
    let parent = getppid()
    while getppid() == parent {
        var group: [String] = []
        for _ in 0..<16 {
            let (commitment, plaintext) = tortureRecord(n)
            let owner = vault.pseudonym(.person(idType: "resident_id", idNumber: "torture-\(n % 37)"))
            try vault.seal(plaintext, commitment: commitment, owner: owner, mentions: [])
            group.append("\(n) \(commitment.hex)\n")
            n += 1
        }
        try vault.sync()
        // Every fourth group, its first record is erased once synced: "E <n>" once the
        // erasure has returned (it is durable by then).
        if n % 64 == 0 {
            try vault.eraseRecord(tortureRecord(n - 16).commitment)
            group.append("E \(n - 16)\n")
        }
        let line = Array(group.joined().utf8)
        _ = line.withUnsafeBytes { write(acks, $0.baseAddress, $0.count) }
    }
} catch {
    FileHandle.standardError.write(Data("vault-torture: \(error)\n".utf8))
    exit(1)
}
