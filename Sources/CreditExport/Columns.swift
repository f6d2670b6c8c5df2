/// The column tables. `xzcf` is the 30-field 行政处罚 layout of
/// reference/national-credit-format.md, in its order, with its headers and lengths; `sxmd`
/// uses the codes docs/records.md "Export details" fixes; `xzjc` and `xzqz` have no national standard, so their
/// codes are ours (schemas/export/README.md), built the way the provincial data-element
/// standards build them: party, document no., date, type, result or measure, content,
/// authority and data source, each with its USCC.
public enum Columns {
    public static let xzcf: [Column] = [
        Column("CF_XDR_MC", "行政相对人名称", 200, required: true),
        Column("CF_XDR_LB", "行政相对人类别", required: true),
        Column("CF_XDR_SHXYM", "行政相对人代码_1(统一社会信用代码)", 18),
        Column("CF_XDR_GSZC", "行政相对人代码_2(工商注册号)", 50),
        Column("CF_XDR_ZZJG", "行政相对人代码_3(组织机构代码)", 9),
        Column("CF_XDR_SWDJ", "行政相对人代码_4(税务登记号)", 15),
        Column("CF_XDR_SYDW", "行政相对人代码_5(事业单位证书号)", 12),
        Column("CF_XDR_SHZZ", "行政相对人代码_6(社会组织登记证号)", 50),
        Column("CF_FRDB", "法定代表人", 50),
        Column("CF_FR_ZJLX", "法定代表人证件类型", 64),
        Column("CF_FR_ZJHM", "法定代表人证件号码", 64),
        Column("CF_XDR_ZJLX", "证件类型", 64),
        Column("CF_XDR_ZJHM", "证件号码", 64),
        Column("CF_WSH", "行政处罚决定书文号", 128, required: true),
        Column("CF_WFXW", "违法行为类型", 2000, required: true),
        Column("CF_SY", "违法事实", 2000, required: true),
        Column("CF_YJ", "处罚依据", 2048, required: true),
        Column("CF_CFLB", "处罚类别", 255, required: true),
        Column("CF_NR", "处罚内容", 4000, required: true),
        Column("CF_NR_FK", "罚款金额（万元）"),
        Column("CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）"),
        Column("CF_NR_ZKDX", "暂扣或吊销证照名称及编号", 200),
        Column("CF_JDRQ", "处罚决定日期", required: true),
        Column("CF_YXQ", "处罚有效期"),
        Column("CF_GSJZQ", "公示截止期"),
        Column("CF_CFJG", "处罚机关", 200, required: true),
        Column("CF_CFJGDM", "处罚机关统一社会信用代码", 18, required: true),
        Column("CF_SJLY", "数据来源单位", 200, required: true),
        Column("CF_SJLYDM", "数据来源单位统一社会信用代码", 18, required: true),
        Column("BZ", "备注", 512),
    ]

    public static let sxmd: [Column] = [
        Column("SX_MC", "名称", 200, required: true),
        Column("SX_ZJLX", "证件类型", 64, required: true),
        Column("SX_ZJHM", "证件号码", 64, required: true),
        Column("SX_LRYY", "列入原因", 2000, required: true),
        Column("SX_LRRQ", "列入决定日期", required: true),
        Column("SX_LRWH", "列入决定书文号", 128, required: true),
        Column("SX_LRJG", "列入机关名称", 200, required: true),
        Column("SX_LRJGDM", "列入机关统一社会信用代码", 18, required: true),
        Column("SX_YXQ", "有效期至", required: true),
        Column("SX_YCYY", "移出原因", 2000),
        Column("SX_YCRQ", "移出决定日期"),
        Column("SX_YCWH", "移出决定书文号", 128),
        Column("SX_YCJG", "移出机关", 200),
        Column("SX_ZT", "状态", required: true),
        Column("BZ", "备注", 512),
    ]

    public static let xzjc: [Column] = [
        Column("JC_XDR_MC", "行政相对人名称", 200, required: true),
        Column("JC_XDR_LB", "行政相对人类别", required: true),
        Column("JC_XDR_SHXYM", "行政相对人代码_1(统一社会信用代码)", 18, required: true),
        Column("JC_WSH", "检查文书号", 128, required: true),
        Column("JC_LX", "检查类型", 64, required: true),
        Column("JC_SX", "检查事项", 255, required: true),
        Column("JC_RQ", "检查日期", required: true),
        Column("JC_JG", "检查结果", 64, required: true),
        Column("JC_NR", "检查发现问题", 4000),
        Column("JC_ZGQX", "整改期限"),
        Column("JC_JCRY", "检查人员", 255),
        Column("JC_JCJG", "检查机关", 200, required: true),
        Column("JC_JCJGDM", "检查机关统一社会信用代码", 18, required: true),
        Column("JC_SJLY", "数据来源单位", 200, required: true),
        Column("JC_SJLYDM", "数据来源单位统一社会信用代码", 18, required: true),
        Column("BZ", "备注", 512),
    ]

    public static let xzqz: [Column] = [
        Column("QZ_XDR_MC", "行政相对人名称", 200, required: true),
        Column("QZ_XDR_LB", "行政相对人类别", required: true),
        Column("QZ_XDR_SHXYM", "行政相对人代码_1(统一社会信用代码)", 18),
        Column("QZ_XDR_GSZC", "行政相对人代码_2(工商注册号)", 50),
        Column("QZ_FRDB", "法定代表人", 50),
        Column("QZ_FR_ZJLX", "法定代表人证件类型", 64),
        Column("QZ_FR_ZJHM", "法定代表人证件号码", 64),
        Column("QZ_XDR_ZJLX", "证件类型", 64),
        Column("QZ_XDR_ZJHM", "证件号码", 64),
        Column("QZ_WSH", "行政强制决定书文号", 128, required: true),
        Column("QZ_CSLB", "强制措施类别", 64, required: true),
        Column("QZ_SY", "强制事由", 2000, required: true),
        Column("QZ_YJ", "强制依据", 2048, required: true),
        Column("QZ_NR", "强制内容", 4000, required: true),
        Column("QZ_JDRQ", "强制决定日期", required: true),
        Column("QZ_SSJG", "实施机关", 200, required: true),
        Column("QZ_SSJGDM", "实施机关统一社会信用代码", 18, required: true),
        Column("QZ_SJLY", "数据来源单位", 200, required: true),
        Column("QZ_SJLYDM", "数据来源单位统一社会信用代码", 18, required: true),
        Column("BZ", "备注", 512),
    ]

    /// Every row of every family ends with these (docs/records.md "Export batch layout"; schemas/export/README.md "Bookkeeping columns"). WITHDRAWN_BY
    /// is empty on 新增 rows.
    public static let bookkeeping: [Column] = [
        Column("OPERATION", "操作类型", required: true),
        Column("SOURCE_SEQ", "来源序号", required: true),
        Column("WITHDRAWN_BY", "撤回依据序号"),
    ]
}
