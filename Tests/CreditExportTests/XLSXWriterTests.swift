@testable import CreditExport
import Foundation
import LedgerTestSupport
import Testing

/// The export's own xlsx writer against libxlsxwriter and against what the rows say, both
/// read back by an independent reader (openpyxl), plus the container's edge paths (a sheet
/// past the row limit, ZIP64 fields) read by Python's zipfile.
@Suite struct XLSXWriterTests {
    typealias Cell = ProfileTests.Cell

    static let headers = ["名称", "代码", "金额（万元）", "日期", "说明"]

    /// Rows that reach every branch of the cell writer: plain and escaped text, leading and
    /// trailing spaces, empty cells between and at the end, amounts, long text that spans
    /// several of the deflater's pieces.
    static func rows(count: Int) -> [[ProfileCell]] {
        (0..<count).map { i in
            let long = String(repeating: "托育机构违法事实描述", count: 40 + i % 7)
            switch i % 6 {
            case 0: return [.text("温州市瓯海区小星星托育有限公司\(i)"), .text("91330304MA2\(String(format: "%07d", i))"), .number("\(i).5"), .text("2026-03-0\(i % 9 + 1)"), .text(long)]
            case 1: return [.text("A & B <托育> \"园\""), .empty, .number("0.000001"), .empty, .text(long)]
            case 2: return [.text("  leading and trailing  "), .text("0012"), .empty, .text("2026-12-31")]
            case 3: return [.text("line\nbreak\ttab"), .text("1E5"), .number("12345678.123456"), .text("2099-12-31"), .empty]
            case 4: return [.empty, .empty, .number("100"), .empty, .text("only the last")]
            default: return [.text("\(i)"), .text("000000000000000000"), .empty, .empty, .empty]
            }
        }
    }

    static func expected(_ cells: [ProfileCell]) -> [Cell?] {
        var out: [Cell?] = cells.map { cell in
            switch cell {
            case .text(let s): return Cell(number: false, value: s)
            case .number(let s): return Cell(number: true, value: String(describing: Double(s)!))
            case .empty: return nil
            }
        }
        while let last = out.last, last == nil { out.removeLast() }
        return out
    }

    @Test func bothWritersReadBackAsTheRowsSay() async throws {
        let dir = TemporaryDirectory()
        let rows = Self.rows(count: 3_000)
        let ours = try StreamingXLSXWriter(directory: dir.base, fileName: "ours.xlsx", sheet: "行政处罚", headers: Self.headers)
        let library = try XLSXTableWriter(directory: dir.base, fileName: "library.xlsx", sheet: "行政处罚", headers: Self.headers)
        for (i, row) in rows.enumerated() {
            let at = try ours.write(row)
            #expect(at.sheet == "行政处罚" && at.row == i + 2)
            _ = try library.write(row)
        }
        let file = try ours.finish()
        _ = try library.finish()
        #expect(file.rows == rows.count)
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: dir.base + "/ours.xlsx"))
        #expect(file.bytes == onDisk.count)
        // More than one deflater piece went into the sheet.
        #expect(rows.reduce(0) { $0 + $1.count } * 100 > StreamingXLSXWriter.pieceSize)

        let read = try await ProfileTests.readBack([dir.base + "/ours.xlsx", dir.base + "/library.xlsx"])
        let mine = try #require(read["ours.xlsx"]), theirs = try #require(read["library.xlsx"])
        #expect(mine.map(\.name) == ["行政处罚"])
        #expect(mine[0].rows.first == Self.headers.map { Cell(number: false, value: $0) })
        #expect(mine[0].rows.count == rows.count + 1)
        for (i, row) in rows.enumerated() where i + 1 < mine[0].rows.count {
            #expect(mine[0].rows[i + 1] == Self.expected(row), "row \(i + 2)")
        }
        #expect(theirs.map(\.name) == mine.map(\.name))
        #expect(theirs[0].rows == mine[0].rows)
        // No temporary file is left beside the workbook.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.base).sorted() == ["library.xlsx", "ours.xlsx"])
    }

    @Test func aFullSheetContinuesOnTheNextWithTheRowsItSays() async throws {
        let dir = TemporaryDirectory()
        let rows = Self.rows(count: 11)
        let writer = try StreamingXLSXWriter(directory: dir.base, fileName: "t.xlsx", sheet: "行政处罚", headers: Self.headers, maxRows: 5)
        var places = [(sheet: String, row: Int)]()
        for row in rows { places.append(try writer.write(row)) }
        _ = try writer.finish()
        // Header plus four rows a sheet.
        #expect(places.map(\.sheet) == Array(repeating: "行政处罚", count: 4) + Array(repeating: "行政处罚-2", count: 4) + Array(repeating: "行政处罚-3", count: 3))
        #expect(places.map(\.row) == [2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4])
        let sheets = try #require(try await ProfileTests.readBack([dir.base + "/t.xlsx"])["t.xlsx"])
        #expect(sheets.map(\.name) == ["行政处罚", "行政处罚-2", "行政处罚-3"])
        for (i, place) in places.enumerated() {
            let sheet = try #require(sheets.first { $0.name == place.sheet })
            #expect(sheet.rows[0] == Self.headers.map { Cell(number: false, value: $0) })
            #expect(sheet.rows[place.row - 1] == Self.expected(rows[i]), "row \(i)")
        }
    }

    @Test func zip64FieldsAreReadByAnIndependentReader() async throws {
        let dir = TemporaryDirectory()
        let rows = Self.rows(count: 200)
        // Every size and offset past the limit: ZIP64 extra fields, record and locator.
        let big = try StreamingXLSXWriter(directory: dir.base, fileName: "zip64.xlsx", sheet: "S", headers: Self.headers, zip64Limit: 100)
        let small = try StreamingXLSXWriter(directory: dir.base, fileName: "zip32.xlsx", sheet: "S", headers: Self.headers)
        for row in rows { _ = try big.write(row); _ = try small.write(row) }
        _ = try big.finish()
        _ = try small.finish()
        let check = """
            import sys, zipfile
            for path in sys.argv[1:]:
                with zipfile.ZipFile(path) as z:
                    assert z.testzip() is None, path
                    names = [i.filename for i in z.infolist()]
                    zip64 = [i.filename for i in z.infolist() if i.extract_version >= 45]
                    print(path.rsplit('/', 1)[-1], len(names), len(zip64))
            """
        let run = try await ChildProcess.capture("/usr/bin/env", ["python3", "-c", check, dir.base + "/zip64.xlsx", dir.base + "/zip32.xlsx"])
        #expect(run.outcome == .exited(0), "\(String(decoding: run.stderr, as: UTF8.self))")
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n")
        // 7 package parts and one sheet: ZIP64 on every one past the limit, on none below it.
        #expect(lines == ["zip64.xlsx 8 8", "zip32.xlsx 8 0"])
        let read = try await ProfileTests.readBack([dir.base + "/zip64.xlsx", dir.base + "/zip32.xlsx"])
        #expect(read["zip64.xlsx"]?.first?.rows == read["zip32.xlsx"]?.first?.rows)
        #expect(read["zip64.xlsx"]?.first?.rows.count == rows.count + 1)
    }

    @Test func textIsEscapedAsExcelReadsIt() {
        func escaped(_ s: String) -> String {
            var buffer = XMLBuffer(capacity: 16)
            var text = s
            text.withUTF8 { buffer.appendEscaped($0) }
            let written = buffer.take()
            return withExtendedLifetime(written) { String(decoding: written.buffer, as: UTF8.self) }
        }
        #expect(escaped("托育 & <园>") == "托育 &amp; &lt;园&gt;")
        #expect(escaped("a\u{1}b\u{1F}") == "a_x0001_b_x001F_")
        #expect(escaped("tab\tline\ncr\r") == "tab\tline\ncr\r")
        // A literal escape-shaped text keeps its meaning; near misses are left alone.
        #expect(escaped("_x0041_") == "_x005F_x0041_")
        #expect(escaped("_x004_ _xZZZZ_ _x12345") == "_x004_ _xZZZZ_ _x12345")
        #expect(escaped("\u{FFFE}\u{FFFF}\u{FFFD}") == "_xFFFE__xFFFF_\u{FFFD}")
        #expect(StreamingXLSXWriter.columnLetters(0) == Array("A".utf8))
        #expect(StreamingXLSXWriter.columnLetters(25) == Array("Z".utf8))
        #expect(StreamingXLSXWriter.columnLetters(26) == Array("AA".utf8))
        #expect(StreamingXLSXWriter.columnLetters(29) == Array("AD".utf8))
        #expect(StreamingXLSXWriter.columnLetters(701) == Array("ZZ".utf8))
        #expect(StreamingXLSXWriter.columnLetters(702) == Array("AAA".utf8))
    }

    @Test func anAmountThatIsNotANumberIsRefusedNotWritten() throws {
        let dir = TemporaryDirectory()
        let writer = try StreamingXLSXWriter(directory: dir.base, fileName: "t.xlsx", sheet: "S", headers: Self.headers)
        #expect(throws: ExportError.self) { try writer.write([.text("a"), .empty, .number("12,5")]) }
        #expect(writer.rows == 0)
    }
}
