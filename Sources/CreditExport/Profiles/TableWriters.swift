import CXlsxWriter
import Foundation
import Glibc
import LedgerCrypto

/// One upload or withdrawals file of a profile batch: a header row, then rows of cells.
protocol TableWriter: AnyObject {
    var fileName: String { get }
    /// Writes a row; returns its sheet and row number there (header = 1), for the sidecar.
    func write(_ cells: [ProfileCell]) throws -> (sheet: String, row: Int)
    /// Writes a row given as `CellBytes` (the fast path's profile rows).
    func write(encoded: UnsafeBufferPointer<UInt8>) throws -> (sheet: String, row: Int)
    /// Closes, fsyncs and hashes the file.
    func finish() throws -> Manifest.File
}

extension TableWriter {
    func write(encoded: UnsafeBufferPointer<UInt8>) throws -> (sheet: String, row: Int) {
        try write(CellBytes.cells(encoded))
    }
}

/// UTF-8 with BOM, CRLF, RFC 4180 quoting (as the csv-2.0 files), through the batch's
/// hashing, fsyncing writer.
final class CSVTableWriter: TableWriter {
    let fileName: String
    private let sheet: String
    private let writer: HashingFileWriter
    private var line = [UInt8]()

    init(directory: String, fileName: String, sheet: String, headers: [String]) throws {
        (self.fileName, self.sheet) = (fileName, sheet)
        writer = try HashingFileWriter(path: directory + "/" + fileName)
        try writer.append { out in
            out.append(contentsOf: CSVEncoding.byteOrderMark)
            CSVEncoding.appendRecord(headers, to: &out)
        }
    }

    func write(_ cells: [ProfileCell]) throws -> (sheet: String, row: Int) {
        line.removeAll(keepingCapacity: true)
        CSVEncoding.appendRecord(cells.map { cell -> String in
            switch cell {
            case .text(let s), .number(let s): return s
            case .empty: return ""
            }
        }, to: &line)
        try writer.write(line)
        writer.rows += 1
        return (sheet, writer.rows + 1)
    }

    func finish() throws -> Manifest.File {
        let digest = try writer.finish()
        return Manifest.File(name: fileName, sha256: digest.hex, rows: writer.rows, bytes: writer.bytesWritten)
    }
}

/// JSON Lines for a JSON intake: one object per row, keys in template order, text as
/// strings, amounts as JSON numbers (the record's decimal text, already a JSON number),
/// empty fields `null`. No header line; `row` in the sidecar is the line number.
final class JSONLinesTableWriter: TableWriter {
    let fileName: String
    private let keys: [String]
    private let writer: HashingFileWriter
    private var line = [UInt8]()

    init(directory: String, fileName: String, keys: [String]) throws {
        (self.fileName, self.keys) = (fileName, keys)
        writer = try HashingFileWriter(path: directory + "/" + fileName)
    }

    func write(_ cells: [ProfileCell]) throws -> (sheet: String, row: Int) {
        line.removeAll(keepingCapacity: true)
        line.append(UInt8(ascii: "{"))
        for (i, cell) in cells.enumerated() {
            if i > 0 { line.append(UInt8(ascii: ",")) }
            JSONLinesEncoding.appendString(keys[i], to: &line)
            line.append(UInt8(ascii: ":"))
            switch cell {
            case .text(let s): JSONLinesEncoding.appendString(s, to: &line)
            case .number(let s): line.append(contentsOf: s.utf8)
            case .empty: line.append(contentsOf: "null".utf8)
            }
        }
        line.append(contentsOf: "}\n".utf8)
        try writer.write(line)
        writer.rows += 1
        return ("", writer.rows)
    }

    func finish() throws -> Manifest.File {
        let digest = try writer.finish()
        return Manifest.File(name: fileName, sha256: digest.hex, rows: writer.rows, bytes: writer.bytesWritten)
    }
}

/// An Excel workbook through libxlsxwriter in constant-memory mode (each row goes to a
/// temporary file as the next one starts, so a million rows do not sit in memory). Codes,
/// ID numbers and dates are string cells (no scientific notation, no leading zero lost);
/// amounts are number cells. The creation time is fixed, so a range always gives the same
/// bytes. A sheet that reaches Excel's row limit continues in `<sheet>-2`, `-3`, ….
final class XLSXTableWriter: TableWriter {
    static let maxRows = 1_048_576
    /// 2000-01-01T00:00:00Z: docProps/core.xml's date, never the clock.
    static let fixedCreated: time_t = 946_684_800

    let fileName: String
    private let path: String
    private let sheet: String
    private let headers: [String]
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private let tmpdir: UnsafeMutablePointer<CChar>?
    private var worksheet: UnsafeMutablePointer<lxw_worksheet>?
    private var sheetNumber = 1
    private var row: lxw_row_t = 0
    private(set) var rows = 0

    init(directory: String, fileName: String, sheet: String, headers: [String]) throws {
        (self.fileName, self.path, self.sheet, self.headers) = (fileName, directory + "/" + fileName, sheet, headers)
        // The workbook's temporary files go in the private batch directory, not /tmp.
        tmpdir = strdup(directory)
        var options = lxw_workbook_options(constant_memory: UInt8(LXW_TRUE.rawValue), tmpdir: tmpdir, use_zip64: UInt8(LXW_TRUE.rawValue))
        workbook = workbook_new_opt(path, &options)
        guard let workbook else { throw ExportError.io("workbook_new_opt", path: path, errno: errno) }
        var properties = lxw_doc_properties()
        properties.created = Self.fixedCreated
        workbook_set_properties(workbook, &properties)
        try startSheet()
    }

    private func startSheet() throws {
        let name = sheetName
        worksheet = workbook_add_worksheet(workbook, name)
        guard worksheet != nil else { throw ExportError.state("\(fileName): cannot add the sheet \(name)") }
        row = 0
        try put(headers.map(ProfileCell.text))
    }

    private var sheetName: String { sheetNumber == 1 ? sheet : "\(sheet.prefix(27))-\(sheetNumber)" }

    func write(_ cells: [ProfileCell]) throws -> (sheet: String, row: Int) {
        if row == lxw_row_t(Self.maxRows) {
            sheetNumber += 1
            try startSheet()
        }
        try put(cells)
        rows += 1
        return (sheetName, Int(row))
    }

    private func put(_ cells: [ProfileCell]) throws {
        for (i, cell) in cells.enumerated() {
            let column = lxw_col_t(i)
            let result: lxw_error
            switch cell {
            case .text(let s): result = worksheet_write_string(worksheet, row, column, s, nil)
            case .number(let s):
                // An amount is the record's decimal text (at most 6 decimals): exact as a double to Excel's 15 digits.
                guard let n = Double(s) else { throw ExportError.state("\(fileName): \(s.count)-character amount is not a number") }
                result = worksheet_write_number(worksheet, row, column, n, nil)
            case .empty: continue
            }
            guard result == LXW_NO_ERROR else {
                throw ExportError.state("\(fileName): libxlsxwriter refused a cell in column \(i + 1): \(String(cString: lxw_strerror(result)))")
            }
        }
        row += 1
    }

    func finish() throws -> Manifest.File {
        let result = workbook_close(workbook)
        workbook = nil
        guard result == LXW_NO_ERROR else { throw ExportError.state("\(fileName): \(String(cString: lxw_strerror(result)))") }
        // libxlsxwriter writes the zip itself: hash and fsync what it wrote.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ExportError.io("open", path: path, errno: errno) }
        defer { close(fd) }
        let hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var bytes = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw ExportError.io("read", path: path, errno: errno) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            bytes += n
        }
        guard fsync(fd) == 0 else { throw ExportError.io("fsync", path: path, errno: errno) }
        return Manifest.File(name: fileName, sha256: hasher.finalize().hex, rows: rows, bytes: bytes)
    }

    deinit {
        if let workbook { workbook_close(workbook) }
        free(tmpdir)
    }
}
