@testable import CreditExport
import Testing
import Foundation

@Suite struct CSVAndJSONLinesTests {
    func csv(_ fields: [String]) -> String {
        var out = [UInt8]()
        CSVEncoding.appendRecord(fields, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func rfc4180Quoting() {
        #expect(csv(["a", "b"]) == "a,b\r\n")
        #expect(csv(["罚款,警告"]) == "\"罚款,警告\"\r\n")
        #expect(csv(["他说\"停\""]) == "\"他说\"\"停\"\"\"\r\n")
        #expect(csv(["第一行\r\n第二行", "x\ny", "z\r"]) == "\"第一行\r\n第二行\",\"x\ny\",\"z\r\"\r\n")
        #expect(csv(["", ""]) == ",\r\n")
        #expect(csv(["没收违法所得、没收非法财物;罚款"]) == "没收违法所得、没收非法财物;罚款\r\n")
    }

    @Test func jsonStringsEscapeOnlyWhatTheyMust() {
        var out = [UInt8]()
        JSONLinesEncoding.appendString("张\"三\\\n\r\t\u{01}/", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"张\\\"三\\\\\\n\\r\\t\\u0001/\"")
    }

    @Test func jsonRowsKeyedByCodesWithSeqsAsNumbers() {
        var row = ExportRow(family: .sxmd, values: Array(repeating: "", count: Columns.sxmd.count), sourceSeq: 4)
        row.values[0] = "王丽"
        var out = [UInt8]()
        JSONLinesEncoding.appendRow(row, to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("{\"SX_MC\":\"王丽\",\"SX_ZJLX\":\"\""))
        #expect(text.hasSuffix("\"OPERATION\":\"新增\",\"SOURCE_SEQ\":4}\n"))
        row.operation = .withdraw
        row.withdrawnBy = 9
        out = []
        JSONLinesEncoding.appendRow(row, to: &out)
        #expect(String(decoding: out, as: UTF8.self).hasSuffix("\"OPERATION\":\"撤回\",\"SOURCE_SEQ\":4,\"WITHDRAWN_BY\":9}\n"))
    }

    @Test func marksKeepTwoBitsPerSeq() {
        var marks = SeqMarks()
        marks.grow(to: 10)
        marks[0] = .exported
        marks[5] = .rejected
        marks[9] = .withdrawn
        #expect(marks[0] == .exported && marks[1] == .none && marks[5] == .rejected && marks[9] == .withdrawn && marks[42] == .none)
        marks.grow(to: 13)
        #expect(marks[9] == .withdrawn && marks[12] == .none)
    }
}

@Suite struct CSVRecordCountTests {
    @Test func quotedLineBreaksAreNotRecords() {
        var out = CSVEncoding.byteOrderMark
        CSVEncoding.appendRecord(["h1", "h2"], to: &out)
        CSVEncoding.appendRecord(["a\r\nb", "他说\"停\"\r\n"], to: &out)
        CSVEncoding.appendRecord(["c", ""], to: &out)
        #expect(BatchVerifier.csvRecords(Data(out)) == 3)
    }
}
