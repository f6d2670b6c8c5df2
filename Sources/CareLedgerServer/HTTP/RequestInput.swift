import HTTPTypes
import LedgerCore
import Hummingbird

/// Strict reading of what clients send besides JSON: numbers in paths and queries, bodies
/// with a size limit, the Idempotency-Key header.
enum RequestInput {
    /// A decimal number: digits only, at most 20 of them, fitting in UInt64.
    static func decimal(_ text: Substring) -> UInt64? {
        // One spelling per number: `007` is not seq 7 (a cache or an audit trail keyed by the
        // path must not see one record under two names).
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              text.utf8.first != 0x30 || text.utf8.count == 1 else { return nil }
        return UInt64(text)
    }

    /// Query parameter `name` as a number: nil when absent; a problem item when it is
    /// repeated, empty, not a decimal number or too large.
    static func queryNumber(_ request: Request, _ name: String, max: UInt64 = UInt64.max,
                            errors: inout [Problem.Item]) -> UInt64? {
        let values = request.uri.queryParameters[values: Substring(name)]
        guard let first = values.first else { return nil }
        guard values.count == 1 else {
            errors.append(Problem.Item(parameter: name, code: "repeated", message: "\(name) may be given once."))
            return nil
        }
        guard let value = decimal(first) else {
            let code = first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) && !first.isEmpty ? "too_large" : "not_a_number"
            errors.append(Problem.Item(parameter: name, code: code,
                                       message: "\(name) must be a non-negative decimal integer below 2^64."))
            return nil
        }
        guard value <= max else {
            errors.append(Problem.Item(parameter: name, code: "too_large", message: "\(name) must be at most \(max)."))
            return nil
        }
        return value
    }

    /// Refuses query parameters a route does not know, so that typos do not pass silently.
    static func refuseUnknownParameters(_ request: Request, known: Set<String>, errors: inout [Problem.Item]) {
        guard request.uri.queryParameters.contains(where: { !known.contains(String($0.key)) }) else { return }
        // One item, and not the parameter's name: it is the client's text, and a problem body
        // never repeats what the client sent (an ID number typed as a name would reach logs).
        errors.append(Problem.Item(parameter: "", code: "unknown_parameter",
                                   message: "Unknown query parameter; this route takes \(known.sorted().joined(separator: ", "))."))
    }

    /// The request body, at most `limit` bytes (413 beyond: checked on Content-Length first,
    /// then while reading, so a lying or absent length is caught too).
    static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength], let declared = Int(length), declared > limit {
            throw Problem.tooLarge(limit: limit)
        }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Problem.tooLarge(limit: limit)
        }
    }

    static let idempotencyKeyField = HTTPField.Name("Idempotency-Key")!

    /// The Idempotency-Key header: nil when absent, 400 when repeated or not 1…128
    /// printable ASCII characters.
    static func idempotencyKey(_ request: Request) throws -> String? {
        let values = request.headers[values: idempotencyKeyField]
        guard !values.isEmpty else { return nil }
        guard values.count == 1, IdempotencyStore.isValidKey(values[0]) else {
            throw Problem.badRequest("Idempotency-Key must appear once and hold 1 to \(IdempotencyStore.maxKeyLength) printable ASCII characters.",
                                     slug: "idempotency-key")
        }
        return values[0]
    }
}
