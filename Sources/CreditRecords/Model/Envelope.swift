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

    public var json: JSONValue { .object(members) }

    /// The canonical bytes with the body's own canonical bytes given (`encodedBody` must be
    /// `CanonicalJSON.encode(.object(body))`), so a writer that has them encodes the body once.
    ///
    /// Written member by member in RFC 8785 order rather than through a `JSONObject`: the
    /// envelope's shape is fixed, and every append writes it twice when it seals (the leaf
    /// and the opened entry), which through the generic encoder cost as much as encoding the
    /// body (issue 15). Its names are ASCII, so UTF-8 order is UTF-16 order: body <
    /// clientSignature < kind < personal < submittedAt < submittedBy < v, and authority <
    /// principal, keyId < sig. `membersAreInCanonicalOrder` in the tests checks this against
    /// the generic encoder.
    public func canonicalBytes(encodedBody: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(encodedBody.count + 256)
        appendCanonicalBytes(encodedBody: encodedBody, to: &out)
        return out
    }

    /// `canonicalBytes(encodedBody:)` appended to `out` (the vault's plaintext follows a salt).
    public func appendCanonicalBytes(encodedBody: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: #"{"body":"#.utf8)
        out += encodedBody
        if let signature = clientSignature {
            out.append(contentsOf: #","clientSignature":{"keyId":"#.utf8)
            CanonicalJSON.appendString(signature.keyId, to: &out)
            out.append(contentsOf: #","sig":"#.utf8)
            CanonicalJSON.appendString(signature.sig, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #","kind":"#.utf8)
        CanonicalJSON.appendString(kind.rawValue, to: &out)
        if let commitment {
            out.append(contentsOf: #","personal":{"commitment":"#.utf8)
            CanonicalJSON.appendString(commitment, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #","submittedAt":"#.utf8)
        CanonicalJSON.appendString(submittedAt, to: &out)
        out.append(contentsOf: #","submittedBy":{"#.utf8)
        if let authority = submittedBy.authority {
            out.append(contentsOf: #""authority":"#.utf8)
            CanonicalJSON.appendString(authority, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""principal":"#.utf8)
        CanonicalJSON.appendString(submittedBy.principal, to: &out)
        out.append(contentsOf: #"},"v":"#.utf8)
        out.append(contentsOf: String(version).utf8)
        out.append(UInt8(ascii: "}"))
    }

    private var members: JSONObject {
        var submitter = JSONObject([("principal", .string(submittedBy.principal))])
        if let authority = submittedBy.authority { submitter["authority"] = .string(authority) }
        var object = JSONObject([("v", .number(String(version))), ("kind", .string(kind.rawValue)), ("body", .object(body)),
                                 ("submittedAt", .string(submittedAt)), ("submittedBy", .object(submitter))])
        if let commitment { object["personal"] = .object(JSONObject([("commitment", .string(commitment))])) }
        if let signature = clientSignature {
            object["clientSignature"] = .object(JSONObject([("keyId", .string(signature.keyId)), ("sig", .string(signature.sig))]))
        }
        return object
    }

    /// The log entry.
    public func canonicalBytes() throws -> [UInt8] { canonicalBytes(encodedBody: try CanonicalJSON.encode(.object(body))) }

    /// The bytes a client signature covers: JCS of `{"kind","body"}`.
    public static func signedBytes(kind: RecordKind, body: JSONObject) throws -> [UInt8] {
        try CanonicalJSON.encode(.object(JSONObject([("kind", .string(kind.rawValue)), ("body", .object(body))])))
    }
}
