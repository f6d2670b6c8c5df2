import CreditExport
import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTLS
import LedgerTestSupport
import NIOSSL
import Testing

/// Pushes to an HTTPS front end with a private CA, as a province's often is: the scheduled
/// push of `careledger serve` (`--export-token-file`, `--export-ca-file`) and the one-off
/// `careledger export --push` (`--push-token-file`, `--push-ca-file`), both through the
/// clients' one transport, with the token on every PUT.
@Suite(.serialized) struct TLSPushTests {
    @Test func scheduledAndOneOffPushesTrustAPrivateCAAndCarryTheToken() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let root = try CareLedgerCommand.scratch("tls-push")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (cert, key) = try await TestCertificate.make(in: root)
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                                                           privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        try "push-secret\n".write(toFile: root + "/push.token", atomically: true, encoding: .utf8)
        let receiver = Receiver(failures: 0)
        try await receiver.application(tls: tls).test(.live) { client in
            let port = try #require(client.port)
            let data = root + "/data", spool = root + "/spool"
            let service = try await CommandLineExportTests.Service(binary: binary, data: data, options: [
                "--export-every", "1s", "--export-to", "https://localhost:\(port)", "--export-spool", spool,
                "--export-token-file", root + "/push.token", "--export-ca-file", cert,
            ])
            defer { service.stop() }
            let admin = try String(contentsOfFile: data + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            for name in ExportFixtures.mixedNames {
                let (status, body) = try await CommandLineExportTests.request("POST", service.url + "/v1/records", token: admin,
                                                                              body: try CanonicalJSON.encode(ExportFixtures.example(name)))
                #expect(status == 201, "\(String(decoding: body, as: UTF8.self))")
            }
            // The schedule ticks every second; wait for a batch holding the last record to arrive whole.
            let end = ExportFixtures.mixedNames.count
            var arrived: String?
            for _ in 0..<600 where arrived == nil {
                try await Task.sleep(for: .milliseconds(100))
                arrived = receiver.state.withLock { state in
                    state.order.first { $0.hasSuffix("/" + Manifest.fileName) && Self.end(ofBatch: $0) == end }
                }
            }
            let manifestPath = try #require(arrived, "no batch reached the HTTPS receiver")
            let batch = String(manifestPath.dropLast(Manifest.fileName.count + 1))
            let state = receiver.state.withLock { $0 }
            #expect(!state.authorizations.isEmpty && state.authorizations.allSatisfy { $0 == "Bearer push-secret" })
            for name in try FileManager.default.contentsOfDirectory(atPath: spool + "/" + batch) {
                #expect(state.files[batch + "/" + name] == FileManager.default.contents(atPath: spool + "/" + batch + "/" + name).map(Array.init), "\(name)")
            }
            service.stop()

            // The one-off push of the same records, from the data directory to a new spool.
            let before = state.attempts
            let oneOff = try await CommandLineExportTests.run(binary, [
                "export", "--data", data, "--out", root + "/one-off", "--push", "https://localhost:\(port)",
                "--push-token-file", root + "/push.token", "--push-ca-file", cert,
            ])
            #expect(oneOff.status == 0, "\(oneOff.err)")
            #expect(oneOff.out.contains("pushed "), "\(oneOff.out)")
            let after = receiver.state.withLock { $0 }
            #expect(after.attempts > before)
            #expect(after.authorizations.allSatisfy { $0 == "Bearer push-secret" })
            #expect(after.order.last?.hasSuffix("/" + Manifest.fileName) == true)
        }
    }

    /// The trust and token options are refused where they would do nothing, before anything opens.
    @Test func pushOptionsWithoutAPushAreRefused() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let root = FileManager.default.temporaryDirectory.path + "/tls-push-options-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cases: [([String], String)] = [
            (["export", "--data", root + "/data", "--push-ca-file", "/etc/hostname"], "--push-ca-file goes with --push"),
            (["export", "--data", root + "/data", "--push-token-file", "/etc/hostname"], "--push-token-file goes with --push"),
            (["export", "--data", root + "/data", "--push", "https://localhost:1", "--push-ca-file", root + "/missing.pem"], "cannot read --push-ca-file"),
            (["serve", "--data", root + "/data", "--export-every", "1h", "--export-to", root + "/spool", "--export-token-file", "/etc/hostname"],
             "go with an http(s) URL in --export-to"),
            (["serve", "--data", root + "/data", "--export-every", "1h", "--export-to", "https://localhost:1", "--export-ca-file", root + "/missing.pem"],
             "cannot read --export-ca-file"),
        ]
        for (arguments, message) in cases {
            let run = try await CommandLineExportTests.run(binary, arguments)
            #expect(run.status == 64 && run.err.contains(message), "\(arguments): \(run.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/data"))
        // A token file that cannot be read stops serve at start, naming the option, with nothing opened.
        let unreadable = try await CommandLineExportTests.run(binary, ["serve", "--data", root + "/data", "--listen", "127.0.0.1:0", "--export-every", "1h",
                                                                       "--export-to", "https://localhost:1", "--export-token-file", root + "/missing.token"])
        #expect(unreadable.status != 0 && unreadable.err.contains("--export-token-file"), "\(unreadable.err)")
        #expect(!FileManager.default.fileExists(atPath: root + "/data"))
    }

    /// `<from>-<to>-<digest>/manifest.json` → to, the end of the batch's seq range (exclusive).
    static func end(ofBatch path: String) -> Int? {
        let parts = path.split(separator: "/")[0].split(separator: "-")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }
}
