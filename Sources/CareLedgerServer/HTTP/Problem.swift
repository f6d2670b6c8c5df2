import CreditRecords
import Hummingbird
import LedgerCore

/// An RFC 9457 problem: every error the service answers is one of these, as
/// `application/problem+json` `{type, title, status, detail, errors?}`. Thrown by handlers and
/// turned into a response by `ProblemMiddleware`. Details never repeat a submitted value.
public struct Problem: Error, Sendable {
    /// One bad field (a JSON pointer into the submitted document) or query parameter.
    public typealias Item = Refusal.Item

    public static let typeBase = "https://careledger.example/problems/"

    public var status: HTTPResponse.Status
    /// The last part of the type URI, e.g. "validation".
    public var slug: String
    public var title: String
    public var detail: String
    public var errors: [Item]
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status, slug: String, title: String, detail: String, errors: [Item] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var type: String { Self.typeBase + slug }

    var json: JSONValue {
        var object = JSONObject([("type", .string(type)), ("title", .string(title)), ("status", .number(String(status.code))),
                                 ("detail", .string(detail))])
        if !errors.isEmpty {
            object["errors"] = .array(errors.map { item in
                var e = JSONObject()
                if let pointer = item.pointer { e["pointer"] = .string(pointer) }
                if let parameter = item.parameter { e["parameter"] = .string(parameter) }
                e["code"] = .string(item.code)
                e["message"] = .string(item.message)
                return .object(e)
            })
        }
        return .object(object)
    }

    public func response() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = headers[.cacheControl] ?? "no-store"
        return JSONBody.response(json, status: status, headers: headers)
    }
}

extension Problem {
    /// The HTTP form of a use case's refusal: its kind names the status.
    init(_ refusal: Refusal) {
        let status: HTTPResponse.Status = switch refusal.kind {
        case .invalid: .badRequest
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        }
        var headers = HTTPFields()
        if let seconds = refusal.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        self.init(status: status, slug: refusal.slug, title: refusal.title, detail: refusal.detail, errors: refusal.errors, headers: headers)
    }

    static func badQuery(_ items: [Item]) -> Problem { Problem(Refusal.badQuery(items)) }

    static func badRequest(_ detail: String, slug: String = "bad-request", errors: [Item] = []) -> Problem {
        Problem(Refusal.badRequest(detail, slug: slug, errors: errors))
    }

    static func unauthorized(_ detail: String, invalidToken: Bool) -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = invalidToken ? "Bearer realm=\"careledger\", error=\"invalid_token\"" : "Bearer realm=\"careledger\""
        return Problem(status: .unauthorized, slug: "unauthorized", title: "Authentication required", detail: detail, headers: headers)
    }

    static func forbidden(_ detail: String) -> Problem { Problem(Refusal.forbidden(detail)) }

    /// 429 from a rate limit, with Retry-After in whole seconds.
    static func rateLimited(_ detail: String, retryAfter seconds: Int64) -> Problem {
        Problem(Refusal(.tooManyRequests, slug: "rate-limited", title: "Too many requests",
                        detail: detail + " Retry after \(seconds) s.", retryAfterSeconds: seconds))
    }

    static func notFound(_ detail: String) -> Problem { Problem(Refusal.notFound(detail)) }

    static func tooLarge(limit: Int) -> Problem {
        Problem(status: .contentTooLarge, slug: "too-large", title: "Request body too large",
                detail: "Request bodies are limited to \(limit) bytes.")
    }

    static func unavailable(_ detail: String) -> Problem { Problem(Refusal.unavailable(detail)) }

    static func from(status: HTTPResponse.Status) -> Problem {
        switch status.code {
        case 404: return .notFound("There is no such resource.")
        case 405: return Problem(status: status, slug: "method-not-allowed", title: "Method not allowed",
                                 detail: "The resource does not support this method.")
        case 413: return .tooLarge(limit: ServerConfiguration().bodyLimit)
        case 400..<500: return Problem(status: status, slug: "bad-request", title: status.reasonPhrase, detail: status.reasonPhrase + ".")
        default: return .internalError()
        }
    }

    static func internalError() -> Problem {
        Problem(status: .internalServerError, slug: "internal", title: "Internal error",
                detail: "The server failed to answer; the error is logged.")
    }
}

/// JSON bodies: RFC 8785 encoding of a `JSONValue` (sorted keys, UTF-8, no extra space).
enum JSONBody {
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        // Values built here hold only integers, strings and the like: encoding cannot fail.
        let bytes = (try? CanonicalJSON.encode(value)) ?? Array(#"{"status":500}"#.utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

}

