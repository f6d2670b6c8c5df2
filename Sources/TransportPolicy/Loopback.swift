#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one rule for where plain HTTP may go (docs/http.md, "Transport"): bearer tokens, ID
/// numbers and check answers cross the connection, so off this machine it must be TLS. The
/// server (`serve --listen`) and the clients (`check --server`, `export --server`) both ask
/// here, so the two can never disagree about what counts as local.
public enum Loopback {
    /// 127.0.0.0/8, ::1 and `localhost` (with or without the root dot, in brackets or not).
    /// Another name is not resolved: it counts as remote, since DNS can say anything.
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}
