import CreditRecords
import Hummingbird

/// An RFC 9457 problem: every error the service answers is one of these, as
/// `application/problem+json` `{type, title, status, detail, errors?}`. Thrown by handlers and
/// turned into a response by `ProblemMiddleware`. Details never repeat a submitted value.
public struct Problem: Error, Sendable {
    /// One bad field (a JSON pointer into the submitted document) or query parameter.
    public struct Item: Sendable, Equatable {
        public var pointer: String?
        public var parameter: String?
        public var code: String
        public var message: String

        public init(pointer: String, code: String, message: String) {
            self.pointer = pointer
            self.code = code
            self.message = message
        }

        public init(parameter: String, code: String, message: String) {
            self.parameter = parameter
            self.code = code
            self.message = message
        }

        init(_ error: FieldError) { self.init(pointer: error.pointer, code: error.code, message: error.message) }
    }

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
    static func validation(_ errors: [FieldError]) -> Problem {
        Problem(status: .badRequest, slug: "validation", title: "The record is not valid",
                detail: "\(errors.count) field\(errors.count == 1 ? "" : "s") failed validation; see errors.",
                errors: errors.map(Item.init))
    }

    static func invalidInput(_ items: [Item], detail: String) -> Problem {
        Problem(status: .badRequest, slug: "validation", title: "The request is not valid", detail: detail, errors: items)
    }

    static func malformedJSON(_ error: JSONParser.Error) -> Problem {
        Problem(status: .badRequest, slug: "malformed-json", title: "The body is not valid JSON",
                detail: "The request body is not valid JSON (byte \(error.offset)).",
                errors: [Item(pointer: "", code: "malformed_json", message: error.description)])
    }

    static func badQuery(_ items: [Item]) -> Problem {
        Problem(status: .badRequest, slug: "bad-query", title: "Bad query parameters",
                detail: items.map(\.message).joined(separator: " "), errors: items)
    }

    static func badRequest(_ detail: String, slug: String = "bad-request", errors: [Item] = []) -> Problem {
        Problem(status: .badRequest, slug: slug, title: "Bad request", detail: detail, errors: errors)
    }

    static func unauthorized(_ detail: String, invalidToken: Bool) -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = invalidToken ? "Bearer realm=\"careledger\", error=\"invalid_token\"" : "Bearer realm=\"careledger\""
        return Problem(status: .unauthorized, slug: "unauthorized", title: "Authentication required", detail: detail, headers: headers)
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, slug: "forbidden", title: "Not allowed", detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    static func conflict(_ detail: String, slug: String = "conflict", errors: [Item] = []) -> Problem {
        Problem(status: .conflict, slug: slug, title: "Conflict", detail: detail, errors: errors)
    }

    static func tooLarge(limit: Int) -> Problem {
        Problem(status: .contentTooLarge, slug: "too-large", title: "Request body too large",
                detail: "Request bodies are limited to \(limit) bytes.")
    }

    static func unavailable(_ detail: String, retryAfterSeconds: Int = 5) -> Problem {
        var headers = HTTPFields()
        headers[.retryAfter] = String(retryAfterSeconds)
        return Problem(status: .serviceUnavailable, slug: "unavailable", title: "Service unavailable", detail: detail, headers: headers)
    }

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

    static func bytes(_ value: JSONValue) -> [UInt8] { (try? CanonicalJSON.encode(value)) ?? [] }
}

extension JSONValue {
    static func uint(_ n: UInt64) -> JSONValue { .number(String(n)) }
    static func int(_ n: Int) -> JSONValue { .number(String(n)) }
}
