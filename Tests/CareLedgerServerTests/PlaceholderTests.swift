import Testing
@testable import CareLedgerServer

@Test func defaultConfiguration() {
    let configuration = ServerConfiguration()
    #expect(configuration.host == "127.0.0.1" && configuration.port == 8080)
}
