import CreditRecords
import LedgerCrypto

/// `POST /v1/principals` input `{id, role, authority?, institution?, publicKey?, password?}`, checked
/// with every bad field reported at once by JSON pointer, as record errors are.
package struct PrincipalRequest {
    package let id: String
    package let role: Role
    package let authority: Organization?
    package let institution: Organization?
    package let publicKey: String?
    /// The web sign-in password, to be hashed at once; never echoed in an answer or a problem.
    package let password: String?

    package static let maxNameLength = 200
    /// At least 12 characters (NIST SP 800-63B asks 8 at least; 12 for a service that names
    /// people), at most 256 so a body cannot make the hash expensive.
    package static let passwordLength = 12...256

    package static func parse(_ document: JSONValue) -> Result<PrincipalRequest, Refusal> {
        switch read(document) {
        case .success(let request): return .success(request)
        case .failure(let failure):
            let items = failure.items
            return .failure(Refusal.invalidInput(items, detail: "\(items.count) field\(items.count == 1 ? "" : "s") of the principal failed validation; see errors."))
        }
    }

    package struct Failure: Error {
        let items: [Refusal.Item]
    }

    private static func read(_ document: JSONValue) -> Result<PrincipalRequest, Failure> {
        guard let object = document.objectValue else {
            return .failure(Failure(items: [Refusal.Item(pointer: "", code: "type", message: "a principal is a JSON object")]))
        }
        var errors = [Refusal.Item]()
        for at in UnknownMember.pointers(object.keys, allowed: { ["id", "role", "authority", "institution", "publicKey", "password"].contains($0) }, in: "") {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: UnknownMember.message))
        }

        var id: String?
        switch object["id"] {
        case nil: errors.append(Refusal.Item(pointer: "/id", code: "required", message: "id is required"))
        case .string(let s)? where PrincipalIdentifiers.isValidPrincipalId(s): id = s
        case .string?: errors.append(Refusal.Item(pointer: "/id", code: "pattern", message: "id must match ^[a-z0-9][a-z0-9._-]{0,63}$"))
        case let other?: errors.append(Refusal.Item(pointer: "/id", code: "type", message: "id must be a string, not \(other.typeName)"))
        }

        var role: Role?
        switch object["role"] {
        case nil: errors.append(Refusal.Item(pointer: "/role", code: "required", message: "role is required"))
        case .string(let s)? where Role(rawValue: s) != nil: role = Role(rawValue: s)
        default:
            errors.append(Refusal.Item(pointer: "/role", code: "enum",
                                       message: "role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))"))
        }

        let authority = organization(object["authority"], at: "/authority", regionRequired: true, errors: &errors)
        let institution = organization(object["institution"], at: "/institution", regionRequired: false, errors: &errors)
        if let role {
            if role == .inspector && object["authority"] == nil {
                errors.append(Refusal.Item(pointer: "/authority", code: "required", message: "an inspector must be bound to an authority"))
            }
            if role != .inspector && object["authority"] != nil {
                errors.append(Refusal.Item(pointer: "/authority", code: "not_allowed", message: "only inspectors are bound to an authority"))
            }
            if role == .institution && object["institution"] == nil {
                errors.append(Refusal.Item(pointer: "/institution", code: "required", message: "an institution principal must be bound to an institution"))
            }
            if role != .institution && object["institution"] != nil {
                errors.append(Refusal.Item(pointer: "/institution", code: "not_allowed", message: "only institution principals are bound to an institution"))
            }
        }

        var publicKey: String?
        switch object["publicKey"] {
        case nil: break
        case .string(let s)?:
            if let raw = Base64.decode(s), raw.count == 32, (try? Ed25519PublicKey(rawRepresentation: raw)) != nil {
                publicKey = s
            } else {
                errors.append(Refusal.Item(pointer: "/publicKey", code: "public_key",
                                           message: "publicKey must be the standard base64 of a raw 32-byte Ed25519 public key"))
            }
        case let other?:
            errors.append(Refusal.Item(pointer: "/publicKey", code: "type", message: "publicKey must be a string, not \(other.typeName)"))
        }

        var password: String?
        switch object["password"] {
        case nil: break
        case .string(let s)? where passwordLength.contains(s.unicodeScalars.count) && !s.trimmingSpaces.isEmpty: password = s
        case .string?:
            errors.append(Refusal.Item(pointer: "/password", code: "length",
                                       message: "password must hold \(passwordLength.lowerBound) to \(passwordLength.upperBound) characters"))
        case let other?:
            errors.append(Refusal.Item(pointer: "/password", code: "type", message: "password must be a string, not \(other.typeName)"))
        }

        guard errors.isEmpty, let id, let role else { return .failure(Failure(items: errors)) }
        return .success(PrincipalRequest(id: id, role: role, authority: authority, institution: institution, publicKey: publicKey,
                                         password: password))
    }

    private static func organization(_ value: JSONValue?, at pointer: String, regionRequired: Bool, errors: inout [Refusal.Item]) -> Organization? {
        guard let value else { return nil }
        guard let object = value.objectValue else {
            errors.append(Refusal.Item(pointer: pointer, code: "type", message: "must be an object {name, uscc, region}"))
            return nil
        }
        let before = errors.count
        for at in UnknownMember.pointers(object.keys, allowed: { ["name", "uscc", "region"].contains($0) }, in: pointer) {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: UnknownMember.message))
        }
        let name = object["name"]?.stringValue
        if object["name"] == nil {
            errors.append(Refusal.Item(pointer: pointer + "/name", code: "required", message: "name is required"))
        } else if name == nil {
            errors.append(Refusal.Item(pointer: pointer + "/name", code: "type", message: "name must be a string"))
        } else if let name, name.trimmingSpaces.isEmpty || name.unicodeScalars.count > maxNameLength {
            errors.append(Refusal.Item(pointer: pointer + "/name", code: "length",
                                       message: "name must hold 1 to \(maxNameLength) characters"))
        }
        let uscc = object["uscc"]?.stringValue
        if object["uscc"] == nil {
            errors.append(Refusal.Item(pointer: pointer + "/uscc", code: "required", message: "uscc is required"))
        } else if let uscc, PrincipalIdentifiers.isValidUSCC(uscc) {
        } else {
            errors.append(Refusal.Item(pointer: pointer + "/uscc", code: "uscc_checksum",
                                       message: "uscc must be an 18-character unified social credit code with a valid check character"))
        }
        let region = object["region"]?.stringValue
        if object["region"] == nil {
            if regionRequired { errors.append(Refusal.Item(pointer: pointer + "/region", code: "required", message: "region is required")) }
        } else if let region, PrincipalIdentifiers.isValidRegion(region) {
        } else {
            errors.append(Refusal.Item(pointer: pointer + "/region", code: "region", message: "region must be a six-digit administrative region code"))
        }
        guard errors.count == before, let name, let uscc else { return nil }
        return Organization(name: name, uscc: uscc, region: region)
    }
}

extension String {
    package var trimmingSpaces: Substring {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }

    package func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
