import LedgerCrypto

/// Client signatures (optional per principal): Ed25519 over the RFC 8785 bytes of
/// `{"kind","body"}`, with the body as the service stores it.
public enum ClientSigning {
    public enum Error: Swift.Error, CustomStringConvertible {
        case notARecord
        public var description: String { "not a record {\"kind\": …, \"body\": {…}}" }
    }

    /// Returns the document with the body normalised and `clientSignature` set.
    public static func sign(_ document: JSONValue, with key: Ed25519PrivateKey, keyId: String) throws -> JSONValue {
        guard case .object(var object) = document,
              let kind = object["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
              let body = object["body"]?.objectValue else { throw Error.notARecord }
        let stored = normalised(.object(body)).objectValue!
        let signature = try key.signature(for: Envelope.signedBytes(kind: kind, body: stored))
        object["body"] = .object(stored)
        object["clientSignature"] = ["keyId": .string(keyId), "sig": .string(Base64.encode(signature))]
        return .object(object)
    }

    /// The service's one normalisation of a body: each `idNumber` as `IDNumberInput` stores it
    /// for the `idType` beside it (no spaces, ASCII digits, an upper-case check `X`).
    public static func normalised(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var out = JSONObject()
            let idType = object["idType"]?.stringValue.flatMap(IdType.init(rawValue:))
            for (key, member) in object.members {
                if key == "idNumber", let text = member.stringValue, let idType {
                    out[key] = .string(IDNumberInput.normalised(text, as: idType))
                } else {
                    out[key] = normalised(member)
                }
            }
            return .object(out)
        case .array(let items): return .array(items.map(normalised))
        default: return value
        }
    }
}
