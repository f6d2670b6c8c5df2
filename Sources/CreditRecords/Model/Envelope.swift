import LedgerCrypto

/// Who submitted a record: the principal and, for inspectors, its authority's USCC.
public struct Submitter: Sendable, Equatable {
    public let principal: String
    public let authority: String?

    public init(principal: String, authority: String?) {
        self.principal = principal
        self.authority = authority
    }
}

/// The optional Ed25519 signature a principal puts on `{"kind","body"}` (JCS bytes).
public struct ClientSignature: Sendable, Equatable {
    public let keyId: String
    /// base64 of the 64-byte signature.
    public let sig: String

    public init(keyId: String, sig: String) {
        self.keyId = keyId
        self.sig = sig
    }
}

/// What the log stores (docs/records.md "Envelope"): the RFC 8785 bytes of
/// `{"v":1,"kind","body","submittedAt","submittedBy":{"principal","authority"},"clientSignature"?}`,
/// or, sealed (v2, docs/log-format.md "Sealed entries"), the same with `body` reduced to the
/// kind's public view and `"personal":{"commitment":"<hex>"}` when anything was left out.
/// An opened v2 entry is a v1 envelope (the vault keeps those bytes), so readers of v1 read it.
public struct Envelope: Sendable, Equatable {
    public let kind: RecordKind
    public let body: JSONObject
    /// RFC 3339 UTC, seconds precision ("2026-11-22T08:00:00Z").
    public let submittedAt: String
    public let submittedBy: Submitter
    public let clientSignature: ClientSignature?
    /// 1: the full body; 2: sealed (the public view, and `commitment` when the body had more).
    public var version = 1
    /// SHA-256(salt ‖ JCS(full body)) of a sealed entry whose body left members out, in hex.
    public var commitment: String?

    /// A sealed entry (v2) whose body had nothing but public members has no commitment.
    public var isSealed: Bool { version == 2 }

    public init(kind: RecordKind, body: JSONObject, submittedAt: String, submittedBy: Submitter, clientSignature: ClientSignature?) {
        self.kind = kind
        self.body = body
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
        self.clientSignature = clientSignature
    }

    public var json: JSONValue { .object(members(withBody: true)) }

    /// The canonical bytes with the body's own canonical bytes given (`encodedBody` must be
    /// `CanonicalJSON.encode(.object(body))`), so a writer that has them encodes the body once.
    /// "body" sorts before every other member of an envelope, so it is the first member.
    public func canonicalBytes(encodedBody: [UInt8]) throws -> [UInt8] {
        let rest = try CanonicalJSON.encode(.object(members(withBody: false)))
        var out = [UInt8]()
        out.reserveCapacity(encodedBody.count + rest.count + 8)
        out.append(contentsOf: #"{"body":"#.utf8)
        out += encodedBody
        out.append(UInt8(ascii: ","))
        out += rest.dropFirst()  // its "{"; it always has members ("kind", "v", …)
        return out
    }

    private func members(withBody: Bool) -> JSONObject {
        var submitter = JSONObject([("principal", .string(submittedBy.principal))])
        if let authority = submittedBy.authority { submitter["authority"] = .string(authority) }
        var object = JSONObject([("v", .number(String(version))), ("kind", .string(kind.rawValue))]
                                + (withBody ? [("body", .object(body))] : [])
                                + [("submittedAt", .string(submittedAt)), ("submittedBy", .object(submitter))])
        if let commitment { object["personal"] = .object(JSONObject([("commitment", .string(commitment))])) }
        if let signature = clientSignature {
            object["clientSignature"] = .object(JSONObject([("keyId", .string(signature.keyId)), ("sig", .string(signature.sig))]))
        }
        return object
    }

    /// The log entry.
    public func canonicalBytes() throws -> [UInt8] { try CanonicalJSON.encode(json) }

    /// The bytes a client signature covers: JCS of `{"kind","body"}`.
    public static func signedBytes(kind: RecordKind, body: JSONObject) throws -> [UInt8] {
        try CanonicalJSON.encode(.object(JSONObject([("kind", .string(kind.rawValue)), ("body", .object(body))])))
    }
}
