/// How `careledger serve` runs. Defaults: 127.0.0.1:8080, ./careledger-data.
public struct ServerConfiguration: Sendable {
    public var dataDirectory = "./careledger-data"
    public var host = "127.0.0.1"
    public var port = 8080
    public var origin = "careledger.local/records"
    public var bodyLimit = 256 * 1024
    public var checkQuota = 500

    public init() {}
}
