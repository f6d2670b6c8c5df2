import DurableStorage
import Foundation
import LedgerCrypto
import LedgerTestSupport
@testable import PersonalVault
import Testing

@Suite struct VaultKeyFileTests {
    @Test func aMissingFileIsCreatedPrivateWithANoticeAndThenRead() throws {
        let dir = TemporaryDirectory("data")
        let path = dir.base + "/secrets/vault.key"
        let created = try VaultKeyFile.load(.file(path), dataDirectory: dir.path)
        #expect(DurableFile.mode(of: path) == 0o600)
        let notice = try #require(created.createdNotice)
        #expect(notice.contains(path) && notice.contains("APART"))
        let again = try VaultKeyFile.load(.file(path), dataDirectory: dir.path)
        #expect(again.createdNotice == nil)
        #expect(again.keys == created.keys)
        #expect(try VaultKeyFile.load(.content(created.keys.serialized()), dataDirectory: dir.path).keys == created.keys)
    }

    @Test func aKeyFileInsideTheDataDirectoryIsRefused() throws {
        let dir = TemporaryDirectory("data")
        try PrivateDirectory.create(dir.path)
        for path in [dir.path + "/vault.key", dir.path + "/sub/../vault.key", dir.path] {
            #expect(throws: VaultError.self) { try VaultKeyFile.load(.file(path), dataDirectory: dir.path) }
        }
        // Through a symbolic link to the data directory, and with the data directory named
        // through one.
        symlink(dir.path, dir.base + "/link")
        #expect(throws: VaultError.self) { try VaultKeyFile.load(.file(dir.base + "/link/vault.key"), dataDirectory: dir.path) }
        #expect(throws: VaultError.self) { try VaultKeyFile.load(.file(dir.path + "/vault.key"), dataDirectory: dir.base + "/link") }
        #expect(!DurableFile.exists(dir.path + "/vault.key"))
        // Beside it is fine, even with a shared name prefix.
        #expect(throws: Never.self) { try VaultKeyFile.load(.file(dir.path + "-vault.key"), dataDirectory: dir.path) }
    }

    @Test func aKeyFileOthersCanReadIsRefusedNamingTheChmod() throws {
        let dir = TemporaryDirectory("data")
        let path = dir.base + "/vault.key"
        _ = try VaultKeyFile.load(.file(path), dataDirectory: dir.path)
        chmod(path, 0o644)
        let error = #expect(throws: VaultError.self) { try VaultKeyFile.load(.file(path), dataDirectory: dir.path) }
        guard case .keyFile(let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.contains("chmod 600 \(path)"))
    }

    @Test func malformedFilesAreRefusedWithoutEchoingKeys() {
        let kek = Base64.encode(SecureRandom.bytes(32))
        for text in ["", "hello", "careledger-vault-keys 1\nkek \(kek)\n", "careledger-vault-keys 1\nindex k1 \(kek)\n",
                     "careledger-vault-keys 1\nkek abc\nindex k1 \(kek)\n", "careledger-vault-keys 1\nkek \(kek)\nindex x \(kek)\n",
                     "careledger-vault-keys 1\nkek \(kek)\nindex k1 \(kek)\nindex k1 \(kek)\n"] {
            let error = #expect(throws: VaultError.self) { try VaultKeys.parse(text, origin: "test") }
            guard case .keyFile(let message) = error else { Issue.record("\(String(describing: error))"); continue }
            #expect(!message.contains(kek))
        }
    }

    @Test func resolutionOrder() {
        let env = [VaultKeySource.fileVariable: "/env/file", VaultKeySource.contentVariable: "content"]
        #expect(VaultKeySource.resolve(flag: "/flag", environment: env, defaultPath: "/d") == .file("/flag"))
        #expect(VaultKeySource.resolve(flag: nil, environment: env, defaultPath: "/d") == .file("/env/file"))
        #expect(VaultKeySource.resolve(flag: nil, environment: [VaultKeySource.contentVariable: "content"], defaultPath: "/d") == .content("content"))
        #expect(VaultKeySource.resolve(flag: nil, environment: [:], defaultPath: "/d") == .file("/d"))
        #expect(VaultKeySource.defaultPath(besideDataDirectory: "./careledger-data") == "./careledger-vault.key")
        #expect(VaultKeySource.defaultPath(besideDataDirectory: "/srv/data/") == "/srv/careledger-vault.key")
        #expect(VaultKeySource.defaultPath(besideDataDirectory: "data") == "./careledger-vault.key")
    }

    @Test func rotationAppendsAnIndexKeyAndKeepsTheOthers() throws {
        let dir = TemporaryDirectory("data")
        let path = dir.base + "/vault.key"
        let first = try VaultKeyFile.load(.file(path), dataDirectory: dir.path).keys
        #expect(try VaultKeyFile.rotateIndexKey(at: path) == "k2")
        #expect(try VaultKeyFile.rotateIndexKey(at: path) == "k3")
        let rotated = try VaultKeyFile.read(path)
        #expect(DurableFile.mode(of: path) == 0o600)
        #expect(rotated.kek == first.kek)
        #expect(rotated.indexKeys.map(\.id) == ["k1", "k2", "k3"])
        #expect(rotated.indexKeys[0] == first.indexKeys[0])
        let subject = SubjectIdentifier.organization(uscc: "91330304MA2L12345X")
        #expect(rotated.pseudonyms(subject).last == first.pseudonyms(subject).first)
    }
}
