import Hummingbird
import LedgerCore

/// The query parameters that say why personal parts are read (docs/http.md "Recorded
/// reads"): `purpose` and `caseRef`, or `view=public` for the public view, which is not
/// recorded. Codes only: no personal data ever goes in a URL.
enum ReadInput {
    enum View {
        case publicView
        case opened(ReadReason)
    }

    static let parameters: Set<String> = ["purpose", "caseRef", "view"]

    /// A query parameter given at most once; a problem item when repeated.
    static func single(_ request: Request, _ name: String, errors: inout [Problem.Item]) -> String? {
        let values = request.uri.queryParameters[values: Substring(name)]
        guard let first = values.first else { return nil }
        guard values.count == 1 else {
            errors.append(Problem.Item(parameter: name, code: "repeated", message: "\(name) may be given once."))
            return nil
        }
        return String(first)
    }

    /// The view a records route answers; nil with items added when the parameters are bad.
    static func view(_ request: Request, publicAllowed: Bool = true, errors: inout [Problem.Item]) -> View? {
        let view = single(request, "view", errors: &errors)
        let purpose = single(request, "purpose", errors: &errors)
        let caseRef = single(request, "caseRef", errors: &errors)
        if let view {
            guard publicAllowed, view == "public" else {
                errors.append(Problem.Item(parameter: "view", code: "enum", message: publicAllowed ? "view must be public (or absent, with a purpose)." : "this route has no public view."))
                return nil
            }
            return .publicView
        }
        return ReadReason.parse(purpose: purpose, caseRef: caseRef, errors: &errors).map(View.opened)
    }
}
