/// The kind table as JSON, for the tools outside Swift that need it: `swift run kind-table`
/// prints it, and `tools/gen-record-schemas.py` writes each kind's properties, required
/// list and enumerations from it. Shape: `{"kinds": [{"kind", "title", "documentNumber",
/// "decisionDate", "target", "subjects": [{"field", "shape", "role"}], "finding": {"reason",
/// "scope"}, "fields": [{"name", "required", "type": {"is", …}, "visibility"}]}], "offenceCategories": {"version",
/// "categories": [{"category", "title", "criminalLawArticles", "bar"}]}}`; absent parts are null.
extension KindSpec {
    public static var tableJSON: JSONValue {
        .object(JSONObject([("kinds", .array(all.map(\.json))), ("offenceCategories", offenceCategoriesJSON)]))
    }

    public var json: JSONValue {
        let finding: JSONValue = self.finding.map { f in
            .object(JSONObject([("reason", .string("\(f.reason)")), ("scope", f.scope.map { .string("\($0)") } ?? .null)]))
        } ?? .null
        return .object(JSONObject([
            ("kind", .string(kind.rawValue)),
            ("title", .string(title)),
            ("documentNumber", documentNumberKey.map(JSONValue.string) ?? .null),
            ("decisionDate", .string(decisionDateKey)),
            ("target", target.map { .string("\($0)") } ?? .null),
            ("subjects", .array(subjects.map { s in
                .object(JSONObject([("field", .string(s.key)), ("shape", .string(s.shape.rawValue)), ("role", .string(s.role.rawValue))]))
            })),
            ("finding", finding),
            ("fields", .array(fields.map { f in
                .object(JSONObject([("name", .string(f.key)), ("required", .bool(f.required)), ("type", f.type.json),
                                    ("visibility", .string(f.visibility.rawValue))]))
            })),
        ]))
    }
}

extension FieldSpec.FieldType {
    /// `{"is": name}` plus the type's parameters.
    public var json: JSONValue {
        func type(_ name: String, _ more: [(String, JSONValue)] = []) -> JSONValue { .object(JSONObject([("is", .string(name))] + more)) }
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        switch self {
        case .text(let n): return type("text", [("maxLength", .number(String(n)))])
        case .remarks: return type("remarks", [("maxLength", .number(String(FieldLimit.remarks)))])
        case .documentNumber: return type("documentNumber", [("maxLength", .number(String(FieldLimit.documentNumber)))])
        case .date: return type("date")
        case .dateOrNull: return type("dateOrNull")
        case .amount: return type("amount")
        case .integer(let minimum): return type("integer", [("minimum", .number(String(minimum)))])
        case .seq: return type("seq")
        case .seqList: return type("seqList")
        case .enumeration(let values): return type("enumeration", [("values", strings(values))])
        case .enumSet(let values): return type("enumSet", [("values", strings(values))])
        case .organization: return type("organization")
        case .authority: return type("authority")
        case .person: return type("person")
        case .party: return type("party")
        case .object(let name): return type("object", [("def", .string(name))])
        case .objectList(let name): return type("objectList", [("def", .string(name))])
        case .nameList: return type("nameList")
        case .token(let pattern, let n): return type("token", [("pattern", .string(pattern)), ("maxLength", .number(String(n)))])
        }
    }
}
