import Hummingbird
import LedgerCore

/// `POST /v1/records/{seq}/confirmations`: a second inspector of the recording authority
/// confirms a lifetime ban or the revocation of one (docs/http.md "Ban confirmations").
extension LedgerServer {
    func addConfirmationRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .post, "/v1/records/:seq/confirmations") { request, context in
            guard let text = context.parameters.get("seq"), let seq = RequestInput.decimal(Substring(text)) else {
                throw Problem.badRequest("seq must be a non-negative decimal integer below 2^64.", slug: "bad-path",
                                         errors: [Problem.Item(parameter: "seq", code: "not_a_number", message: "seq must be a decimal integer")])
            }
            let bytes = try await RequestInput.body(request, limit: self.configuration.bodyLimit)
            let receipt = try await self.ledger.confirmBan(seq: seq, bytes, principal: context.caller(), logger: context.logger)
            return Self.created(receipt)
        }
    }
}
