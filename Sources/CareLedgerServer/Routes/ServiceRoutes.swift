import CreditRecords
import Hummingbird
import LedgerCore

/// Liveness (public) and metrics (the `metrics` role or an admin, RouteTable.swift).
extension LedgerServer {
    func addServiceRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .get, "/healthz") { _, _ in
            JSONBody.response(.object(JSONObject([("status", "ok"), ("treeSize", .uint(self.log.size))])),
                              headers: [.cacheControl: "no-store"])
        }
        on(router, .get, "/metrics") { _, _ in
            self.metrics.ledger.treeSize.record(Int64(self.log.size))
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: self.metrics.render())))
        }
    }
}
