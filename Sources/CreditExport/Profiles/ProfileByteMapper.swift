import CreditRecords

/// A profile's rules for one row (`ProfileMapper` calls it for the string path too): the
/// template, the no-end date, the representative's ID left out, the vocabularies, the
/// credit-code check. It works on the fast path's `ByteRow` and writes the template row's
/// cells into the slice's buffer instead of a `String` per field: at a million rows the
/// strings, their arrays and their release were a third of the xlsx export's CPU (perf,
/// BENCHMARKS.md "Export profiles at 1M").
///
/// A cell is encoded as one type byte (`CellBytes`), a 4-byte little-endian length and the
/// UTF-8 bytes.
enum ProfileByteMapper {
    enum Outcome {
        /// The cells are appended to the buffer; the row goes to this template.
        case row(template: Int)
        case excluded
        case reject(String)
    }

    static func map(_ row: ByteRow, summaryProcedure: Bool, profile: ExportProfile, into out: inout [UInt8]) -> Outcome {
        if profile.excludeSummaryProcedure, summaryProcedure { return .excluded }
        return row.storage.withUnsafeBufferPointer { storage -> Outcome in
            func value(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: storage[row.range(i)]) }
            let party: PartyCategory?
            switch row.family {
            case .xzcf: party = category(value(ProfileMapper.xzcfCategory))
            case .xzqz: party = category(value(ProfileMapper.xzqzCategory))
            case .xzjc: party = .organization
            default: party = nil
            }
            // The credit-code rule needs text only for its message, and only when it fails.
            if row.family == .xzcf || row.family == .xzqz {
                let uscc = value(row.family == .xzcf ? ProfileMapper.xzcfCode : ProfileMapper.xzqzCode)
                let is92 = uscc.count >= 2 && uscc[0] == UInt8(ascii: "9") && uscc[1] == UInt8(ascii: "2")
                if (party == .organization && is92) || (party == .individualBusiness && !is92 && !uscc.elementsEqual(placeholder)) {
                    let exportRow = ExportRow(family: row.family, values: row.strings(), sourceSeq: row.sourceSeq)
                    if let problem = ProfileMapper.creditCodeProblem(exportRow, party) { return .reject(problem) }
                }
            }
            guard let templates = profile.families[row.family], let plans = profile.plans[row.family],
                  let index = templates.firstIndex(where: { t in t.parties == nil || (party != nil && t.parties!.contains(party!)) }) else {
                return .reject("profile \(profile.name) has no template for this \(row.family.rawValue) row")
            }
            for column in plans[index] {
                switch column.source {
                case .flag:
                    guard case .flag(_, let add, _) = profile.withdrawals else {
                        CellBytes.append(.empty, UnsafeBufferPointer(start: nil, count: 0), to: &out)
                        continue
                    }
                    var flag = add
                    flag.withUTF8 { CellBytes.append(.text, $0, to: &out) }
                case .value(let i):
                    var bytes = value(i)
                    if column.cleared { bytes = UnsafeBufferPointer(start: nil, count: 0) }
                    if column.map != nil || (column.noEnd && bytes.isEmpty) {
                        // Vocabularies and the no-end date: a String for this one value.
                        var text = String(decoding: bytes, as: UTF8.self)
                        if column.noEnd, text.isEmpty { text = profile.noEndDate }
                        if let map = column.map { text = map.apply(text) }
                        text.withUTF8 { CellBytes.append($0.isEmpty ? .empty : column.number ? .number : .text, $0, to: &out) }
                    } else {
                        CellBytes.append(bytes.isEmpty ? .empty : column.number ? .number : .text, bytes, to: &out)
                    }
                }
            }
            return .row(template: index)
        }
    }

    private static let placeholder = Array("00000000000000000X".utf8)
    private static let categories = PartyCategory.allCases.map { ($0, Array($0.nationalName.utf8)) }

    private static func category(_ bytes: UnsafeBufferPointer<UInt8>) -> PartyCategory? {
        categories.first { $0.1.elementsEqual(bytes) }?.0
    }
}

/// The encoding of a profile row's cells in a slice's buffer (see `ProfileByteMapper`).
enum CellBytes: UInt8 {
    case empty = 0, text = 1, number = 2

    static func append(_ type: CellBytes, _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(type.rawValue)
        let n = UInt32(type == .empty ? 0 : bytes.count)
        out.append(UInt8(n & 0xFF)); out.append(UInt8((n >> 8) & 0xFF)); out.append(UInt8((n >> 16) & 0xFF)); out.append(UInt8(n >> 24))
        if n > 0 { out.append(contentsOf: bytes) }
    }

    /// Calls `body` with each cell's type and bytes.
    static func forEach(_ encoded: UnsafeBufferPointer<UInt8>, _ body: (CellBytes, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var i = 0
        while i < encoded.count {
            let type = CellBytes(rawValue: encoded[i])!
            let n = Int(encoded[i + 1]) | Int(encoded[i + 2]) << 8 | Int(encoded[i + 3]) << 16 | Int(encoded[i + 4]) << 24
            try body(type, UnsafeBufferPointer(rebasing: encoded[(i + 5)..<(i + 5 + n)]))
            i += 5 + n
        }
    }

    /// The cells as `ProfileCell`s (the writers without a byte path, and tests).
    static func cells(_ encoded: UnsafeBufferPointer<UInt8>) -> [ProfileCell] {
        var cells = [ProfileCell]()
        forEach(encoded) { type, bytes in
            switch type {
            case .empty: cells.append(.empty)
            case .text: cells.append(.text(String(decoding: bytes, as: UTF8.self)))
            case .number: cells.append(.number(String(decoding: bytes, as: UTF8.self)))
            }
        }
        return cells
    }
}
