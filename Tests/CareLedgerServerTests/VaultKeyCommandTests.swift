import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing

/// The vault key file through the real command line: refusals at start (exit 2, the message
/// naming the fix, nothing created) and `careledger vault rotate-index-key`.
@Suite struct VaultKeyCommandTests {
    @Test func serveRefusesAKeyFileInsideTheDataDirectoryOrReadableByOthers() async throws {
        let binary = try #require(BuiltExecutable.path("careledger"))
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inside = try await ChildProcess.capture(binary, ["serve", "--data", directory + "/data", "--listen", "127.0.0.1:0",
                                                             "--vault-key-file", directory + "/data/vault.key"])
        #expect(inside.outcome == .exited(2))
        #expect(String(decoding: inside.stderr, as: UTF8.self).contains("is inside the data directory"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/data/vault.key"))

        let exposed = directory + "/vault.key"
        #expect(FileManager.default.createFile(atPath: exposed, contents: Data("careledger-vault-keys 1\n".utf8),
                                               attributes: [.posixPermissions: 0o644]))
        let readable = try await ChildProcess.capture(binary, ["serve", "--data", directory + "/data", "--listen", "127.0.0.1:0",
                                                               "--vault-key-file", exposed])
        #expect(readable.outcome == .exited(2))
        #expect(String(decoding: readable.stderr, as: UTF8.self).contains("chmod 600 \(exposed)"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/data"))
    }

    @Test func rotateIndexKeyAppendsAKey() async throws {
        let binary = try #require(BuiltExecutable.path("careledger"))
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/vault.key"
        let kek = Base64.encode(SecureRandom.bytes(32)), k1 = Base64.encode(SecureRandom.bytes(32))
        #expect(FileManager.default.createFile(atPath: path, contents: Data("careledger-vault-keys 1\nkek \(kek)\nindex k1 \(k1)\n".utf8),
                                               attributes: [.posixPermissions: 0o600]))
        let run = try await ChildProcess.capture(binary, ["vault", "rotate-index-key", "--vault-key-file", path])
        #expect(run.outcome == .exited(0))
        #expect(String(decoding: run.stdout, as: UTF8.self).contains("added index key k2"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("kek \(kek)") && text.contains("index k1 \(k1)") && text.contains("index k2 "))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)

        let missing = try await ChildProcess.capture(binary, ["vault", "rotate-index-key", "--vault-key-file", directory + "/none.key"])
        #expect(missing.outcome == .exited(2))
        #expect(!FileManager.default.fileExists(atPath: directory + "/none.key"))
    }
}
