// The nine record kinds (docs/records.md "Kinds"): their enumerations and shared readers here,
// each kind's value type in Kinds+<kind>.swift, and `Record` in Record.swift. Each is built from a body by reading every field with
// an ObjectReader, which reports each problem with its JSON pointer; a kind's value exists only
// when its body had no problem. Fields docs/records.md "Kinds" shows without "?" or "required
// when …" are required; the optional fields added for the national format are marked below.

public enum FilingAction: String, CaseIterable, Sendable, Codable { case filed, changed, deregistered }
public enum InstitutionType: String, CaseIterable, Sendable, Codable {
    case forProfit = "for_profit", nonProfit = "non_profit", publicInstitution = "public_institution"
}
public enum InspectionType: String, CaseIterable, Sendable, Codable { case routine, random, joint, complaint, special }
/// Inspected areas (docs/records.md "Kinds"). The first five are the original list; the rest cover the remaining items of the
/// childcare standards (设置标准/管理规范) an inspection may look at.
public enum InspectionArea: String, CaseIterable, Sendable, Codable {
    case fireSafety = "fire_safety", foodSafety = "food_safety", hygiene, securityVideo = "security_video", staffing
    case facilities, healthCare = "health_care", careQuality = "care_quality", records, other
}
public enum InspectionResult: String, CaseIterable, Sendable, Codable {
    case pass, rectificationRequired = "rectification_required", fail
}
public enum Severity: String, CaseIterable, Sendable, Codable { case minor, major, critical }
public enum PenaltyCategory: String, CaseIterable, Sendable, Codable {
    case warning, publicCriticism = "public_criticism", fine, confiscation
    case licenseSuspension = "license_suspension", qualificationDowngrade = "qualification_downgrade"
    case licenseRevocation = "license_revocation", businessRestriction = "business_restriction"
    case suspensionOfBusiness = "suspension_of_business", closure, practiceRestriction = "practice_restriction"
    case detention, other

    /// 处罚类别 as the national platform writes it (Administrative Penalty Law 2021, art. 9).
    public var nationalName: String {
        switch self {
        case .warning: return "警告"
        case .publicCriticism: return "通报批评"
        case .fine: return "罚款"
        case .confiscation: return "没收违法所得、没收非法财物"
        case .licenseSuspension: return "暂扣许可证件"
        case .qualificationDowngrade: return "降低资质等级"
        case .licenseRevocation: return "吊销许可证件"
        case .businessRestriction: return "限制开展生产经营活动"
        case .suspensionOfBusiness: return "责令停产停业"
        case .closure: return "责令关闭"
        case .practiceRestriction: return "限制从业"
        case .detention: return "行政拘留"
        case .other: return "其他"
        }
    }
}
public enum EnforcementMeasure: String, CaseIterable, Sendable, Codable { case seal, seize, freeze, other }
public enum BanRole: String, CaseIterable, Sendable, Codable { case perpetrator, responsibleManager = "responsible_manager" }
public enum BanReason: String, CaseIterable, Sendable, Codable {
    case childAbuse = "child_abuse", harmToInfant = "harm_to_infant", sexualOffence = "sexual_offence"
    case seriousSafetyAccident = "serious_safety_accident", foodSafetyAccident = "food_safety_accident", other
}
public enum BanScope: String, CaseIterable, Sendable, Codable { case lifetime, until }
public enum ReviewResult: String, CaseIterable, Sendable, Codable { case pass, fail }
public enum RevocationReason: String, CaseIterable, Sendable, Codable {
    case overturnedOnReview = "overturned_on_review", overturnedInCourt = "overturned_in_court", dataError = "data_error"
}

/// Reads optional free text that may be empty (remarks, notes).
func readRemarks(_ r: ObjectReader, _ key: String) -> (ok: Bool, value: String?) {
    let value = r.string(key, required: false, maxLength: FieldLimit.remarks, allowEmpty: true)
    return (value != nil || !r.has(key), value)
}

func readAuthority(_ r: ObjectReader) -> Authority? { r.object("authority").flatMap { Authority($0) } }
