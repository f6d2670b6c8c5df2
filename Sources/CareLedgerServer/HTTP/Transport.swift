import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import TransportPolicy

/// `LedgerServer.run` on a configuration `transportRefusal()` refuses.
public struct TransportRefused: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

extension ServerConfiguration {
    /// Why this configuration must not start (nil when it may): half a TLS pair, or plain
    /// HTTP on a non-loopback address without `--insecure-plaintext`. The message names the
    /// options, never a secret.
    public func transportRefusal() -> String? {
        switch (tlsCertificatePath, tlsKeyPath) {
        case (nil, nil): break
        case (_?, _?): return nil
        default: return "--tls-cert and --tls-key go together"
        }
        if Loopback.isLoopback(host: host) || insecurePlaintext { return nil }
        return """
            refusing to serve plain HTTP on \(host), which is not a loopback address: bearer tokens and ID numbers \
            would cross the network in clear. Give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a \
            TLS-terminating proxy, or (only behind such a proxy on a private network) --insecure-plaintext
            """
    }

    /// Reads the certificate and key as the server will, so `serve` fails before it opens
    /// anything when they are missing or not PEM.
    public func checkTLSFiles() throws { _ = try serverBuilder() }

    /// "https" when the service answers TLS itself.
    public var scheme: String { tlsCertificatePath != nil && tlsKeyPath != nil ? "https" : "http" }

    /// The HTTP/1.1 server with `ServerLimits`, inside TLS when a certificate and key are
    /// configured. Throws when the PEM files cannot be read.
    func serverBuilder() throws -> HTTPServerBuilder {
        guard let certificatePath = tlsCertificatePath, let keyPath = tlsKeyPath else { return ServerLimits.http1() }
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return try .tls(ServerLimits.http1(), tlsConfiguration: tls)
    }
}
