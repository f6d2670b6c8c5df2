/// The offence categories of the kind table: the closed list a judgment's or penalty's
/// `offenceCategory` takes, each with the Criminal Law articles it stands for and the law under
/// which it bars (docs/background-index.md "Statutory bars").
///
/// The mapping of 未成年人保护法 art. 62's "性侵害、虐待、拐卖、暴力伤害等" to Criminal Law
/// articles is an engineering reading, not a national text: only arts. 236 and 237 are named
/// by one (the 2020 准入查询意见 art. 4). It is data here so that a confirmed list changes one
/// row; change `offenceCategoryTableVersion` with it (the index stores categories, not
/// articles, so a change of articles needs no rebuild; a change of `bar` changes answers).
extension KindSpec {
    /// Version of the rows below; the kind-table JSON carries it.
    public static let offenceCategoryTableVersion = 1

    public static let offenceCategories: [OffenceCategorySpec] = [
        // 236 强奸; 236-1 负有照护职责人员性侵; 237 强制猥亵、侮辱, 猥亵儿童; 358 组织、强迫卖淫; 359 引诱幼女卖淫.
        OffenceCategorySpec(.sexualOffence, "性侵害", ["236", "236-1", "237", "358", "359"], .minorsProtection),
        // 260-1 虐待被监护、看护人 (单位犯罪 too); 260 虐待 (family members).
        OffenceCategorySpec(.abuse, "虐待", ["260-1", "260"], .minorsProtection),
        // 240 拐卖妇女、儿童 (偷盗婴幼儿); 241 收买被拐卖的妇女、儿童; 262 拐骗儿童.
        OffenceCategorySpec(.trafficking, "拐卖", ["240", "241", "262"], .minorsProtection),
        // 234 故意伤害; 232 故意杀人; 262-1 组织残疾人、儿童乞讨 (by 暴力、胁迫).
        OffenceCategorySpec(.violentInjury, "暴力伤害", ["234", "232", "262-1"], .minorsProtection),
        // 261 遗弃: listed by the draft 托育服务法 only, which is not law; recorded, not a bar.
        OffenceCategorySpec(.abandonment, "遗弃", ["261"], .noBar),
        // 学前教育法 art. 44's wider list: mostly 治安 violations, whose articles are not confirmed.
        OffenceCategorySpec(.sexualHarassment, "性骚扰", [], .preschoolEducation),
        OffenceCategorySpec(.drugUse, "吸毒", [], .preschoolEducation),
        OffenceCategorySpec(.gambling, "赌博", [], .preschoolEducation),
        OffenceCategorySpec(.other, "其他", [], .noBar),
    ]

    /// The row of `category`.
    public static func offence(_ category: OffenceCategory) -> OffenceCategorySpec {
        offenceCategories.first { $0.category == category }!
    }

    /// The table as JSON: `{"version", "categories": [{"category", "title", "criminalLawArticles", "bar"}]}`.
    public static var offenceCategoriesJSON: JSONValue {
        .object(JSONObject([
            ("version", .number(String(offenceCategoryTableVersion))),
            ("categories", .array(offenceCategories.map { spec in
                .object(JSONObject([
                    ("category", .string(spec.category.rawValue)), ("title", .string(spec.title)),
                    ("criminalLawArticles", .array(spec.criminalLawArticles.map(JSONValue.string))), ("bar", .string(spec.bar.rawValue)),
                ]))
            })),
        ]))
    }
}
