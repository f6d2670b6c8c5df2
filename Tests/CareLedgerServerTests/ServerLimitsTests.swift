#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// ServerLimits over real sockets: quiet connections and slow requests are closed, kept-alive
/// and pipelined ones are not.
@Suite struct ServerLimitsTests {
    /// A raw TCP connection to 127.0.0.1, with a receive timeout.
    struct Connection {
        let fd: Int32

        init(port: Int, timeoutSeconds: Int = 5) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard rc == 0 else { _ = Glibc.close(fd); throw POSIXError(.ECONNREFUSED) }
        }

        func send(_ bytes: [UInt8]) {
            var sent = 0
            while sent < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                sent += n
            }
        }

        /// Everything until the peer closes (nil on timeout).
        func readToEnd() -> [UInt8]? {
            var out = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n == 0 { return out }
                if n < 0 { return errno == ECONNRESET ? out : nil }
                out += buffer[0..<n]
            }
        }

        /// One response to a request sent on a kept-alive connection: its status line (nil if
        /// the peer closed or timed out first). Expects a Content-Length body.
        func readResponse() -> String? {
            var out = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
            let blank: [UInt8] = Array("\r\n\r\n".utf8)
            while true {
                if let end = (0..<max(0, out.count - 3)).first(where: { Array(out[$0..<$0 + 4]) == blank }) {
                    let lines = String(decoding: out[..<end], as: UTF8.self).split(separator: "\r\n")
                    let length = lines.compactMap { line -> Int? in
                        let parts = line.split(separator: ":", maxSplits: 1)
                        guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                        return Int(parts[1].trimmingCharacters(in: .whitespaces))
                    }.first ?? 0
                    if out.count >= end + 4 + length { return lines.first.map(String.init) }
                }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return nil }
                out += buffer[0..<n]
            }
        }

        /// Sends `prefix`, then one byte every `interval`, reading meanwhile, until the peer
        /// closes or `limit` passes. Returns what was received and when the peer closed (nil if
        /// it kept the connection open until `limit`).
        func trickle(_ prefix: String, every interval: Duration, limit: Duration) -> (received: [UInt8], closedAfter: Duration?) {
            var timeout = timeval(tv_sec: 0, tv_usec: Int(interval.components.attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = ContinuousClock.now
            send(Array(prefix.utf8))
            var out = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
            while ContinuousClock.now - started < limit {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 { out += buffer[0..<n]; continue }
                if n == 0 || errno == ECONNRESET { return (out, ContinuousClock.now - started) }
                // Nothing to read for `interval`: the next byte.
                var byte = UInt8(ascii: "a")
                if Glibc.send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) < 0 { return (out, ContinuousClock.now - started) }
            }
            return (out, nil)
        }

        func close() { _ = Glibc.close(fd) }
    }

    static func withLiveServer(idleTimeoutMilliseconds: Int64, headerReadTimeoutMilliseconds: Int64 = 10_000,
                               bodyReadTimeoutMilliseconds: Int64 = 10_000,
                               _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let server = ServerLimits.http1(idleTimeoutMilliseconds: idleTimeoutMilliseconds, headerReadTimeoutMilliseconds: headerReadTimeoutMilliseconds,
                                        bodyReadTimeoutMilliseconds: bodyReadTimeoutMilliseconds)
        let app = Application(router: test.server.router(), server: server,
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        // The server's tasks run on threads of their own: the timings asserted here are the
        // server's, not those of whatever other suites keep the shared cooperative pool busy.
        try await withTaskExecutorPreference(ServerThreads.shared) {
            try await app.test(.live) { client in try await body(try #require(client.port)) }
        }
        try await test.close()
    }

    /// Runs blocking socket calls on a thread of their own. On the cooperative pool (two
    /// threads on a two-core machine) they starve the server under test, whose responders run
    /// there too: with several of these tests in parallel, responses then come seconds late.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// `readToEnd` and how long it took.
    static func timedReadToEnd(_ connection: Connection) -> (rest: [UInt8]?, after: Duration) {
        let started = ContinuousClock.now
        let rest = connection.readToEnd()
        return (rest, ContinuousClock.now - started)
    }

    @Test func aQuietConnectionIsClosed() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 300) { port in
            let connection = try Connection(port: port)
            defer { connection.close() }
            let (rest, after) = try await Self.blocking { Self.timedReadToEnd(connection) }
            #expect(rest == [], "the server should close an idle connection without sending anything")
            #expect(after >= .milliseconds(250))
            #expect(after < .seconds(4))
        }
    }

    // The head and body deadlines (300 / 500 ms) are far below the idle timeout (10 s) in the
    // tests that expect a cut, so without the deadlines the connection is still open at the
    // tests' limits (5 or 6 s).

    @Test func aSlowHeadIsCutAtTheHeadDeadlineThoughItKeepsSending() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 10_000, headerReadTimeoutMilliseconds: 300) { port in
            let connection = try Connection(port: port)
            defer { connection.close() }
            let (received, closedAfter) = try await Self.blocking {
                connection.trickle("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", every: .milliseconds(100), limit: .seconds(6))
            }
            let closed = try #require(closedAfter, "a head trickled a byte every 100 ms must be cut at the head deadline")
            #expect(closed >= .milliseconds(250))
            #expect(closed < .seconds(3))
            #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 408"), "a partly sent head is answered with 408")
        }
    }

    /// On a kept-alive connection the head deadline starts at the next request's first byte.
    @Test func aSlowNextHeadOnAKeptAliveConnectionIsCutAtTheHeadDeadline() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 10_000, headerReadTimeoutMilliseconds: 300) { port in
            let connection = try Connection(port: port, timeoutSeconds: 30)
            defer { connection.close() }
            let (status, received, closedAfter) = try await Self.blocking { () -> (String?, [UInt8], Duration?) in
                connection.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                let status = connection.readResponse()
                usleep(500_000)  // quiet for longer than the head deadline: only the idle timeout runs
                let (received, closedAfter) = connection.trickle("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", every: .milliseconds(100),
                                                                 limit: .seconds(6))
                return (status, received, closedAfter)
            }
            #expect(status == "HTTP/1.1 200 OK")
            let closed = try #require(closedAfter, "the second head, trickled, must be cut at the head deadline")
            #expect(closed >= .milliseconds(250))
            #expect(closed < .seconds(3))
            #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheHeadDeadline() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 10_000, headerReadTimeoutMilliseconds: 300) { port in
            let connection = try Connection(port: port)
            defer { connection.close() }
            let (rest, after) = try await Self.blocking { Self.timedReadToEnd(connection) }
            #expect(rest == [], "closed without an answer, within the 5 s receive timeout")
            #expect(after >= .milliseconds(250))
            #expect(after < .seconds(3))
        }
    }

    @Test func aSlowBodyIsCutAtTheBodyDeadline() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 10_000, bodyReadTimeoutMilliseconds: 500) { port in
            let connection = try Connection(port: port)
            defer { connection.close() }
            let head = "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
            let (_, closedAfter) = try await Self.blocking { connection.trickle(head, every: .milliseconds(100), limit: .seconds(6)) }
            let closed = try #require(closedAfter, "a body trickled a byte every 100 ms (each restarts the idle timeout) must be cut")
            #expect(closed >= .milliseconds(450))
            // 10x the 500 ms deadline, and still below the trickle's 6 s limit.
            #expect(closed < .seconds(5))
        }
    }

    /// A slow body pipelined behind a request (read in the same packet, so its head comes while
    /// that one is in flight) gets its deadline once that one is answered.
    @Test func aSlowPipelinedBodyIsCutAtTheBodyDeadline() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 10_000, bodyReadTimeoutMilliseconds: 500) { port in
            let connection = try Connection(port: port)
            defer { connection.close() }
            let heads = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nPOST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
            let (received, closedAfter) = try await Self.blocking { connection.trickle(heads, every: .milliseconds(100), limit: .seconds(9)) }
            #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"), "the first request is answered")
            let closed = try #require(closedAfter, "the pipelined body trickled a byte every 100 ms must be cut")
            #expect(closed >= .milliseconds(450))
            // Its deadline starts when the first response is written, which a test process busy with
            // other suites (the responder runs on the shared cooperative pool) may delay by seconds.
            #expect(closed < .seconds(8))
        }
    }

    /// Pauses between requests longer than the head deadline but shorter than the idle timeout,
    /// a head sent in two halves, then two pipelined requests: all are answered on one
    /// connection. The deadlines are 1 s here, not 300 ms: this test expects no cut, so every
    /// margin must hold on a loaded two-core CI machine (the split head's halves are 100 ms
    /// apart, the pauses 1.3 s long).
    @Test func keptAliveAndPipelinedRequestsAreNotCut() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 8_000, headerReadTimeoutMilliseconds: 1_000, bodyReadTimeoutMilliseconds: 1_000) { port in
            let connection = try Connection(port: port, timeoutSeconds: 30)
            defer { connection.close() }
            let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            let (statuses, rest) = try await Self.blocking { () -> ([String?], [UInt8]?) in
                var statuses = [String?]()
                for _ in 0..<2 {
                    connection.send(Array(request.utf8))
                    statuses.append(connection.readResponse())
                    usleep(1_300_000)
                }
                connection.send(Array("GET /healthz HTTP/1.1\r\n".utf8))
                usleep(100_000)
                connection.send(Array("Host: x\r\n\r\n".utf8))
                statuses.append(connection.readResponse())
                usleep(1_300_000)
                connection.send(Array((request + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").utf8))
                return (statuses, connection.readToEnd())
            }
            #expect(statuses == Array(repeating: "HTTP/1.1 200 OK", count: 3))
            let text = String(decoding: try #require(rest), as: UTF8.self)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 2, "both pipelined requests answered")
        }
    }

    /// After a response the wait for the next request is the idle timeout's (1.5 s), not the
    /// head deadline's (300 ms): re-arming the head deadline when the response is written
    /// would close it at ~300 ms.
    @Test func aKeptAliveConnectionWaitsForTheIdleTimeoutNotTheHeadDeadline() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 1_500, headerReadTimeoutMilliseconds: 300) { port in
            let connection = try Connection(port: port, timeoutSeconds: 30)
            defer { connection.close() }
            let (status, rest, after) = try await Self.blocking { () -> (String?, [UInt8]?, Duration) in
                connection.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                let status = connection.readResponse()
                let (rest, after) = Self.timedReadToEnd(connection)
                return (status, rest, after)
            }
            #expect(status == "HTTP/1.1 200 OK")
            #expect(rest == [], "closed by the idle timeout without an answer")
            #expect(after >= .milliseconds(1_200))
            // 10x the 1.5 s idle timeout (the receive timeout, 30 s, is what fails a hang).
            #expect(after < .seconds(15))
        }
    }
}
