import Foundation

/// The files of one batch under a target profile (docs/export.md "Profiles"): the upload
/// files hold only the template's columns; the bookkeeping (operation, source seq, the seq a
/// withdrawal refers to) goes to `bookkeeping.jsonl`, one line per written row naming its
/// file, sheet and row, so the exactly-once rules keep working and every row traces to its
/// record; withdrawals go to `<family>-withdrawals` (list channel) or, on a flag channel,
/// into the upload as a row with the withdraw flag. `profile.json` is the profile's own
/// bytes, so the batch says how it was made. All are in the signed manifest.
final class ProfileSink {
    let profile: ExportProfile
    private let uploads: [ExportFamily: [TableWriter]]
    private let withdrawals: [ExportFamily: TableWriter]
    private let sidecar: HashingFileWriter
    private let profileFile: HashingFileWriter
    private let stepHook: ExportStepHook?
    private var line = [UInt8]()
    /// In the order of `ExportProfile.dataFileNames`, so files are opened and synced in one order.
    private let ordered: [TableWriter]

    init(profile: ExportProfile, mapping: MappingOptions, directory: String, stepHook: ExportStepHook?) throws {
        (self.profile, self.stepHook) = (profile, stepHook)
        var uploads = [ExportFamily: [TableWriter]](), withdrawals = [ExportFamily: TableWriter](), ordered = [TableWriter]()
        func open(_ name: String, sheet: String, headers: [String], keys: [String]) throws -> TableWriter {
            stepHook?("open:\(name)")
            switch profile.format {
            case .xlsx where profile.xlsxWriter == .libxlsxwriter:
                return try XLSXTableWriter(directory: directory, fileName: name, sheet: sheet, headers: headers)
            case .xlsx: return try StreamingXLSXWriter(directory: directory, fileName: name, sheet: sheet, headers: headers)
            case .jsonl: return try JSONLinesTableWriter(directory: directory, fileName: name, keys: keys)
            case .csv, .csvJSONLines: return try CSVTableWriter(directory: directory, fileName: name, sheet: sheet, headers: headers)
            }
        }
        for family in mapping.families {
            uploads[family] = try (profile.families[family] ?? []).map { t in
                let headers = t.columns.map { c -> String in
                    if c.code == ProfileFiles.flagCode, case .flag(let header, _, _) = profile.withdrawals { return header }
                    return c.header
                }
                let writer = try open("\(t.file).\(profile.fileExtension)", sheet: t.sheet, headers: headers, keys: t.columns.map(\.code))
                ordered.append(writer)
                return writer
            }
            if profile.withdrawals == .list {
                let writer = try open("\(family.rawValue)-withdrawals.\(profile.fileExtension)",
                                      sheet: "\(family.chineseName)撤回", headers: WithdrawalList.headers, keys: WithdrawalList.headers)
                withdrawals[family] = writer
                ordered.append(writer)
            }
        }
        (self.uploads, self.withdrawals, self.ordered) = (uploads, withdrawals, ordered)
        stepHook?("open:\(ProfileFiles.bookkeeping)")
        sidecar = try HashingFileWriter(path: directory + "/" + ProfileFiles.bookkeeping)
        stepHook?("open:\(ProfileFiles.profile)")
        profileFile = try HashingFileWriter(path: directory + "/" + ProfileFiles.profile)
        try profileFile.write(profile.source)
    }

    /// A 新增 row (or, on a flag channel, a 撤回 row repeating the withdrawn one).
    func add(_ row: ProfiledRow, operation: ExportOperation, withdrawnBy: UInt64?) throws {
        let writer = uploads[row.family]![row.template]
        let at = try writer.write(row.cells)
        try note(writer.fileName, at, operation, row.sourceSeq, withdrawnBy)
    }

    /// A 新增 row from the fast path, its cells as `CellBytes`.
    func add(encoded: ArraySlice<UInt8>, family: ExportFamily, template: Int, sourceSeq: UInt64) throws {
        let writer = uploads[family]![template]
        let at = try encoded.withUnsafeBufferPointer { try writer.write(encoded: $0) }
        try note(writer.fileName, at, .add, sourceSeq, nil)
    }

    /// A line of the family's withdrawals list.
    func withdraw(_ family: ExportFamily, cells: [ProfileCell], sourceSeq: UInt64, withdrawnBy: UInt64) throws {
        let writer = withdrawals[family]!
        let at = try writer.write(cells)
        try note(writer.fileName, at, .withdraw, sourceSeq, withdrawnBy)
    }

    /// `{"file":…,"sheet":…,"row":` of the last file and sheet noted: a million lines share a
    /// handful, so each line is that prefix and a few numbers (this ran once per row on the
    /// ordered stage).
    private var prefixKey: (file: String, sheet: String) = ("", "")
    private var prefix = [UInt8]()

    private func note(_ file: String, _ at: (sheet: String, row: Int), _ operation: ExportOperation, _ seq: UInt64, _ by: UInt64?) throws {
        if prefix.isEmpty || prefixKey.file != file || prefixKey.sheet != at.sheet {
            prefixKey = (file, at.sheet)
            prefix.removeAll(keepingCapacity: true)
            prefix.append(contentsOf: "{\"file\":".utf8)
            JSONLinesEncoding.appendString(file, to: &prefix)
            prefix.append(contentsOf: ",\"sheet\":".utf8)
            JSONLinesEncoding.appendString(at.sheet, to: &prefix)
            prefix.append(contentsOf: ",\"row\":".utf8)
        }
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: prefix)
        line.put(decimal: UInt64(at.row))
        line.append(contentsOf: operation == .add ? Self.addOperation : Self.withdrawOperation)
        line.put(decimal: seq)
        if let by {
            line.append(contentsOf: ",\"withdrawnBy\":".utf8)
            line.put(decimal: by)
        }
        line.append(contentsOf: "}\n".utf8)
        try sidecar.write(line)
        sidecar.rows += 1
    }

    private static let addOperation = Array(#","operation":"新增","sourceSeq":"#.utf8)
    private static let withdrawOperation = Array(#","operation":"撤回","sourceSeq":"#.utf8)

    /// Closes and fsyncs every file; their manifest entries.
    func finish() throws -> [Manifest.File] {
        var files = [Manifest.File]()
        for writer in ordered {
            files.append(try writer.finish())
            stepHook?("synced:\(writer.fileName)")
        }
        for (name, writer) in [(ProfileFiles.bookkeeping, sidecar), (ProfileFiles.profile, profileFile)] {
            let digest = try writer.finish()
            stepHook?("synced:\(name)")
            files.append(Manifest.File(name: name, sha256: digest.hex, rows: name == ProfileFiles.profile ? 0 : writer.rows, bytes: writer.bytesWritten))
        }
        return files
    }
}
