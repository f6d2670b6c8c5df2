import CreditExport
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdTLS
import LedgerCrypto
import Synchronization
import LedgerTestSupport
import Testing

/// A receiver like the platform's front end: stores `PUT /<batch>/<file>`, fails the first
/// `failures` PUTs with 503, and records the order files arrived in.
final class Receiver: Sendable {
    struct State { var files: [String: [UInt8]] = [:]; var order: [String] = []; var failuresLeft: Int; var attempts = 0; var authorizations: [String] = [] }
    let state: Mutex<State>

    init(failures: Int) { state = Mutex(State(failuresLeft: failures)) }

    /// Plain HTTP, or HTTPS with `tls` (a server configuration).
    func application(tls: TLSConfiguration? = nil) throws -> some ApplicationProtocol {
        let router = Router()
        router.put("/:batch/:file") { request, context -> Response in
            let batch = try context.parameters.require("batch"), file = try context.parameters.require("file")
            let body = try await request.body.collect(upTo: 64 << 20)
            let authorization = request.headers[.authorization] ?? ""
            let fail = self.state.withLock { s -> Bool in
                s.attempts += 1
                s.authorizations.append(authorization)
                if s.failuresLeft > 0 { s.failuresLeft -= 1; return true }
                s.files[batch + "/" + file] = Array(body.readableBytesView)
                s.order.append(batch + "/" + file)
                return false
            }
            return Response(status: fail ? .serviceUnavailable : .created)
        }
        return Application(router: router, server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
                           configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

@Suite struct PushTests {
    @Test func pushRetriesAFailingReceiverAndSendsTheManifestLast() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let receiver = Receiver(failures: 3)
        try await receiver.application().test(.live) { client in
            let port = try #require(client.port)
            let target = try HTTPBatchTarget(base: URL(string: "http://127.0.0.1:\(port)")!)
            let report = try await log.exporter(target: target).run()
            let batch = try #require(report.built)
            #expect(report.pushed == [batch])
            let state = receiver.state.withLock { $0 }
            #expect(state.attempts == 3 + Manifest.dataFileNames().count + 2)
            #expect(state.order.last == batch + "/manifest.json")
            // What arrived is what the signed manifest lists.
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try #require(state.files[batch + "/manifest.json"])))
            for file in manifest.files {
                let bytes = try #require(state.files[batch + "/" + file.name])
                #expect(SHA256.hash(bytes).hex == file.sha256)
            }
            let signature = try #require(Base64.decode(String(decoding: state.files[batch + "/manifest.sig"]!, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(log.verifier.publicKey.isValidSignature(signature, for: state.files[batch + "/manifest.json"]!))
            // Pushed batches are not pushed again.
            #expect(try await log.exporter(target: target).run().pushed == [])
        }
    }

    /// The default profile's batch (workbooks, bookkeeping, profile.json): the receiver gets
    /// exactly the batch directory's files, byte for byte, the manifest last.
    @Test func aNational20BatchIsPushedWhole() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let receiver = Receiver(failures: 0)
        try await receiver.application().test(.live) { client in
            let target = try HTTPBatchTarget(base: URL(string: "http://127.0.0.1:\(client.port!)")!)
            let report = try await log.exporter(target: target, profile: ExportProfile.builtin("national-2.0")!).run()
            let batch = try #require(report.built)
            #expect(report.pushed == [batch])
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(log.file(batch, Manifest.fileName)))
            #expect(manifest.profile == "national-2.0")
            #expect(manifest.files.contains { $0.name.hasSuffix(".xlsx") })
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: log.spool + "/" + batch).sorted()
            #expect(Set(onDisk) == Set(manifest.files.map(\.name) + [Manifest.fileName, Manifest.signatureFileName]))
            let state = receiver.state.withLock { $0 }
            #expect(state.order.map { String($0.dropFirst(batch.count + 1)) }.sorted() == onDisk)
            for name in onDisk { #expect(state.files[batch + "/" + name] == log.file(batch, name), "\(name)") }
            #expect(state.order.last == batch + "/" + Manifest.fileName)
        }
    }

    /// A target that answers with a redirect is not followed: the token and the records go
    /// only where the operator pointed them, and a 3xx fails the push without retries.
    @Test func aRedirectIsNotFollowed() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let elsewhere = Receiver(failures: 0)
        let redirects = Mutex(0)
        try await elsewhere.application().test(.live) { other in
            let router = Router()
            router.put("/:batch/:file") { request, context -> Response in
                redirects.withLock { $0 += 1 }
                return Response(status: .temporaryRedirect, headers: [.location: "http://127.0.0.1:\(other.port!)\(request.uri.path)"])
            }
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
                let target = try HTTPBatchTarget(base: URL(string: "http://127.0.0.1:\(client.port!)")!, token: "push-secret")
                await #expect(throws: ExportError.self) { try await log.exporter(target: target, pushAttempts: 4).run() }
            }
        }
        #expect(redirects.withLock { $0 } == 1, "a redirect is permanent: not retried")
        #expect(elsewhere.state.withLock { $0.attempts } == 0, "the redirect's target got nothing")
    }

    @Test func aBatchThatCouldNotBePushedIsPushedOnTheNextRun() async throws {
        let log = try TestLog()
        try await log.append(ExportFixtures.mixed)
        let receiver = Receiver(failures: 1000)
        try await receiver.application().test(.live) { client in
            let target = try HTTPBatchTarget(base: URL(string: "http://127.0.0.1:\(client.port!)")!)
            await #expect(throws: ExportError.self) { try await log.exporter(target: target, pushAttempts: 2).run() }
            #expect(log.batches().count == 1)
            receiver.state.withLock { $0.failuresLeft = 0 }
            let report = try await log.exporter(target: target).run()
            #expect(report.built == nil && report.pushed == log.batches())
        }
    }
}

/// SIGKILL during a push, in an `export-crash-child --push` child: before and after a data
/// file and the manifest, and at the cursor. The re-run (the real `careledger
/// export --push`) pushes the batch again and then moves on; the receiver ends with every
/// batch complete and manifest last.
@Suite(.tags(.slow)) struct PushCrashTests {
    @Test func killedWhilePushingResumesAndCompletes() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let steps = ["before-push:sxmd.csv", "after-push:sxmd.csv", "before-push:manifest.json", "after-push:manifest.json", "before-cursor", "after-cursor"]
        for step in steps {
            let log = try TestLog()
            try await log.append(ExportFixtures.mixed)
            let receiver = Receiver(failures: 0)
            try await receiver.application().test(.live) { client in
                let url = "http://127.0.0.1:\(client.port!)"
                func run(_ crash: String?) async throws -> ChildOutcome {
                    let arguments = ["--data", log.root + "/data", "--out", log.spool, "--push", url, "--profile", "csv-2.0"]
                    guard let crash else { return try await ChildOutcome.run(binary, ["export"] + arguments) }
                    let child = try #require(ExactlyOnceCrashTests.crashChild, "export-crash-child is not built next to the test binary")
                    return try await ChildOutcome.run(child, arguments + ["--crash-at", crash])
                }
                #expect(try await run(step) == .killed(SIGKILL), "\(step)")
                #expect(try await run(nil) == .exited(0), "\(step)")
                try await log.append([ExportFixtures.entry(ExportFixtures.revocation(target: 0))])
                #expect(try await run(step) == .killed(SIGKILL), "\(step), second batch")
                #expect(try await run(nil) == .exited(0), "\(step), second batch")
                let state = receiver.state.withLock { $0 }
                let batches = log.batches()
                #expect(batches.count == 2)
                for batch in batches {
                    #expect(state.order.last { $0.hasPrefix(batch + "/") } == batch + "/manifest.json", "\(step)")
                    for name in Manifest.dataFileNames() + [Manifest.fileName, Manifest.signatureFileName] {
                        #expect(state.files[batch + "/" + name] == log.file(batch, name), "\(step): \(batch)/\(name)")
                    }
                }
                let cursor = try #require(try ExportState.load(directory: log.spool))
                #expect(cursor.pushedThrough == 13 && cursor.next == 13)
            }
        }
    }
}
