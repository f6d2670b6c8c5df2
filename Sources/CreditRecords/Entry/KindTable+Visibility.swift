/// What of a record may be published (docs/records.md "Who sees which field"): an allow-list
/// derived from the kind table's `visibility`, so a member is published only because its row
/// says `public`. The institution disclosure applies it to every record it shows; the
/// personal-data vault will use the same rows to decide what it keeps apart.
extension KindSpec {
    /// The members of `body` that are public, in the body's order; objects of a public member
    /// keep only their own public parts (an organisation's name, code and region; a filed
    /// institution without any person's identity document and without its 负责人).
    public func publicView(of body: JSONObject) -> JSONObject {
        var out = JSONObject()
        for (key, value) in body.members {
            guard let field = field(key), field.visibility == .public else { continue }
            out[key] = Self.publicValue(value, type: field.type)
        }
        return out
    }

    /// Members of an organisation or authority object that are public.
    static let organizationKeys: Set<String> = ["name", "uscc", "region"]
    /// A filed institution's public members; its legal representative shows by name only
    /// (法定代表人 is published with the registration), its 负责人 (`principal`) not at all.
    static let filedInstitutionKeys: Set<String> = ["name", "uscc", "region", "type", "address", "capacity"]

    static func publicValue(_ value: JSONValue, type: FieldSpec.FieldType) -> JSONValue {
        func only(_ keys: Set<String>, _ object: JSONObject) -> JSONObject {
            var out = JSONObject()
            for (key, member) in object.members where keys.contains(key) { out[key] = member }
            return out
        }
        switch (type, value) {
        case (.organization, .object(let o)), (.authority, .object(let o)):
            return .object(only(organizationKeys, o))
        case (.object("FiledInstitution"), .object(let o)):
            var out = only(filedInstitutionKeys, o)
            if let name = o["legalRepresentative"]?.objectValue?["name"] {
                out["legalRepresentative"] = .object(JSONObject([("name", name)]))
            }
            return .object(out)
        case (.object, _), (.objectList, _), (.organization, _), (.authority, _):
            // An object of a shape without a public projection is not published.
            return .null
        default:
            return value
        }
    }

    /// The body a sealed log entry keeps (docs/log-format.md "Sealed entries"): the public
    /// view, and of a penalty's or enforcement's party that is an organisation its category,
    /// name and code (an organisation is no natural person, and without them a record whose
    /// personal part was erased would no longer count for the institution). An individual
    /// business's code identifies the person who registered it: it stays out.
    /// Members keep the body's order.
    public func leafView(of body: JSONObject) -> JSONObject {
        var out = JSONObject()
        for (key, value) in body.members {
            switch leafMember(key, value) {
            case .dropped: continue
            case .kept: out[key] = value
            case .replaced(let replacement): out[key] = replacement
            }
        }
        return out
    }

    /// What the leaf view does with one member of a body.
    public enum LeafMember {
        case dropped
        case kept
        /// Published cut down (an organisation's public members) or as null (an object with
        /// no public projection); the replacement may still equal the member.
        case replaced(JSONValue)
    }

    /// The leaf view of one member (`leafView` member by member): the seal writes a record's
    /// body and its view in one pass over the members (issue 15).
    public func leafMember(_ key: String, _ value: JSONValue) -> LeafMember {
        if let party = value.objectValue, party["category"]?.stringValue == PartyCategory.organization.rawValue,
           subjects.contains(where: { $0.shape == .party && $0.key == key }) {
            var kept = JSONObject()
            for member in ["category", "name", "uscc"] { if let v = party[member] { kept[member] = v } }
            return .replaced(.object(kept))
        }
        guard let field = field(key), field.visibility == .public else { return .dropped }
        switch (field.type, value) {
        case (.object, _), (.objectList, _), (.organization, _), (.authority, _): return .replaced(Self.publicValue(value, type: field.type))
        default: return .kept
        }
    }
}

