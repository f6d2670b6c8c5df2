/// The Chinese labels of the record forms (docs/web.md "Wording"): one per member of the kind
/// table, and the words of each enumeration a form offers. A member without a label shows its
/// key, so a new field is visible (and its test fails) rather than silently missing.
enum WebRecordLabels {
    static let kinds = ["inspection", "penalty", "enforcement", "ban", "judgment", "annual_review", "revocation", "credit_repair"]

    static let field = [
        "institution": "机构", "inspectionNo": "检查编号", "inspectedAt": "检查日期", "type": "检查类型", "areas": "检查领域",
        "result": "结果", "findings": "发现的问题", "rectifyBy": "整改期限", "inspectors": "检查人员（用顿号分隔）",
        "dataSource": "数据来源单位", "remarks": "备注", "followUpOf": "复查的记录序号", "publicSummary": "公示摘要（不得含个人信息）",
        "party": "当事人", "decisionNo": "决定文书号", "violationType": "违法行为类型", "facts": "违法事实",
        "basis": "依据", "categories": "处罚类别", "content": "处罚内容", "fineAmount": "罚款金额（万元）",
        "confiscatedAmount": "没收金额（万元）", "license": "许可证件名称及编号", "decidedAt": "决定日期",
        "validUntil": "处罚有效期至", "publicUntil": "公示截止日期", "offenceCategory": "违法犯罪类别", "class": "违法情节",
        "procedure": "适用程序", "measure": "强制措施", "lifts": "解除的强制措施记录序号", "person": "当事人",
        "court": "人民法院", "caseNo": "案号", "offence": "罪名", "sentence": "刑罚", "practiceBanUntil": "从业禁止期限至",
        "role": "责任类型", "reason": "原因", "scope": "禁入期限", "until": "禁入截止日期", "managerOf": "对应的记录序号",
        "year": "年度", "reviewedAt": "审核日期", "notes": "备注", "target": "针对的记录序号", "conditions": "已满足的修复条件",
        "decidedBy": "修复决定方",
    ]

    /// A line of help under a member's label, where the label alone leaves a rule unsaid (the
    /// rules themselves are the validator's; docs/records.md states them in full).
    static let help = [
        "decisionNo": "决定书或文书编号，如“瓯卫罚〔2026〕12号”；本机关内不得重复。",
        "inspectionNo": "检查记录编号；本机关内不得重复。",
        "facts": "违法事实或事由，仅供监管部门和本人查阅，不公示。",
        "publicSummary": "对外公示的简要说明。不得写入姓名、身份证号、手机号等个人信息，否则不予保存。",
        "decidedAt": "作出决定的日期，不得晚于今天。",
        "validUntil": "处罚（如限制从业、暂扣许可证件）的执行期限届满日，不得早于决定日期。",
        "publicUntil": "公示截止日期；不填则按处罚的情节类别和程序确定公示期限。不得早于决定日期。",
        "fineAmount": "以万元为单位，如 0.2 表示 2000 元；处罚类别含罚款时必填。",
        "confiscatedAmount": "以万元为单位；处罚类别含没收时必填。",
        "license": "处罚类别含暂扣或吊销许可证件时必填。",
        "class": "违法情节轻重，决定公示期限的范围。",
        "procedure": "简易程序作出的处罚不向信用平台报送。",
        "rectifyBy": "结果为“需整改”或“不合格”时必填，不得早于检查日期；合格时不填。",
        "findings": "结果为合格时可不填。",
        "followUpOf": "本次检查是对哪条记录的复查（如整改复查），填该记录的序号。",
        "lifts": "解除查封、扣押等强制措施时，填原强制措施记录的序号。",
        "scope": "终身禁入，或禁入至指定日期。",
        "until": "禁入期限为“至指定日期”时必填，须晚于决定日期；终身禁入时不填。",
        "managerOf": "仅用于直接负责的主管人员：填其所对应的处罚或禁入记录序号。",
        "practiceBanUntil": "人民法院判决从业禁止的，填禁止期限届满日，须晚于判决日期。",
        "target": "要撤销、更正或修复的原记录序号。",
        "conditions": "本机关认定已满足的信用修复条件。",
        "decidedBy": "由“信用中国”等平台作出的修复，由本机关录入并在文书号中注明平台的决定。",
        "person": "当事人的姓名和身份证件，供用人单位查询时核对；不公示。",
    ]

    static let enumValues: [String: [String: String]] = [
        "type": WebLabels.inspectionType,
        "result": WebLabels.inspectionResult,
        "areas": ["fire_safety": "消防安全", "food_safety": "食品安全", "hygiene": "卫生保健环境", "security_video": "安防监控",
                  "staffing": "人员配备", "facilities": "设施设备", "health_care": "卫生保健", "care_quality": "照护质量",
                  "records": "档案管理", "other": "其他"],
        "severity": ["minor": "一般", "major": "较重", "critical": "严重"],
        "categories": WebLabels.penaltyCategory,
        "class": ["minor": "轻微", "general": "一般", "serious": "严重"],
        "procedure": ["summary": "简易程序", "ordinary": "普通程序"],
        "measure": ["seal": "查封", "seize": "扣押", "freeze": "冻结", "other": "其他"],
        "role": ["perpetrator": "直接责任人", "responsible_manager": "直接负责的主管人员"],
        "reason": WebLabels.banReason.merging(["overturned_on_review": "复议撤销", "overturned_in_court": "诉讼撤销", "data_error": "数据错误"]) { a, _ in a },
        "scope": ["lifetime": "终身", "until": "至指定日期"],
        "offenceCategory": ["sexual_offence": "性侵害", "abuse": "虐待", "trafficking": "拐卖", "violent_injury": "暴力伤害",
                            "abandonment": "遗弃", "sexual_harassment": "性骚扰", "drug_use": "吸毒", "gambling": "赌博", "other": "其他"],
        "category": ["organization": "法人或其他组织", "individual_business": "个体工商户", "person": "自然人"],
        "idType": WebLabels.idType,
        "decidedBy": ["authority": "本机关", "credit_platform": "信用平台（如“信用中国”）"],
    ]

    static func value(_ field: String, _ value: String) -> String { enumValues[field]?[value] ?? value }
}
