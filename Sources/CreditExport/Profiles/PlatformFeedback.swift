import CreditRecords
import DurableStorage
import Foundation

/// A platform's rejection file read back (`careledger export feedback`): each rejected row
/// (file and row number, as the platform reports them) is traced through the batch's
/// `bookkeeping.jsonl` to its record, and written as a rejects line (`{"seq","kind","code",
/// "reason"}`, code `platform:<the platform's code>`) in `<spool>/feedback/<batchId>.jsonl`,
/// beside the signed batch (which stays as it was pushed). The profile's `feedback` names the
/// columns. The platform's message is kept in the private spool and never printed: it may
/// quote the row.
public enum PlatformFeedback {
    public struct Result: Sendable, Equatable {
        public var matched = 0
        /// Rows the batch does not have (a wrong file or row number): counted, not guessed.
        public var unmatched = 0
        public var output: String
    }

    public static func apply(batchDirectory: String, rejectionFile: String) throws -> Result {
        guard let profileBytes = FileManager.default.contents(atPath: batchDirectory + "/" + ProfileFiles.profile) else {
            throw ExportError.configuration("\(batchDirectory) has no \(ProfileFiles.profile): only batches of a target profile can take platform feedback")
        }
        let profile = try ExportProfile(json: Array(profileBytes))
        guard let columns = profile.feedback else {
            throw ExportError.configuration("profile \(profile.name) has no feedback section naming the rejection file's columns")
        }
        guard let data = FileManager.default.contents(atPath: rejectionFile) else {
            throw ExportError.configuration("cannot read the rejection file \(rejectionFile)")
        }
        var records = CSVReading.records(Array(data))
        guard !records.isEmpty else { throw ExportError.configuration("the rejection file \(rejectionFile) is empty") }
        let header = records.removeFirst()
        func index(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw ExportError.configuration("the rejection file has no column \"\(name)\" (profile \(profile.name), /feedback)")
            }
            return i
        }
        let (fileColumn, rowColumn, codeColumn) = (try index(columns.fileColumn), try index(columns.rowColumn), try index(columns.codeColumn))
        let messageColumn = try columns.messageColumn.map(index)

        // file + row → the record the row is about, from the batch's sidecar.
        var trace = [String: (seq: UInt64, operation: String)]()
        let sidecar = FileManager.default.contents(atPath: batchDirectory + "/" + ProfileFiles.bookkeeping).map(Array.init) ?? []
        for line in sidecar.split(separator: 0x0A) {
            guard let object = (try? JSONParser.parse(Array(line)))?.objectValue,
                  let file = object["file"]?.stringValue, let row = object["row"]?.integerValue,
                  let seq = object["sourceSeq"]?.integerValue.flatMap(UInt64.init(exactly:)),
                  let operation = object["operation"]?.stringValue else {
                throw ExportError.invalidBatch("\(ProfileFiles.bookkeeping) has a line that is not a bookkeeping line")
            }
            trace["\(file)|\(row)"] = (seq, operation)
        }

        let batchId = URL(fileURLWithPath: batchDirectory).standardizedFileURL.lastPathComponent
        let spool = URL(fileURLWithPath: batchDirectory).standardizedFileURL.deletingLastPathComponent().path
        var out = [UInt8]()
        var result = Result(output: spool + "/feedback/" + batchId + ".jsonl")
        for record in records where record.count > max(fileColumn, rowColumn, codeColumn) {
            guard let row = Int(record[rowColumn].trimmingCharacters(in: .whitespaces)),
                  let traced = trace["\(record[fileColumn].trimmingCharacters(in: .whitespaces))|\(row)"] else {
                result.unmatched += 1
                continue
            }
            result.matched += 1
            out.append(contentsOf: "{\"seq\":\(traced.seq),\"kind\":\"\",\"code\":".utf8)
            JSONLinesEncoding.appendString("platform:" + record[codeColumn], to: &out)
            out.append(contentsOf: ",\"reason\":".utf8)
            let message = messageColumn.flatMap { $0 < record.count ? record[$0] : nil } ?? ""
            JSONLinesEncoding.appendString("\(traced.operation) row \(row) of \(record[fileColumn]) refused by the platform" + (message.isEmpty ? "" : ": " + message), to: &out)
            out.append(contentsOf: "}\n".utf8)
        }
        try ExportError.reportingStorage { try PrivateDirectory.create(spool + "/feedback") }
        _ = try DurableIO.writeNewFile(result.output, out)
        return result
    }
}

/// RFC 4180 records (UTF-8, an optional BOM, CRLF or LF) — enough for a platform's export.
enum CSVReading {
    static func records(_ bytes: [UInt8]) -> [[String]] {
        var body = bytes[...]
        if body.starts(with: CSVEncoding.byteOrderMark) { body = body.dropFirst(3) }
        var records = [[String]](), fields = [String](), field = [UInt8]()
        var quoted = false, i = body.startIndex
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field.removeAll() }
        while i < body.endIndex {
            let b = body[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if body.index(after: i) < body.endIndex, body[body.index(after: i)] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
                } else { field.append(b) }
            } else if b == UInt8(ascii: "\"") {
                quoted = true
            } else if b == UInt8(ascii: ",") {
                endField()
            } else if b == 0x0A {
                endField()
                records.append(fields)
                fields.removeAll()
            } else if b != 0x0D {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty { endField(); records.append(fields) }
        return records
    }
}
