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
    public func leafView(of body: JSONObject) -> JSONObject {
        var out = publicView(of: body)
        for subject in subjects where subject.shape == .party {
            guard let party = body[subject.key]?.objectValue,
                  party["category"]?.stringValue == PartyCategory.organization.rawValue else { continue }
            var kept = JSONObject()
            for key in ["category", "name", "uscc"] { if let value = party[key] { kept[key] = value } }
            out[subject.key] = .object(kept)
        }
        return out
    }
}

