/// The offence category of a judgment or penalty (optional `offenceCategory`): the closed list
/// the statutory employment bars are written in. Which categories bar, under which law, and
/// the Criminal Law articles each stands for are data in the kind table
/// (`KindSpec.offenceCategories`, docs/background-index.md "Statutory bars").
public enum OffenceCategory: String, CaseIterable, Sendable, Codable {
    /// 性侵害.
    case sexualOffence = "sexual_offence"
    /// 虐待.
    case abuse
    /// 拐卖 (拐卖、收买、拐骗).
    case trafficking
    /// 暴力伤害.
    case violentInjury = "violent_injury"
    /// 遗弃 (named only by the draft 托育服务法; not a bar under the law in force).
    case abandonment
    /// 性骚扰, 吸毒, 赌博: the wider list of the Preschool Education Law art. 44.
    case sexualHarassment = "sexual_harassment"
    case drugUse = "drug_use"
    case gambling
    /// Any other offence: never a statutory bar.
    case other

    /// 1 + its position in `allCases`, 0 for none: how the index stores it in a byte.
    @inlinable public static func code(_ category: OffenceCategory?) -> UInt8 {
        guard let category else { return 0 }
        return UInt8(allCases.firstIndex(of: category)! + 1)
    }

    @inlinable public static func category(code: UInt8) -> OffenceCategory? {
        let i = Int(code)
        return i >= 1 && i <= allCases.count ? allCases[i - 1] : nil
    }
}

extension OffenceCategory: ByteReadableEnum { public static let byteTable = EnumTable<OffenceCategory>() }

/// Which law makes a category a bar on work with infants.
public enum BarLaw: String, Sendable, Equatable {
    /// 未成年人保护法 art. 62 (no hiring, and dismissal, of anyone with a record of 性侵害、虐待、
    /// 拐卖、暴力伤害等违法犯罪), art. 130 (婴幼儿照护服务机构 are 密切接触未成年人的单位).
    case minorsProtection = "minors_protection"
    /// 学前教育法 art. 44 (kindergartens, 托班 included: also 性骚扰、吸毒、赌博); applied only
    /// when the service is configured for kindergarten 托班 (off by default).
    case preschoolEducation = "preschool_education"
    /// Not a statutory bar (the record still counts as a record).
    case noBar = "none"
}

/// One row of the category table.
public struct OffenceCategorySpec: Sendable {
    public let category: OffenceCategory
    /// The Chinese name (the schema's description).
    public let title: String
    /// Criminal Law (刑法) articles the category stands for, as `"260-1"` for 第二百六十条之一.
    public let criminalLawArticles: [String]
    public let bar: BarLaw

    init(_ category: OffenceCategory, _ title: String, _ articles: [String], _ bar: BarLaw) {
        (self.category, self.title, self.criminalLawArticles, self.bar) = (category, title, articles, bar)
    }

    /// The articles in Chinese citation form: `刑法第260条之一、第260条`; empty without articles.
    public var criminalLawCitation: String {
        guard !criminalLawArticles.isEmpty else { return "" }
        return "刑法" + criminalLawArticles.map { article in
            let parts = article.split(separator: "-")
            return "第\(parts[0])条" + (parts.count > 1 ? "之\(Self.chineseNumeral(parts[1]))" : "")
        }.joined(separator: "、")
    }

    private static func chineseNumeral(_ n: Substring) -> String {
        ["1": "一", "2": "二", "3": "三", "4": "四"][String(n)] ?? String(n)
    }
}
