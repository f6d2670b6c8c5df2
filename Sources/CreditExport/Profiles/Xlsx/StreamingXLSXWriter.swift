/// An Excel workbook (Office Open XML, SpreadsheetML) written by the export itself: each row
/// is formatted straight into the sheet's XML bytes and deflated on another core as the next
/// rows come, so memory stays flat and a million rows take seconds.
///
/// Hand-written for speed. libxlsxwriter (still selected by `"xlsxWriter": "libxlsxwriter"`)
/// formats every cell with `fprintf` into a temporary file, reads that back and deflates it
/// at zlib's default level on the same thread: 27 CPU-seconds for 1M records, twice what two
/// cores have for the 150,000 records/s the export must reach. This writer does the same
/// batch at about four times the rate (BENCHMARKS.md, "Export profiles at 1M"). The cells are the same: codes, ID
/// numbers and dates as inline strings (no scientific notation, no leading zero lost), amounts
/// as numbers, header row first; `XLSXWriterTests` reads both writers' workbooks back with
/// openpyxl and compares them cell by cell. A sheet that reaches Excel's row limit continues
/// in `<sheet>-2`, `-3`, ….
final class StreamingXLSXWriter: TableWriter {
    static let maxRows = XLSXTableWriter.maxRows
    /// A piece of sheet XML handed to the deflating queue at about this size.
    static let pieceSize = 1 << 20

    let fileName: String
    private let directory: String
    private let path: String
    private let sheet: String
    private let headers: [String]
    private let zip64Limit: Int
    /// Excel's row limit; tests lower it (and `zip64Limit`) to reach those paths quickly.
    private let maxRows: Int
    /// Column letters with the `r` attribute's opening, per column: `<c r="AB`.
    private var columnPrefixes: [[UInt8]] = []
    private var finishedSheets: [(name: String, spool: DeflateSpool)] = []
    private var spool: DeflateSpool
    private var xml = XMLBuffer(capacity: StreamingXLSXWriter.pieceSize + (64 << 10))
    private var sheetNumber = 1
    private var row = 0
    private(set) var rows = 0

    init(directory: String, fileName: String, sheet: String, headers: [String], maxRows: Int = StreamingXLSXWriter.maxRows,
         zip64Limit: Int = 0xFFFF_FFFF) throws {
        (self.fileName, self.directory, self.path, self.sheet, self.headers, self.maxRows, self.zip64Limit) =
            (fileName, directory, directory + "/" + fileName, sheet, headers, maxRows, zip64Limit)
        spool = try DeflateSpool(directory: directory)
        startSheet()
    }

    private var sheetName: String { sheetNumber == 1 ? sheet : "\(sheet.prefix(27))-\(sheetNumber)" }

    private func startSheet() {
        row = 0
        xml.append(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#)
        xml.append(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#)
        xml.append(#"<sheetViews><sheetView "#)
        if sheetNumber == 1 { xml.append(#"tabSelected="1" "#) }
        xml.append(#"workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>"#)
        // Its own buffer: a string-path row may be holding `encoded` when a sheet fills.
        var header = [UInt8]()
        Self.encode(headers.map(ProfileCell.text), into: &header)
        header.withUnsafeBufferPointer { putRow($0) }
    }

    /// A row from the string path (the full decoder, confirmations): encoded as the fast
    /// path's rows are, and written by the same code.
    func write(_ cells: [ProfileCell]) throws -> (sheet: String, row: Int) {
        Self.encode(cells, into: &encoded)
        return try encoded.withUnsafeBufferPointer { try write(encoded: $0) }
    }

    /// The fast path's row (`CellBytes`). An amount that is not a number is refused before
    /// anything of the row is written.
    func write(encoded: UnsafeBufferPointer<UInt8>) throws -> (sheet: String, row: Int) {
        try continueIfFull()
        var bad = false
        CellBytes.forEach(encoded) { type, bytes in
            if type == .number, Double(String(decoding: bytes, as: UTF8.self)) == nil { bad = true }
        }
        if bad { throw ExportError.state("\(fileName): an amount is not a number") }
        putRow(encoded)
        return try rowWritten()
    }

    /// One `<row>`: an empty cell is left out (the next cell's `r` says where it is). Written
    /// through `XMLBuffer`'s raw appends: this loop runs for every cell of a million rows.
    private func putRow(_ encoded: UnsafeBufferPointer<UInt8>) {
        startRow()
        number.withUnsafeBufferPointer { number in
            var i = 0
            CellBytes.forEach(encoded) { type, bytes in
                defer { i += 1 }
                if i >= columnPrefixes.count { columnPrefixes.append(Array(#"<c r=""#.utf8) + Self.columnLetters(i)) }
                switch type {
                case .empty: return
                case .text: putText(bytes, column: i, number: number)
                case .number: putNumber(bytes, column: i, number: number)
                }
            }
        }
        xml.append("</row>")
    }

    private static func encode(_ cells: [ProfileCell], into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for cell in cells {
            switch cell {
            case .empty: CellBytes.append(.empty, UnsafeBufferPointer(start: nil, count: 0), to: &out)
            case .text(var s): s.withUTF8 { CellBytes.append(.text, $0, to: &out) }
            case .number(var s): s.withUTF8 { CellBytes.append(.number, $0, to: &out) }
            }
        }
    }

    /// A sheet at Excel's row limit ends; the next row starts `<sheet>-N`.
    private func continueIfFull() throws {
        guard row == maxRows else { return }
        try endSheet()
        sheetNumber += 1
        spool = try DeflateSpool(directory: directory)
        startSheet()
    }

    private func rowWritten() throws -> (sheet: String, row: Int) {
        rows += 1
        if xml.count >= Self.pieceSize {
            try spool.add(xml.take())
        }
        return (sheetName, row)
    }

    private func startRow() {
        row += 1
        number.removeAll(keepingCapacity: true)
        number.put(decimal: UInt64(row))
        xml.append(#"<row r=""#)
        number.withUnsafeBufferPointer { xml.append($0) }
        xml.append(#"">"#)
    }

    private func putText(_ bytes: UnsafeBufferPointer<UInt8>, column: Int, number: UnsafeBufferPointer<UInt8>) {
        columnPrefixes[column].withUnsafeBufferPointer { xml.append($0) }
        xml.append(number)
        let preserve = bytes.first.map(Self.isXMLSpace) == true || bytes.last.map(Self.isXMLSpace) == true
        xml.append(preserve ? #"" t="inlineStr"><is><t xml:space="preserve">"# : #"" t="inlineStr"><is><t>"#)
        xml.appendEscaped(bytes)
        xml.append("</t></is></c>")
    }

    /// The record's decimal text (checked to be a number before the row starts): exact, as typed.
    private func putNumber(_ bytes: UnsafeBufferPointer<UInt8>, column: Int, number: UnsafeBufferPointer<UInt8>) {
        columnPrefixes[column].withUnsafeBufferPointer { xml.append($0) }
        xml.append(number)
        xml.append(#""><v>"#)
        xml.append(bytes)
        xml.append("</v></c>")
    }

    /// The current row's number in decimal (reused, so a row allocates nothing).
    private var number = [UInt8]()
    /// The string path's row as `CellBytes` (reused).
    private var encoded = [UInt8]()

    private func endSheet() throws {
        xml.append(#"</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#)
        try spool.finish(last: xml.take())
        finishedSheets.append((sheetName, spool))
    }

    func finish() throws -> Manifest.File {
        try endSheet()
        let writer = try HashingFileWriter(path: path)
        var zip = ZipArchiveWriter(writer: writer, zip64Limit: zip64Limit)
        let names = finishedSheets.map(\.name)
        for (part, bytes) in XLSXPackage.parts(sheets: names) { try zip.add(part, bytes) }
        for (i, s) in finishedSheets.enumerated() { try zip.add("xl/worksheets/sheet\(i + 1).xml", spool: s.spool) }
        try zip.close()
        finishedSheets.removeAll()
        let digest = try writer.finish()
        return Manifest.File(name: fileName, sha256: digest.hex, rows: rows, bytes: writer.bytesWritten)
    }

    // MARK: bytes

    static func isXMLSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// 0 → A, 25 → Z, 26 → AA, ….
    static func columnLetters(_ index: Int) -> [UInt8] {
        var letters = [UInt8](), n = index + 1
        while n > 0 { n -= 1; letters.append(UInt8(ascii: "A") + UInt8(n % 26)); n /= 26 }
        return letters.reversed()
    }
}

/// The package's parts around the sheets: content types, relationships, the workbook with
/// its sheet list, a one-style stylesheet and fixed document properties (dated 2000-01-01,
/// never the clock, as libxlsxwriter's are set).
enum XLSXPackage {
    static func parts(sheets: [String]) -> [(String, [UInt8])] {
        let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
        let ct = "application/vnd.openxmlformats-officedocument"
        var types = header + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        types += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#
        types += #"<Override PartName="/docProps/app.xml" ContentType="\#(ct).extended-properties+xml"/>"#
        types += #"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#
        types += #"<Override PartName="/xl/styles.xml" ContentType="\#(ct).spreadsheetml.styles+xml"/>"#
        types += #"<Override PartName="/xl/workbook.xml" ContentType="\#(ct).spreadsheetml.sheet.main+xml"/>"#
        for i in sheets.indices { types += #"<Override PartName="/xl/worksheets/sheet\#(i + 1).xml" ContentType="\#(ct).spreadsheetml.worksheet+xml"/>"# }
        types += "</Types>"

        let rootRels = header + #"<Relationships xmlns="\#(pkg)"><Relationship Id="rId1" Type="\#(rel)/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="\#(rel)/extended-properties" Target="docProps/app.xml"/></Relationships>"#

        var workbook = header + #"<workbook xmlns="\#(main)" xmlns:r="\#(rel)"><bookViews><workbookView/></bookViews><sheets>"#
        var workbookRels = header + #"<Relationships xmlns="\#(pkg)">"#
        for (i, name) in sheets.enumerated() {
            workbook += #"<sheet name="\#(attribute(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
            workbookRels += #"<Relationship Id="rId\#(i + 1)" Type="\#(rel)/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        }
        workbook += "</sheets></workbook>"
        workbookRels += #"<Relationship Id="rId\#(sheets.count + 1)" Type="\#(rel)/styles" Target="styles.xml"/></Relationships>"#

        let styles = header + #"<styleSheet xmlns="\#(main)"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#

        let core = header + #"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"#

        var app = header + #"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>CareLedger</Application>"#
        app += #"<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>\#(sheets.count)</vt:i4></vt:variant></vt:vector></HeadingPairs>"#
        app += #"<TitlesOfParts><vt:vector size="\#(sheets.count)" baseType="lpstr">"# + sheets.map { "<vt:lpstr>\(attribute($0))</vt:lpstr>" }.joined() + "</vt:vector></TitlesOfParts></Properties>"

        return [("[Content_Types].xml", types), ("_rels/.rels", rootRels), ("docProps/app.xml", app), ("docProps/core.xml", core),
                ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbookRels), ("xl/styles.xml", styles)]
            .map { ($0.0, Array($0.1.utf8)) }
    }

    /// A sheet name in an attribute or element (profiles may hold any text there).
    static func attribute(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
