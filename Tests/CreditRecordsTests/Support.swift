import Foundation
@testable import CreditRecords

/// A fake log for cross-record rules.
struct FakeLookup: RecordLookup {
    var summaries: [UInt64: RecordSummary] = [:]
    var numbers: Set<String> = []
    /// When set, every seq below it is an unrevoked penalty decided on this date (the
    /// convention of schemas/examples).
    var everyPenaltyBelow: (UInt64, LocalDate)? = nil

    func summary(of seq: UInt64) -> RecordSummary? {
        if let s = summaries[seq] { return s }
        if let (limit, date) = everyPenaltyBelow, seq < limit {
            // Except seq 8, an enforcement measure: the seal the enforcement-lift example lifts.
            return RecordSummary(seq: seq, kind: seq == 8 ? .enforcement : .penalty, authority: "113303040025997855", decidedAt: date)
        }
        return nil
    }

    func isRecorded(documentNumber: String, authority: String) -> Bool { numbers.contains(authority + "|" + documentNumber) }
}

enum Fixture {
    static let today = LocalDate(year: 2026, month: 11, day: 22)!
    static let context = ValidationContext(today: today, lookup: FakeLookup(everyPenaltyBelow: (1000, LocalDate(year: 2026, month: 1, day: 1)!)))

    /// The repository root, from this file's path (no Bundle.module).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load(_ relative: String) throws -> JSONValue {
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        return try JSONParser.parse(Array(data))
    }

    static func example(_ name: String) throws -> JSONValue { try load("schemas/examples/valid/\(name).json") }

    static func validate(_ document: JSONValue, context: ValidationContext = context) -> [FieldError] {
        switch RecordValidator.validate(document, context: context) {
        case .success: return []
        case .failure(let failure): return failure.errors
        }
    }
}

extension JSONValue {
    /// A copy with the member at `pointer` set (or removed when `value` is nil).
    func setting(_ pointer: String, _ value: JSONValue?) -> JSONValue {
        let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        return set(tokens[...], value)
    }

    private func set(_ tokens: ArraySlice<String>, _ value: JSONValue?) -> JSONValue {
        guard let key = tokens.first else { return value ?? .null }
        switch self {
        case .object(var o):
            if tokens.count == 1 { o[key] = value } else { o[key] = (o[key] ?? .object(JSONObject())).set(tokens.dropFirst(), value) }
            return .object(o)
        case .array(var a):
            let i = Int(key)!
            if tokens.count == 1 { if let value { a[i] = value } else { a.remove(at: i) } } else { a[i] = a[i].set(tokens.dropFirst(), value) }
            return .array(a)
        default:
            return self
        }
    }
}
