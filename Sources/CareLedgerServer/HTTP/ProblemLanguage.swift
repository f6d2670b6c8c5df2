import Foundation
import HTTPTypes
import Hummingbird

/// The one table of Chinese problem wording (docs/http.md "Problems in Chinese"), used by the
/// JSON API when the request asks for Chinese (`Accept-Language`) and by the web pages for a
/// field's message. Keyed by problem type (the slug) and by a field item's code; the types,
/// codes and pointers stay as they are in every language.
enum ProblemText {
    /// Title and detail per problem type. A detail may hold `{count}` (items in `errors`) and
    /// `{retry}` (Retry-After seconds). ProblemLanguageTests walks every slug the sources emit.
    static let types: [String: (title: String, detail: String)] = [
        "validation": ("请求内容未通过校验", "有 {count} 项未通过校验，详见 errors。"),
        "malformed-json": ("请求体不是有效的 JSON", "请求体不是有效的 JSON，请检查格式。"),
        "bad-query": ("查询参数有误", "有 {count} 个查询参数有误，详见 errors。"),
        "bad-request": ("请求有误", "请求无法处理，请检查后重试。"),
        "bad-path": ("路径参数有误", "路径中的参数格式不正确，详见 errors。"),
        "bad-tile-path": ("瓦片路径有误", "不是有效的日志瓦片路径。"),
        "unauthorized": ("需要身份认证", "此资源需要有效的访问令牌（Authorization: Bearer …）。"),
        "forbidden": ("无权操作", "当前账号无权执行此操作。"),
        "not-found": ("未找到", "没有找到所请求的资源。"),
        "method-not-allowed": ("不支持的请求方法", "该资源不支持此请求方法。"),
        "conflict": ("请求冲突", "请求与已有状态冲突。"),
        "too-large": ("请求体过大", "请求体超过了允许的大小。"),
        "rate-limited": ("请求过于频繁", "请求过于频繁，请 {retry} 秒后再试。"),
        "quota-exceeded": ("当日查询次数已用完", "本机构当日的查询次数已用完，请 {retry} 秒后（次日）再试。"),
        "unavailable": ("服务暂不可用", "服务暂时无法处理请求，请 {retry} 秒后重试。"),
        "internal": ("服务器内部错误", "服务器未能处理请求，错误已记录。"),
        "idempotency-key": ("Idempotency-Key 有误", "Idempotency-Key 应为 1 至 128 个可打印 ASCII 字符，且只能出现一次。"),
        "idempotency-key-reused": ("Idempotency-Key 已被使用", "此 Idempotency-Key 已用于内容不同的请求。"),
        "idempotency-key-in-flight": ("相同请求正在处理", "使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。"),
        "in-progress": ("相同请求正在处理", "相同的请求仍在处理中，请稍后重试。"),
        "institution-not-open": ("机构不在正常状态", "本机构已关停、被吊销许可或被查封，不能进行从业人员查询。"),
        "erasure-live-ban": ("禁止从业仍在有效期内", "此人的从业禁止仍然有效，或其终身禁入正待第二名检查人员确认；其法定依据长于删除请求，个人信息予以保留。"),
        "already-erased": ("已经删除", "所列记录的个人信息均已删除。"),
        "retention-not-ended": ("保存期限未届满", "部分记录的保存期限尚未届满，且未因数据错误被撤销，详见 errors。"),
        "erasure-withdrawal-not-exported": ("撤回尚未报送", "因数据错误被撤销的记录已报送至全国平台，其撤回尚未导出；请在下一次导出报送撤回后再删除，详见 errors。"),
        "objection-answered": ("异议已答复", "此异议已经答复，不能再次答复。"),
        "read-quota-exceeded": ("今日查阅次数已用完", "今日查阅含个人信息记录的次数已达上限，请明日再试。"),
    ]

    /// What a field item says, by its code (the API's English message for other codes).
    static let fields: [String: String] = [
        "required": "此项必填。",
        "enum": "请从列表中选择。",
        "type": "格式不正确。",
        "unknown_field": "此处含有格式未定义的字段（字段名不在此重复，请对照格式说明）。",
        "unknown_parameter": "不接受此参数。",
        "id_format": "证件号码格式不正确。",
        "id_checksum": "证件号码校验位不正确，请核对。",
        "id_region": "身份证号码的地区码不存在。",
        "id_birth_date": "身份证号码中的出生日期不正确。",
        "length": "长度不符合要求。",
        "control_character": "不能包含控制字符。",
        "reference_format": "编号只能包含字母、数字和 . _ / -，最长 64 个字符。",
        "uscc_format": "统一社会信用代码应为 18 位。",
        "uscc_checksum": "统一社会信用代码校验位不正确。",
        "region_format": "行政区划代码应为 6 位数字。",
        "personal_data_in_public_text": "此处不得填写身份证号、手机号等个人信息。",
        "not_a_number": "应为非负整数。",
        "malformed_json": "不是有效的 JSON。",
        "not_your_record": "请选择页面上列出的、关于您本人的记录。",
        "pattern": "格式不正确。",
        "format": "格式不正确。",
        "too_small": "小于允许的最小值。",
        "too_large": "超出允许的大小或数量。",
        "out_of_range": "超出允许的范围。",
        "beyond_tree": "超出日志当前的记录数。",
        "repeated": "此项只能出现一次。",
        "duplicate": "与已有内容重复。",
        "one_of": "只能填写其中一项。",
        "number": "数值无效。",
        "invalid": "记录内容无效。",
        "not_found": "未找到所指的对象。",
        "not_allowed": "此类账号不能设置此项。",
        "not_submittable": "此类记录不能通过此途径提交。",
        "region": "行政区划代码应为 6 位数字。",
        "region_province": "行政区划代码的前两位应为有效的省级代码。",
        "region_pattern": "行政区划代码的地市部分为 00 时，区县部分也应为 00。",
        "uscc_region": "统一社会信用代码第 3 至 8 位应为有效的行政区划代码。",
        "uscc_registrar": "统一社会信用代码的登记管理部门码与机构类别码不匹配。",
        "uscc_category": "以 92 开头的统一社会信用代码属于个体工商户，当事人类别须与之一致。",
        "public_key": "公钥应为 32 字节 Ed25519 公钥的标准 Base64 编码。",
        "signature_required": "终身禁入及其撤销须附录入人本人的数字签名（careledger sign）。",
        "self_confirmation": "须由同一机关的另一名执法人员确认，录入人本人不能确认。",
        "purpose_not_allowed": "当前账号不能以此目的查询或查阅。",
        "required_for_other_authority": "查阅其他机关的记录须填写案件编号。",
        "not_own_authority": "须与当前账号登记的机关一致（名称、统一社会信用代码、行政区划）。",
        "not_own_record": "只能处理本机关录入的记录。",
        "other_authority": "所指记录由其他机关录入。",
        "target_not_found": "日志中没有所指的记录。",
        "target_mismatch": "所指记录与路径中的序号不一致。",
        "barred": "此人被禁止从事婴幼儿照护工作，不能登记为机构负责人。",
        "retention_not_ended": "该记录的保存期限尚未届满，且未因数据错误被撤销。",
        "withdrawal_not_exported": "该记录仍在全国平台上，其撤回尚未导出。",
        "erasure_live_ban": "此人的从业禁止仍然有效或正待确认，个人信息予以保留。",
        "nothing_to_erase": "该记录没有可删除的个人信息。",
        "date": "日期应为真实的日期，格式为 年-月-日（YYYY-MM-DD）。",
        "future": "日期不得晚于今天（北京时间）。",
        "date_order": "日期先后顺序不正确，请与相关日期核对。",
        "empty": "不能为空或只有空格。",
        "max_length": "超出允许的长度。",
        "min_items": "至少需要填写一项。",
        "minimum": "小于允许的最小值。",
        "range": "超出允许的范围。",
        "unique": "不能重复填写同一项。",
        "amount": "金额应大于零（以万元为单位）。",
        "duplicate_document_number": "本机关已录入过此文书号。",
        "publication_limit": "公示截止日期超出了该类处罚允许的公示期限。",
        "uscc_placeholder": "不能使用占位的统一社会信用代码。",
        "signature_format": "签名格式不正确，应为 careledger sign 输出的签名。",
        "target_kind": "所指记录的类型不符。",
        "target_revoked": "所指记录已被撤销。",
        "already_revoked": "所指记录已经撤销过。",
        "already_repaired": "所指记录已经修复过。",
        "repair_not_available": "所指记录不适用信用修复。",
        "repair_of_ban": "从业禁止和终身禁入不适用信用修复。",
        "repair_too_early": "尚未届满最短公示期限，暂不能修复。",
        "repair_conditions": "请勾选本机关认定已满足的修复条件。",
    ]

    /// The detail of `slug` in Chinese, its placeholders filled.
    static func detail(_ slug: String, count: Int, retry: String?) -> String? {
        types[slug].map { $0.detail.replacingOccurrences(of: "{count}", with: String(count)).replacingOccurrences(of: "{retry}", with: retry ?? "1") }
    }
}

/// The languages problems are answered in.
enum ProblemLanguage: Equatable {
    case english
    case simplifiedChinese

    /// By `Accept-Language` (RFC 9110 §12.5.4): the highest-weighted of Simplified Chinese
    /// (`zh`, `zh-CN`, `zh-Hans…`, `zh-SG`) and English (`en…`, `*`); a tie goes to the one
    /// listed first, q=0 excludes, and nothing acceptable means English. Traditional Chinese
    /// tags (`zh-TW`, `zh-HK`, `zh-Hant…`) are not Simplified and fall back to English.
    static func from(acceptLanguage values: [String]) -> ProblemLanguage {
        var best: (language: ProblemLanguage, q: Double)?
        for value in values {
            for part in value.split(separator: ",") {
                let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
                var q = 1.0
                for parameter in pieces.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                    q = Double(parameter.dropFirst(2)) ?? 0
                }
                guard q > 0, q <= 1 else { continue }
                let language: ProblemLanguage?
                if tag == "zh" || tag == "zh-cn" || tag == "zh-sg" || tag.hasPrefix("zh-hans") || tag.hasPrefix("zh-cn-") {
                    language = .simplifiedChinese
                } else if tag == "en" || tag.hasPrefix("en-") || tag == "*" {
                    language = .english
                } else {
                    language = nil
                }
                if let language, best == nil || q > best!.q { best = (language, q) }
            }
        }
        return best?.language ?? .english
    }
}

extension Problem {
    /// The problem in `language`: for Chinese, the title and detail from `ProblemText` and each
    /// item's message by its code (type, status, codes and pointers unchanged).
    func localized(_ language: ProblemLanguage) -> Problem {
        guard language == .simplifiedChinese, let text = ProblemText.types[slug] else { return self }
        var copy = self
        copy.title = text.title
        copy.detail = ProblemText.detail(slug, count: errors.count, retry: headers[.retryAfter]) ?? detail
        copy.errors = errors.map { item in
            var item = item
            if let message = ProblemText.fields[item.code] { item.message = message }
            return item
        }
        copy.headers[.contentLanguage] = "zh-CN"
        return copy
    }
}
