import Foundation

/// A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI, for the
/// tests of the TLS server and of the clients' private-CA option (the certificate is its own CA).
public enum TestCertificate {
    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `cert.pem` and `key.pem` (P-256, valid two days) into `directory`.
    public static func make(in directory: String) async throws -> (cert: String, key: String) {
        let cert = directory + "/cert.pem", key = directory + "/key.pem"
        guard let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failed(description: "no openssl command to make a test certificate with")
        }
        let outcome = try await ChildOutcome.run(openssl, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", key, "-out", cert,
        ])
        guard outcome == .exited(0) else { throw Failed(description: "openssl req ended with \(outcome)") }
        return (cert, key)
    }
}
