import Hummingbird
import LedgerCore

/// `GET /v1/audit/reads?principal=&purpose=&caseRef=&before=&limit=` (auditor, admin): the
/// recorded reads of one principal, newest first, `crossAuthority` flagged.
extension LedgerServer {
    func addReadAuditRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .get, "/v1/audit/reads") { request, context in
            var errors = [Problem.Item]()
            RequestInput.refuseUnknownParameters(request, known: ["principal", "purpose", "caseRef", "before", "limit"], errors: &errors)
            let reader = ReadInput.single(request, "principal", errors: &errors)
            if reader == nil && !errors.contains(where: { $0.parameter == "principal" }) {
                errors.append(Problem.Item(parameter: "principal", code: "required", message: "principal (a principal id) is required."))
            } else if let reader, !Self.isPrincipalId(reader) {
                errors.append(Problem.Item(parameter: "principal", code: "pattern", message: "principal must be a principal id (^[a-z0-9][a-z0-9._-]{0,63}$)."))
            }
            let before = RequestInput.queryNumber(request, "before", errors: &errors)
            let limit = RequestInput.queryNumber(request, "limit", max: UInt64(Ledger.maxAuditPage), errors: &errors) ?? 100
            if limit == 0 { errors.append(Problem.Item(parameter: "limit", code: "too_small", message: "limit must be at least 1.")) }
            let reason = ReadReason.parse(purpose: ReadInput.single(request, "purpose", errors: &errors),
                                          caseRef: ReadInput.single(request, "caseRef", errors: &errors), errors: &errors)
            guard errors.isEmpty, let reader, let reason else { throw Problem.badQuery(errors) }
            let answer = try await self.ledger.readsOnRecord(reader: reader, before: before, limit: Int(limit), principal: context.caller(),
                                                             reason: reason, logger: context.logger)
            return JSONBody.response(answer, headers: [.cacheControl: "no-store"])
        }
    }

    /// Principal ids as `POST /v1/principals` takes them, so nothing else lands in an access entry.
    static func isPrincipalId(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) }
        guard let first = bytes.first, alnum(first), bytes.count <= 64 else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
