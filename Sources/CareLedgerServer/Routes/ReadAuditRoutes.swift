import Hummingbird
import LedgerCore

/// `GET /v1/audit/reads?principal=&purpose=&caseRef=&before=&limit=` (auditor, admin): the
/// recorded reads of one principal, newest first, `crossAuthority` flagged; and
/// `GET /v1/audit/subject-reads?purpose=&caseRef=&before=&limit=`: the people who opened their
/// own records at /me (`subject_access`), whose entries name no principal.
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
            let page = Self.readsPage(request, errors: &errors)
            guard errors.isEmpty, let reader, let page else { throw Problem.badQuery(errors) }
            let answer = try await self.ledger.readsOnRecord(reader: reader, before: page.before, limit: page.limit, principal: context.caller(),
                                                             reason: page.reason, logger: context.logger)
            return JSONBody.response(answer, headers: [.cacheControl: "no-store"])
        }
        on(router, .get, "/v1/audit/subject-reads") { request, context in
            var errors = [Problem.Item]()
            RequestInput.refuseUnknownParameters(request, known: ["purpose", "caseRef", "before", "limit"], errors: &errors)
            let page = Self.readsPage(request, errors: &errors)
            guard errors.isEmpty, let page else { throw Problem.badQuery(errors) }
            let answer = try await self.ledger.subjectReadsOnRecord(before: page.before, limit: page.limit, principal: context.caller(),
                                                                    reason: page.reason, logger: context.logger)
            return JSONBody.response(answer, headers: [.cacheControl: "no-store"])
        }
    }

    /// `before`, `limit` and the reason (`purpose`, `caseRef`) both audit-of-reads routes take.
    static func readsPage(_ request: Request, errors: inout [Problem.Item]) -> (before: UInt64?, limit: Int, reason: ReadReason)? {
        let before = RequestInput.queryNumber(request, "before", errors: &errors)
        let limit = RequestInput.queryNumber(request, "limit", max: UInt64(Ledger.maxAuditPage), errors: &errors) ?? 100
        if limit == 0 { errors.append(Problem.Item(parameter: "limit", code: "too_small", message: "limit must be at least 1.")) }
        let reason = ReadReason.parse(purpose: ReadInput.single(request, "purpose", errors: &errors),
                                      caseRef: ReadInput.single(request, "caseRef", errors: &errors), errors: &errors)
        guard let reason else { return nil }
        return (before, Int(limit), reason)
    }

    /// Principal ids as `POST /v1/principals` takes them, so nothing else lands in an access entry.
    static func isPrincipalId(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) }
        guard let first = bytes.first, alnum(first), bytes.count <= 64 else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
