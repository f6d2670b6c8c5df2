import BackgroundIndex
import CreditRecords
import Hummingbird
import LedgerCore

/// `GET /v1/institutions?status=&region=&after=&limit=`: the public list (docs/http.md
/// "Institution list"). Every bad value is a 400 naming its parameter.
extension LedgerServer {
    func institutionList(_ request: Request) throws -> Response {
        var errors = [Problem.Item]()
        RequestInput.refuseUnknownParameters(request, known: ["status", "region", "after", "limit"], errors: &errors)
        func single(_ name: String) -> String? {
            let values = request.uri.queryParameters[values: Substring(name)]
            guard let first = values.first else { return nil }
            guard values.count == 1 else {
                errors.append(Problem.Item(parameter: name, code: "repeated", message: "\(name) may be given once."))
                return nil
            }
            return String(first)
        }
        var status: InstitutionStatus?
        if let text = single("status") {
            status = InstitutionStatus(rawValue: text)
            if status == nil {
                let allowed = InstitutionStatus.allCases.map(\.rawValue).joined(separator: ", ")
                errors.append(Problem.Item(parameter: "status", code: "enum", message: "status must be one of \(allowed)."))
            }
        }
        var region: RegionFilter?
        if let text = single("region") {
            region = RegionFilter(text)
            if region == nil { errors.append(Problem.Item(parameter: "region", code: "region", message: "region must be a six-digit GB/T 2260 code.")) }
        }
        // A cursor only orders: any 18 characters of the code alphabet (the document's pattern), check character or not.
        let after = single("after")
        if let after, after.utf8.count != 18 || !after.utf8.allSatisfy({ USCC.alphabet.contains($0) }) {
            errors.append(Problem.Item(parameter: "after", code: "uscc_format", message: "after must be the unified social credit code a previous page ended with."))
        }
        let limit = RequestInput.queryNumber(request, "limit", max: UInt64(Ledger.maxInstitutionPage), errors: &errors)
            .map(Int.init) ?? Ledger.defaultInstitutionPage
        if limit == 0 { errors.append(Problem.Item(parameter: "limit", code: "too_small", message: "limit must be at least 1.")) }
        guard errors.isEmpty else { throw Problem.badQuery(errors) }
        return JSONBody.response(try ledger.institutions(status: status, region: region, after: after, limit: limit),
                                 headers: [.cacheControl: "no-store"])
    }
}
