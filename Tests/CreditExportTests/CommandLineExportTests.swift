import CreditExport
import CreditRecords
import Foundation
import LedgerCrypto
import LedgerTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `careledger` binary, end to end: `export --server` against a running
/// `careledger serve` (records appended over HTTP, an exporter principal created the way
/// docs/http.md says), and `export --push` against the local receiver of PushTests.
@Suite(.serialized) struct CommandLineExportTests {
    struct Run { let status: Int32; let out: String; let err: String }

    static func run(_ binary: String, _ arguments: [String]) async throws -> Run {
        let run = try await ChildProcess.capture(binary, arguments)
        return Run(status: run.outcome.status, out: String(decoding: run.stdout, as: UTF8.self), err: String(decoding: run.stderr, as: UTF8.self))
    }

    /// A port nothing listens on now (bound to 0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestError("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// One request to the service under test, through the clients' own transport.
    static func request(_ method: String, _ url: String, token: String?, body: [UInt8]? = nil) async throws -> (Int, [UInt8]) {
        var headers = [(String, String)]()
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let answer = try await ServiceClient().send(method, url: url, headers: headers, body: body, timeoutSeconds: 30)
        return (answer.status, answer.body)
    }

    /// `careledger serve` on a fresh data directory (with `options` after the usual ones);
    /// stopped with SIGTERM.
    final class Service {
        let process: ChildProcess
        let url: String
        let data: String

        init(binary: String, data: String, options: [String] = []) async throws {
            self.data = data
            let port = try CommandLineExportTests.freePort()
            url = "http://127.0.0.1:\(port)"
            process = try ChildProcess.launch(binary, ["serve", "--data", data, "--listen", "127.0.0.1:\(port)", "--log-level", "error"] + options)
            for _ in 0..<600 {
                if let (status, _) = try? await CommandLineExportTests.request("GET", url + "/healthz", token: nil), status == 200 { return }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            stop()
            throw TestError("careledger serve did not come up on \(url)")
        }

        func stop() {
            guard process.isRunning else { return }
            process.kill(SIGTERM)
            _ = process.wait()
        }
    }

    /// `careledger erase` against a running service: a data-error record is erased (its
    /// personal part gone from the answers, the log still verifying), a banned person refused.
    @Test func eraseCommandErasesADataErrorRecordAndRefusesABannedPerson() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let root = try CareLedgerCommand.scratch("erase-cli")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data"
        let service = try await Service(binary: binary, data: data)
        defer { service.stop() }
        let admin = try String(contentsOfFile: data + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for document in [ExportFixtures.example("penalty-person"), ExportFixtures.revocation(target: 0), ExportFixtures.example("ban-lifetime")] {
            let (status, body) = try await Self.request("POST", service.url + "/v1/records", token: admin, body: try CanonicalJSON.encode(document))
            #expect(status == 201, "\(String(decoding: body, as: UTF8.self))")
        }
        try admin.write(toFile: root + "/admin.token", atomically: true, encoding: .utf8)
        try String(decoding: try CanonicalJSON.encode(ExportFixtures.authority), as: UTF8.self).write(toFile: root + "/authority.json", atomically: true, encoding: .utf8)
        let common = ["erase", "--server", service.url, "--token-file", root + "/admin.token", "--authority-file", root + "/authority.json"]

        let erased = try await Self.run(binary, common + ["--seq", "0", "--basis", "data_error"])
        #expect(erased.status == 0, "\(erased.err)")
        #expect(erased.out.contains("erasure record is seq 3"), "\(erased.out)")
        let (_, record) = try await Self.request("GET", service.url + "/v1/records/0?purpose=audit", token: admin)
        let text = String(decoding: record, as: UTF8.self)
        #expect(text.contains("\"erased\":true") && !text.contains("张伟") && !text.contains("330327198507200714"))

        let refused = try await Self.run(binary, common + ["--id", "330381199211083443", "--basis", "consent_withdrawn"])
        #expect(refused.status == 1 && refused.err.contains("409"), "\(refused.err)")
        #expect(!refused.err.contains("330381199211083443") && !refused.err.contains("林晓燕"))
        service.stop()
        let verified = try await Self.run(binary, ["verify", "--data", data])
        #expect(verified.status == 0, "\(verified.err)")
    }

    @Test func exportFromARunningServiceEqualsTheDataDirectoryExport() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let root = try CareLedgerCommand.scratch("export-cli")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data"
        let service = try await Service(binary: binary, data: data)
        defer { service.stop() }

        // Records through the API, as an admin (admin.token, written on first start).
        let admin = try String(contentsOfFile: data + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var appended = [UInt64]()
        let documents = ExportFixtures.mixedNames.map(ExportFixtures.example)
        for document in documents {
            let (status, body) = try await Self.request("POST", service.url + "/v1/records", token: admin, body: try CanonicalJSON.encode(document))
            #expect(status == 201, "\(String(decoding: body, as: UTF8.self))")
            if status == 201, let seq = try JSONParser.parse(body).objectValue?["seq"]?.integerValue { appended.append(UInt64(seq)) }
        }
        #expect(appended == Array(0..<UInt64(documents.count)))
        // A revocation of the first penalty: the export re-reads its target (entry + inclusion proof).
        let (revoked, revokedBody) = try await Self.request("POST", service.url + "/v1/records", token: admin,
                                                            body: try CanonicalJSON.encode(ExportFixtures.revocation(target: 0)))
        #expect(revoked == 201, "\(String(decoding: revokedBody, as: UTF8.self))")

        // An exporter principal (docs/http.md: POST /v1/principals, admin); its token once, in the answer.
        let (created, principal) = try await Self.request("POST", service.url + "/v1/principals", token: admin,
                                                          body: Array(#"{"id":"exporter-cli","role":"exporter"}"#.utf8))
        #expect(created == 201)
        let token = try #require(try JSONParser.parse(principal).objectValue?["token"]?.stringValue)
        try token.write(toFile: root + "/exporter.token", atomically: true, encoding: .utf8)

        let vkeyRun = try await Self.run(binary, ["log", "vkey", "--data", data])
        #expect(vkeyRun.status == 0, "\(vkeyRun.err)")
        let vkey = vkeyRun.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let fromServer = try await Self.run(binary, ["export", "--server", service.url, "--token-file", root + "/exporter.token", "--vkey", vkey,
                                               "--signing-key", data + "/export-signing-key.pem", "--out", root + "/from-server"])
        #expect(fromServer.status == 0, "\(fromServer.err)")
        #expect(fromServer.out.contains("batch 000000000000-000000000013-"), "\(fromServer.out)")
        // The same range from the data directory. It opens the vault (with the key file serve
        // created beside the data directory), which one process holds at a time: first the
        // refusal beside the running service, then the export once it has stopped.
        let beside = try await Self.run(binary, ["export", "--data", data, "--out", root + "/from-data"])
        #expect(beside.status == 2 && beside.err.contains("vault"), "\(beside.err)")
        // The exporter token reads, but cannot write.
        let (refused, _) = try await Self.request("POST", service.url + "/v1/records", token: token, body: try CanonicalJSON.encode(ExportFixtures.revocation(target: 1)))
        #expect(refused == 403)
        service.stop()
        let fromData = try await Self.run(binary, ["export", "--data", data, "--out", root + "/from-data"])
        let names = try FileManager.default.contentsOfDirectory(atPath: root + "/from-server").filter { !$0.hasPrefix(".") && $0 != ExportState.fileName }
        let batch = try #require(names.first)
        #expect(names == [batch])
        #expect(fromData.status == 0, "\(fromData.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/from-data").filter { !$0.hasPrefix(".") && $0 != ExportState.fileName } == [batch])
        // Manifests are signed by the export's own key (issue 17): the log's key alone does not verify them.
        let exportKey = try Ed25519PrivateKey(pemRepresentation: String(contentsOfFile: data + "/export-signing-key.pem", encoding: .utf8))
        let manifestKey = Base64.encode(exportKey.publicKey.rawRepresentation)
        let logKeyOnly = try await Self.run(binary, ["export", "verify-batch", root + "/from-server/" + batch, "--vkey", vkey])
        #expect(logKeyOnly.status == 1, "\(logKeyOnly.out)")
        let verified = try await Self.run(binary, ["export", "verify-batch", root + "/from-server/" + batch, "--vkey", vkey, "--manifest-key", manifestKey])
        #expect(verified.status == 0, "\(verified.err)")
        #expect(verified.out.contains("batch \(batch) verifies: seqs 0..<13"), "\(verified.out)")
        // The command line's default profile, national-2.0: workbooks must be as deterministic as the CSV.
        for name in ExportProfile.builtin("national-2.0")!.dataFileNames(MappingOptions()) + [Manifest.fileName, Manifest.signatureFileName] {
            let a = FileManager.default.contents(atPath: root + "/from-server/" + batch + "/" + name)
            let b = FileManager.default.contents(atPath: root + "/from-data/" + batch + "/" + name)
            #expect(a != nil && a == b, "\(name) differs between --server and --data")
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: try #require(FileManager.default.contents(atPath: root + "/from-server/" + batch + "/manifest.json")))
        #expect(manifest.counts.families["xzcf"]?.withdrawn == 1 && manifest.counts.families["xzcf"]?.added == 4)
    }

}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

