/// A party's credit code and its category must agree: in GB 32100 a code starting `92`
/// (登记管理部门 9 工商, 机构类别 2) is a 个体工商户's, and provincial 双公示 intakes refuse
/// an upload whose category says otherwise (信用宝鸡's checks). So a `92…` code must come
/// with `individual_business`, and an individual business's code must start `92` (or be
/// the placeholder `00000000000000000X`, which carries `registrationNo`).
enum PartyCodeRule {
    static func errors(kind: RecordKind, body: JSONObject) -> [FieldError] {
        guard kind == .penalty || kind == .enforcement, let party = body["party"]?.objectValue,
              let category = party["category"]?.stringValue.flatMap(PartyCategory.init(rawValue:)),
              let uscc = party["uscc"]?.stringValue, USCC.validate(uscc) == nil else { return [] }
        switch category {
        case .organization where uscc.hasPrefix("92"):
            return [FieldError(pointer: "/body/party/uscc", code: "uscc_category",
                               message: "a credit code starting 92 is an individual business's: party.category must be individual_business")]
        case .individualBusiness where !uscc.hasPrefix("92") && !USCC.isPlaceholder(uscc):
            return [FieldError(pointer: "/body/party/uscc", code: "uscc_category",
                               message: "an individual business's credit code starts 92 (or is the placeholder 00000000000000000X)")]
        default:
            return []
        }
    }
}
