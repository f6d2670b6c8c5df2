import CreditExport
import CreditRecords
import Foundation
import LedgerTestSupport
import Testing

/// End to end with the built binary: `serve --export-every … --export-to SPOOL` refuses to
/// erase a data-error record that SPOOL's batches put on the platform until a batch has
/// carried its 撤回; then the erasure goes through and no batch rejects it `target_erased`.
@Suite(.serialized) struct ErasureAfterWithdrawalTests {
    typealias C = CommandLineExportTests

    @Test func serveWaitsForTheWithdrawalBeforeErasing() async throws {
        guard let binary = CareLedgerCommand.binary() else { return }
        let root = try CareLedgerCommand.scratch("erase-withdrawal")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data", spool = root + "/spool"
        let scheduled = ["--export-every", "1h", "--export-to", spool]
        let erasure = try CanonicalJSON.encode(["seqs": [0], "basis": "data_error", "authority": ExportFixtures.authority])

        // The wrong record, then an export that puts it on the platform.
        var service = try await C.Service(binary: binary, data: data)
        let admin = try String(contentsOfFile: data + "/admin.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let (added, _) = try await C.request("POST", service.url + "/v1/records", token: admin, body: try CanonicalJSON.encode(ExportFixtures.example("penalty-person")))
        #expect(added == 201)
        service.stop()
        let first = try await C.run(binary, ["export", "--data", data, "--out", spool, "--profile", "csv-2.0"])
        #expect(first.status == 0, "\(first.err)")

        // Revoked as a data error: the erasure waits for the withdrawal to be exported.
        service = try await C.Service(binary: binary, data: data, options: scheduled)
        let (revoked, _) = try await C.request("POST", service.url + "/v1/records", token: admin, body: try CanonicalJSON.encode(ExportFixtures.revocation(target: 0)))
        #expect(revoked == 201)
        let (refused, body) = try await C.request("POST", service.url + "/v1/erasures", token: admin, body: erasure)
        #expect(refused == 409 && String(decoding: body, as: UTF8.self).contains("erasure-withdrawal-not-exported"), "\(String(decoding: body, as: UTF8.self))")
        service.stop()
        let second = try await C.run(binary, ["export", "--data", data, "--out", spool])
        #expect(second.status == 0, "\(second.err)")
        #expect(second.out.contains("/-1"), "a withdrawal in the batch: \(second.out)")

        // Now it is erased, and the next batch has nothing to reject.
        service = try await C.Service(binary: binary, data: data, options: scheduled)
        let (erased, erasedBody) = try await C.request("POST", service.url + "/v1/erasures", token: admin, body: erasure)
        #expect(erased == 201, "\(String(decoding: erasedBody, as: UTF8.self))")
        service.stop()
        let third = try await C.run(binary, ["export", "--data", data, "--out", spool])
        #expect(third.status == 0, "\(third.err)")
        let rejects = try FileManager.default.contentsOfDirectory(atPath: spool).filter { !$0.hasPrefix(".") && $0 != ExportState.fileName }
            .compactMap { FileManager.default.contents(atPath: spool + "/" + $0 + "/rejects.jsonl") }
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(!rejects.contains { $0.contains("target_erased") }, "\(rejects)")
    }
}
