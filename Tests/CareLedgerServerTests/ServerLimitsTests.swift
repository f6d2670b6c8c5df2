#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import CareLedgerServer

/// ServerLimits over real sockets: quiet connections are closed.
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

        func close() { _ = Glibc.close(fd) }
    }

    static func withLiveServer(idleTimeoutMilliseconds: Int64, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let app = Application(router: test.server.router(), server: ServerLimits.http1(idleTimeoutMilliseconds: idleTimeoutMilliseconds),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port)) }
        try await test.close()
    }

    @Test func aQuietConnectionIsClosed() async throws {
        try await Self.withLiveServer(idleTimeoutMilliseconds: 300) { port in
            let connection = try Connection(port: port)
            defer { connection.close() }
            let started = ContinuousClock.now
            let rest = connection.readToEnd()
            #expect(rest == [], "the server should close an idle connection without sending anything")
            #expect(ContinuousClock.now - started >= .milliseconds(250))
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }
}
