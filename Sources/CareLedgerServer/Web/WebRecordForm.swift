import CreditRecords
import LedgerCore

/// A record form built from the kind table (docs/architecture.md: a field is one table row):
/// each member becomes inputs by its type, the posted fields become the record's body, and a
/// problem's JSON pointer (`/body/party/name`) finds its input (`party.name`). The authority
/// is never an input: it is the signed-in inspector's own (issue 17 part 4).
struct WebRecordForm {
    let spec: KindSpec
    /// The posted fields by input name (`party.legalRepresentative.idNumber`).
    var values: [String: String]
    /// Problems by input name, and those no input shows.
    var errors: [String: String] = [:]
    var otherErrors: [String] = []

    static let findingRows = 3
    static let idTypes = IdType.allCases.map(\.rawValue)

    /// The inputs of one member, for the template: a group with a label, its flag
    /// (`isText`, `isSelect`, …), and its inputs.
    func groups() -> [[String: Any]] {
        spec.fields.filter { $0.type != .authority }.map(group)
    }

    private func input(_ name: String, label: String, type: String = "text", long: Bool = false) -> [String: Any] {
        var out: [String: Any] = ["name": name, "label": label, "value": values[name] ?? "", "type": type, "id": Self.id(name)]
        if long { out["isTextarea"] = true } else { out["isInput"] = true }
        if let error = errors[name] { out["error"] = error }
        return out
    }

    private func select(_ name: String, label: String, options: [String], field: String, optional: Bool) -> [String: Any] {
        var choices: [[String: Any]] = optional ? [["value": "", "label": "（不填）", "selected": (values[name] ?? "").isEmpty]] : []
        choices += options.map { ["value": $0, "label": WebRecordLabels.value(field, $0), "selected": values[name] == $0] }
        var out: [String: Any] = ["name": name, "label": label, "isSelect": true, "options": choices, "id": Self.id(name)]
        if let error = errors[name] { out["error"] = error }
        return out
    }

    private func group(_ field: FieldSpec) -> [String: Any] {
        let key = field.key
        let label = WebRecordLabels.field[key] ?? key
        var inputs: [[String: Any]] = []
        switch field.type {
        case .text(let max):
            inputs = [input(key, label: label, long: max > 200)]
        case .remarks:
            inputs = [input(key, label: label, long: true)]
        case .date, .dateOrNull:
            inputs = [input(key, label: label, type: "date")]
        case .amount:
            inputs = [input(key, label: label, type: "text")]
        case .integer, .seq:
            inputs = [input(key, label: label, type: "number")]
        case .seqList:
            inputs = [input(key, label: "\(label)（用逗号分隔）")]
        case .enumeration(let options):
            inputs = [select(key, label: label, options: options, field: key, optional: !field.required)]
        case .enumSet(let options):
            let checks: [[String: Any]] = options.map { option in
                ["name": "\(key).\(option)", "label": WebRecordLabels.value(key, option), "checked": values["\(key).\(option)"] != nil,
                 "id": Self.id("\(key).\(option)")]
            }
            // No "error" key without an error: Mustache takes an empty string as true, and a fresh
            // form's group showed as invalid.
            var out: [String: Any] = ["label": label, "isChecks": true, "checks": checks, "required": field.required]
            if let error = errors[key] { out["error"] = error }
            if let help = WebRecordLabels.help[key] { out["help"] = help }
            return out
        case .organization:
            inputs = [input("\(key).name", label: "\(label)名称"), input("\(key).uscc", label: "统一社会信用代码"),
                      input("\(key).region", label: "行政区划代码（6 位）")]
        case .person:
            inputs = person(key, label: label)
        case .party:
            inputs = [select("\(key).category", label: "当事人类别", options: PartyCategory.allCases.map(\.rawValue), field: "category", optional: false),
                      input("\(key).name", label: "名称或姓名"), input("\(key).uscc", label: "统一社会信用代码（法人、个体工商户）")]
                + person("\(key).legalRepresentative", label: "法定代表人", named: true)
                + [select("\(key).idType", label: "证件类型（自然人）", options: Self.idTypes, field: "idType", optional: true),
                   input("\(key).idNumber", label: "证件号码（自然人）")]
        case .nameList:
            inputs = [input(key, label: label)]
        case .objectList:
            for row in 0..<Self.findingRows {
                inputs += [input("\(key).\(row).code", label: "问题 \(row + 1) 编号"), input("\(key).\(row).description", label: "问题 \(row + 1) 描述"),
                           select("\(key).\(row).severity", label: "问题 \(row + 1) 程度", options: Severity.allCases.map(\.rawValue), field: "severity", optional: true)]
            }
        case .object, .authority, .documentNumber, .token:
            inputs = [input(key, label: label)]
        }
        var out: [String: Any] = ["label": label, "isInputs": true, "inputs": inputs, "required": field.required]
        if let error = errors[key] { out["error"] = error }
        if let help = WebRecordLabels.help[key] { out["help"] = help }
        return out
    }

    private func person(_ key: String, label: String, named: Bool = false) -> [[String: Any]] {
        [input("\(key).name", label: "\(label)姓名"),
         select("\(key).idType", label: "\(label)证件类型", options: Self.idTypes, field: "idType", optional: named),
         input("\(key).idNumber", label: "\(label)证件号码")]
    }

    static func id(_ name: String) -> String { "f-" + name.replacingDots() }

    // MARK: posted fields → record body

    /// The body the fields describe, with the inspector's authority; empty inputs are left
    /// out, so the validator names what is missing.
    func body(authority: Organization?) -> JSONObject {
        var body = JSONObject()
        for field in spec.fields {
            let key = field.key
            switch field.type {
            case .authority:
                if let authority { body[key] = .object(Self.organization(name: authority.name, uscc: authority.uscc, region: authority.region)) }
            case .integer, .seq:
                if let text = value(key) { body[key] = Int(text).map { .number(String($0)) } ?? .string(text) }
            case .seqList:
                if let text = value(key) {
                    let items = text.split(whereSeparator: { "，,、 ".contains($0) })
                    body[key] = .array(items.map { item in Int(item).map { .number(String($0)) } ?? .string(String(item)) })
                }
            case .enumSet(let options):
                let chosen = options.filter { values["\(key).\($0)"] != nil }
                if !chosen.isEmpty { body[key] = .array(chosen.map(JSONValue.string)) }
            case .organization:
                if let object = objectOf(key, ["name", "uscc", "region"]) { body[key] = .object(object) }
            case .person:
                if let object = objectOf(key, ["name", "idType", "idNumber"]) { body[key] = .object(object) }
            case .party:
                body[key] = party(key)
            case .nameList:
                if let text = value(key) {
                    let names = text.split(whereSeparator: { "、，,;；".contains($0) }).map { String($0).trimmingWhiteSpace() }.filter { !$0.isEmpty }
                    body[key] = .array(names.map(JSONValue.string))
                }
            case .objectList:
                var rows: [JSONValue] = []
                for row in 0..<Self.findingRows {
                    if let object = objectOf("\(key).\(row)", ["code", "description", "severity"]) { rows.append(.object(object)) }
                }
                body[key] = .array(rows)
            default:
                if let text = value(key) { body[key] = .string(text) }
            }
        }
        return body
    }

    private func value(_ name: String) -> String? {
        guard let text = values[name]?.trimmingWhiteSpace(), !text.isEmpty else { return nil }
        return text
    }

    private func objectOf(_ prefix: String, _ keys: [String]) -> JSONObject? {
        var object = JSONObject()
        for key in keys { if let text = value("\(prefix).\(key)") { object[key] = .string(text) } }
        return object.members.isEmpty ? nil : object
    }

    private func party(_ key: String) -> JSONValue? {
        let category = value("\(key).category") ?? "organization"
        var object = JSONObject([("category", .string(category))])
        if let name = value("\(key).name") { object["name"] = .string(name) }
        if category == "person" {
            for member in ["idType", "idNumber"] { if let text = value("\(key).\(member)") { object[member] = .string(text) } }
        } else {
            if let uscc = value("\(key).uscc") { object["uscc"] = .string(uscc) }
            if let representative = objectOf("\(key).legalRepresentative", ["name", "idType", "idNumber"]) {
                object["legalRepresentative"] = .object(representative)
            }
        }
        return .object(object)
    }

    static func organization(name: String, uscc: String, region: String?) -> JSONObject {
        var object = JSONObject([("name", .string(name)), ("uscc", .string(uscc))])
        if let region { object["region"] = .string(region) }
        return object
    }

    // MARK: problems → inputs

    /// Places each problem at the input its pointer names (or the nearest group); the rest go
    /// to the top of the form.
    mutating func place(_ items: [Refusal.Item]) {
        for item in items {
            let message = WebLabels.problemCode[item.code] ?? item.message
            guard let pointer = item.pointer, pointer.hasPrefix("/body/") else {
                otherErrors.append(message)
                continue
            }
            let name = pointer.dropFirst("/body/".count).split(separator: "/").map(String.init).joined(separator: ".")
            if errors[name] == nil { errors[name] = message }
        }
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "-" : $0 }) }
}
