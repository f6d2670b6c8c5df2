import CreditRecords

/// Why a use case refused, without any transport in it: the HTTP layer maps `kind` to a status
/// and the rest to an RFC 9457 problem; the command line prints it. Details never repeat a
/// submitted value (an ID number above all).
public struct Refusal: Error, Sendable, Equatable {
    /// What went wrong, in the caller's terms; each has one HTTP status in the server.
    public enum Kind: Sendable, Equatable {
        case invalid          // 400
        case forbidden        // 403
        case notFound         // 404
        case conflict         // 409
        case tooLarge         // 413
        case tooManyRequests  // 429
        case unavailable      // 503
    }

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

        public init(_ error: FieldError) { self.init(pointer: error.pointer, code: error.code, message: error.message) }
    }

    public var kind: Kind
    /// The last part of the problem type URI, e.g. "validation".
    public var slug: String
    public var title: String
    public var detail: String
    public var errors: [Item]
    /// When the caller may try again (quota, unavailable).
    public var retryAfterSeconds: Int64?

    public init(_ kind: Kind, slug: String, title: String, detail: String, errors: [Item] = [], retryAfterSeconds: Int64? = nil) {
        self.kind = kind
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
        self.retryAfterSeconds = retryAfterSeconds
    }
}

extension Refusal {
    public static func validation(_ errors: [FieldError]) -> Refusal {
        Refusal(.invalid, slug: "validation", title: "The record is not valid",
                detail: "\(errors.count) field\(errors.count == 1 ? "" : "s") failed validation; see errors.",
                errors: errors.map(Item.init))
    }

    public static func invalidInput(_ items: [Item], detail: String) -> Refusal {
        Refusal(.invalid, slug: "validation", title: "The request is not valid", detail: detail, errors: items)
    }

    public static func malformedJSON(_ error: JSONParser.Error) -> Refusal {
        Refusal(.invalid, slug: "malformed-json", title: "The body is not valid JSON",
                detail: "The request body is not valid JSON (byte \(error.offset)).",
                errors: [Item(pointer: "", code: "malformed_json", message: error.description)])
    }

    public static func badQuery(_ items: [Item]) -> Refusal {
        Refusal(.invalid, slug: "bad-query", title: "Bad query parameters",
                detail: items.map(\.message).joined(separator: " "), errors: items)
    }

    public static func badRequest(_ detail: String, slug: String = "bad-request", errors: [Item] = []) -> Refusal {
        Refusal(.invalid, slug: slug, title: "Bad request", detail: detail, errors: errors)
    }

    public static func forbidden(_ detail: String) -> Refusal {
        Refusal(.forbidden, slug: "forbidden", title: "Not allowed", detail: detail)
    }

    public static func notFound(_ detail: String) -> Refusal {
        Refusal(.notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    public static func conflict(_ detail: String, slug: String = "conflict", errors: [Item] = []) -> Refusal {
        Refusal(.conflict, slug: slug, title: "Conflict", detail: detail, errors: errors)
    }

    public static func unavailable(_ detail: String, retryAfterSeconds: Int64 = 5) -> Refusal {
        Refusal(.unavailable, slug: "unavailable", title: "Service unavailable", detail: detail, retryAfterSeconds: retryAfterSeconds)
    }

    /// Parses a JSON body, refusing it with the parser's byte offset.
    public static func parseJSON(_ bytes: [UInt8]) throws(Refusal) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch let error as JSONParser.Error {
            throw malformedJSON(error)
        } catch {
            throw badRequest("The request body could not be read as JSON.", slug: "malformed-json")
        }
    }
}
