@testable import CreditExport
import CreditRecords
import Testing

@Suite struct MappingTests {
    func row(_ example: String, seq: UInt64 = 7) -> ExportRow {
        guard case .row(let row) = RecordMapper.map(ExportFixtures.record(ExportFixtures.example(example)), seq: seq) else {
            Issue.record("\(example) did not map to a row")
            return ExportRow(family: .xzcf, values: Array(repeating: "", count: 30), sourceSeq: 0)
        }
        return row
    }

    @Test func xzcfHasTheThirtyNationalFieldsInOrder() {
        #expect(Columns.xzcf.count == 30)
        #expect(Columns.xzcf.first?.header == "行政相对人名称")
        #expect(Columns.xzcf[19].header == "罚款金额（万元）" && Columns.xzcf[19].code == "CF_NR_FK")
        #expect(Columns.xzcf.last?.code == "BZ")
        #expect(ExportFamily.xzcf.allColumns.suffix(3).map(\.header) == ["操作类型", "来源序号", "撤回依据序号"])
        #expect(Columns.sxmd.map(\.code) == ["SX_MC", "SX_ZJLX", "SX_ZJHM", "SX_LRYY", "SX_LRRQ", "SX_LRWH", "SX_LRJG", "SX_LRJGDM",
                                            "SX_YXQ", "SX_YCYY", "SX_YCRQ", "SX_YCWH", "SX_YCJG", "SX_ZT", "BZ"])
    }

    @Test func penaltyOfAnOrganization() {
        let r = row("penalty-organization")
        #expect(r.family == .xzcf)
        #expect(r["CF_XDR_LB"] == "法人及非法人组织")
        #expect(r["CF_XDR_SHXYM"]?.count == 18)
        #expect(r["CF_FRDB"]?.isEmpty == false)
        #expect(r["CF_FR_ZJLX"] == "身份证")
        #expect(r["CF_XDR_ZJLX"] == "" && r["CF_XDR_ZJHM"] == "")
        #expect(r["CF_CFLB"]?.contains(";") == true || r["CF_CFLB"]?.isEmpty == false)
        #expect(r["CF_JDRQ"]?.count == 10)
        #expect(r["OPERATION"] == "新增" && r["SOURCE_SEQ"] == "7" && r["WITHDRAWN_BY"] == "")
    }

    @Test func penaltyOfANaturalPerson() {
        let r = row("penalty-person")
        #expect(r["CF_XDR_LB"] == "自然人")
        #expect(r["CF_XDR_ZJLX"] == "身份证")
        #expect(r["CF_XDR_ZJHM"]?.isEmpty == false)
        #expect(r["CF_XDR_SHXYM"] == "" && r["CF_FRDB"] == "" && r["CF_FR_ZJHM"] == "")
        let foreign = row("penalty-foreign-person")
        #expect(foreign["CF_XDR_LB"] == "自然人")
        #expect(foreign["CF_XDR_ZJLX"] != "身份证" && foreign["CF_XDR_ZJLX"]?.isEmpty == false)
    }

    @Test func penaltyOfAnIndividualBusinessWithThePlaceholder() {
        let r = row("penalty-individual-business")
        #expect(r["CF_XDR_LB"] == "个体工商户")
        #expect(r["CF_XDR_SHXYM"] == "00000000000000000X")
        #expect(r["CF_XDR_GSZC"] == "330304600123456")
        #expect(r["CF_CFLB"] == "没收违法所得、没收非法财物;罚款")
        #expect(r["CF_NR_FK"] == "5" && r["CF_NR_WFFF"] == "0.12")
        #expect(r["CF_JDRQ"] == "2026-07-02" && r["CF_GSJZQ"] == "2027-07-02")
        #expect(r["CF_CFJGDM"] == "11330304MB1C247898" && r["CF_SJLYDM"] == "11330304MB1C247898")
    }

    @Test func bansAreListEntriesWithNoEndAs2099() {
        let lifetime = row("ban-lifetime")
        #expect(lifetime.family == .sxmd)
        #expect(lifetime["SX_YXQ"] == "2099-12-31")
        #expect(lifetime["SX_ZT"] == "列入")
        #expect(lifetime["SX_ZJLX"] == "身份证" && lifetime["SX_ZJHM"]?.isEmpty == false)
        #expect(lifetime["SX_YCRQ"] == "")
        let until = row("ban-until-manager")
        #expect(until["SX_YXQ"] != "2099-12-31" && until["SX_YXQ"]?.count == 10)
        #expect(until["SX_LRYY"]?.contains("直接管理人员") == true)
    }

    @Test func aRevokedBanIsItsRemoval() {
        let entry = row("ban-lifetime", seq: 3)
        let removal = RecordMapper.withdrawRow(of: entry, by: Withdrawal(decisionNo: "瓯卫撤〔2026〕1号", decidedAt: LocalDate(iso: "2026-09-01")!,
                                                                           authority: Authority(name: "温州市瓯海区卫生健康局", uscc: "113303040025997855", region: "330304"),
                                                                           reason: "信息有误更正"), seq: 9)
        #expect(removal["SX_ZT"] == "移出" && removal["SX_YCRQ"] == "2026-09-01" && removal["SX_YCWH"] == "瓯卫撤〔2026〕1号")
        #expect(removal["SX_YCJG"] == "温州市瓯海区卫生健康局" && removal["SX_YCYY"] == "信息有误更正")
        #expect(removal["OPERATION"] == "撤回" && removal["SOURCE_SEQ"] == "3" && removal["WITHDRAWN_BY"] == "9")
        #expect(removal["SX_MC"] == entry["SX_MC"])
    }

    @Test func inspectionsAndEnforcement() {
        let pass = row("inspection-pass")
        #expect(pass.family == .xzjc && pass["JC_JG"] == "合格" && pass["JC_ZGQX"] == "")
        #expect(pass["JC_XDR_LB"] == "法人及非法人组织")
        let rectify = row("inspection-rectification")
        #expect(rectify["JC_JG"] == "责令整改" && rectify["JC_ZGQX"]?.count == 10 && rectify["JC_NR"]?.isEmpty == false)
        let seal = row("enforcement-seal")
        #expect(seal.family == .xzqz && seal["QZ_CSLB"] == "查封场所、设施或者财物")
        #expect(seal["QZ_NR"] == "查封厨房及过期食品原料" && seal["QZ_XDR_LB"] == "法人及非法人组织" && seal["QZ_FRDB"] == "王丽")
    }

    @Test func judgmentsFilingsAndReviewsAreNotExported() {
        for name in ["judgment-practice-ban", "institution_filing-filed", "annual_review-fail"] {
            #expect(RecordMapper.map(ExportFixtures.record(ExportFixtures.example(name)), seq: 1) == .notExported)
        }
    }

    @Test func requiredFieldsAndLengthsRejectWithoutValues() {
        var r = row("penalty-person")
        r.values[Columns.xzcf.firstIndex { $0.code == "CF_WSH" }!] = " "
        r.values[Columns.xzcf.firstIndex { $0.code == "BZ" }!] = String(repeating: "长", count: 513)
        let problem = RequiredFields.problem(in: r, record: ExportFixtures.record(ExportFixtures.example("penalty-person")))
        #expect(problem?.contains("CF_WSH") == true && problem?.contains("BZ") == true)
        #expect(problem.map { p in ExportFixtures.idNumbers.allSatisfy { !p.contains($0) } } == true)
        var person = row("penalty-person")
        person.values[Columns.xzcf.firstIndex { $0.code == "CF_XDR_ZJHM" }!] = ""
        #expect(RequiredFields.problem(in: person, record: ExportFixtures.record(ExportFixtures.example("penalty-person")))?.contains("CF_XDR_ZJHM") == true)
    }
}
