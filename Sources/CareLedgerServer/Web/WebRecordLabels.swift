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
