import CreditRecords

// The Chinese names the export files use for the record model's enumerations. Penalty
// categories, ID types and party categories already carry theirs (CreditRecords); the rest
// have no national code list, so these are the terms the policy documents use.

extension InspectionType {
    var exportName: String {
        switch self {
        case .routine: return "日常检查"
        case .random: return "双随机抽查"
        case .joint: return "联合巡查"
        case .complaint: return "投诉举报检查"
        case .special: return "专项检查"
        }
    }
}

extension InspectionArea {
    var exportName: String {
        switch self {
        case .fireSafety: return "消防安全"
        case .foodSafety: return "食品安全"
        case .hygiene: return "卫生保健环境"
        case .securityVideo: return "安防监控"
        case .staffing: return "人员配备"
        case .facilities: return "场地设施"
        case .healthCare: return "卫生保健"
        case .careQuality: return "保育照护"
        case .records: return "档案管理"
        case .other: return "其他"
        }
    }
}

extension InspectionResult {
    var exportName: String {
        switch self {
        case .pass: return "合格"
        case .rectificationRequired: return "责令整改"
        case .fail: return "不合格"
        }
    }
}

extension Severity {
    var exportName: String {
        switch self {
        case .minor: return "一般"
        case .major: return "较重"
        case .critical: return "严重"
        }
    }
}

extension EnforcementMeasure {
    /// 行政强制法 art. 9 wording.
    var exportName: String {
        switch self {
        case .seal: return "查封场所、设施或者财物"
        case .seize: return "扣押财物"
        case .freeze: return "冻结存款、汇款"
        case .other: return "其他行政强制措施"
        }
    }
}

extension BanReason {
    var exportName: String {
        switch self {
        case .childAbuse: return "虐待婴幼儿"
        case .harmToInfant: return "伤害婴幼儿"
        case .sexualOffence: return "性侵害"
        case .seriousSafetyAccident: return "发生重大安全事故"
        case .foodSafetyAccident: return "发生食品安全事故"
        case .other: return "其他严重失信行为"
        }
    }
}

extension BanRole {
    var exportName: String {
        switch self {
        case .perpetrator: return "行为人"
        case .responsibleManager: return "直接管理人员"
        }
    }
}

extension BanScope {
    var exportName: String {
        switch self {
        case .lifetime: return "终身禁入"
        case .until: return "从业禁止"
        }
    }
}

extension RevocationReason {
    var exportName: String {
        switch self {
        case .overturnedOnReview: return "经行政复议撤销"
        case .overturnedInCourt: return "经行政诉讼撤销"
        case .dataError: return "信息有误更正"
        }
    }
}
