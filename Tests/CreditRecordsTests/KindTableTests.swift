import Foundation
import Testing
@testable import CreditRecords

/// The kind table agrees with the typed records, the validator and the JSON Schemas, and the
/// entry scanner reads what the table names from the stored bytes.
@Suite struct KindTableTests {
    /// The valid examples, validated: (file name, record).
    func examples() throws -> [(String, ValidatedRecord)] {
        let dir = Fixture.root.appendingPathComponent("schemas/examples/valid")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let document = try Fixture.load("schemas/examples/valid/\(name)")
            guard case .success(let record) = RecordValidator.validate(document, context: Fixture.context) else {
                Issue.record("\(name) does not validate")
                return nil
            }
            return (name, record)
        }
    }

    /// schemas/records was generated from this table: each kind's properties, in order, its
    /// required list and its enumerations.
    @Test func schemasListTheTablesMembers() throws {
        for spec in KindSpec.all {
            let schema = try #require(try Fixture.load("schemas/records/\(spec.kind.rawValue).schema.json").objectValue)
            let properties = try #require(schema["properties"]?.objectValue)
            #expect(properties.keys == spec.keys, "\(spec.kind): run `swift run -q kind-table | python3 tools/gen-record-schemas.py`")
            let required = try #require(schema["required"]?.arrayValue).compactMap(\.stringValue)
            #expect(required == spec.fields.filter(\.required).map(\.key), "\(spec.kind)")
            for field in spec.fields {
                guard case .enumeration(let values) = field.type else { continue }
                #expect(properties[field.key]?.objectValue?["enum"]?.arrayValue?.compactMap(\.stringValue) == values, "\(spec.kind).\(field.key)")
            }
        }
    }

    /// The table's document number and decision date are the typed record's, for every kind.
    @Test func documentNumberAndDecisionDateAreTheTypedRecords() throws {
        var kinds = Set<RecordKind>()
        for (name, valid) in try examples() {
            kinds.insert(valid.kind)
            #expect(RecordRegistry.documentNumber(kind: valid.kind, body: valid.body) == valid.record.documentNumber, "\(name)")
            #expect(RecordRegistry.decisionDate(kind: valid.kind, body: valid.body) == valid.record.decidedAt, "\(name)")
        }
        #expect(kinds == Set(RecordKind.allCases))
    }

    /// A member the table does not list is refused, naming the member.
    @Test func membersOutsideTheTableAreRefused() throws {
        let document = try Fixture.example("inspection-pass").setting("/body/followUp", .number("1"))
        #expect(Fixture.validate(document).map { "\($0.pointer) \($0.code)" } == ["/body unknown_field"])
    }

    /// The scanner finds every member of every stored example where the table says, with
    /// the text the decoder reads, and enumerations by their byte forms.
    @Test func theScannerReadsTheTablesMembersFromStoredBytes() throws {
        for (name, valid) in try examples() {
            let envelope = Envelope(kind: valid.kind, body: valid.body, submittedAt: "2026-11-22T08:00:00Z",
                                    submittedBy: Submitter(principal: "inspector", authority: valid.authority), clientSignature: nil)
            let bytes = try envelope.canonicalBytes()
            var tape: [EntryScanner.Value] = []
            let read: Bool? = bytes.withUnsafeBufferPointer { buffer in
                EntryScanner.read(buffer, tape: &tape) { s -> Bool? in
                    guard let kindValue = s.get(s.root, "kind"), let body = s.get(s.root, "body") else { return false }
                    #expect(RecordKind.byteTable.value(s.text(kindValue)) == valid.kind, "\(name)")
                    let spec = KindSpec.of(valid.kind)
                    var known = 0
                    for member in s.members(body) where spec.names.contains(where: { s.equals(member.key, $0) }) { known += 1 }
                    #expect(known == valid.body.count, "\(name)")
                    if let key = spec.documentNumber {
                        #expect(s.get(body, key).flatMap(s.string) == valid.record.documentNumber, "\(name)")
                    }
                    #expect(s.get(body, spec.decisionDate).flatMap(s.string).flatMap(LocalDate.init(iso:)) == valid.record.decidedAt, "\(name)")
                    for field in spec.fields {
                        guard case .enumeration(let values) = field.type, let value = s.get(body, field.name) else { continue }
                        #expect(s.string(value).map(values.contains) == true, "\(name).\(field.key)")
                    }
                    return true
                }
            }
            #expect(read == true, "\(name)")
        }
    }

    /// Not the canonical form (white space), or nesting deeper than records go: no scan.
    @Test func theScannerReadsOnlyCanonicalEntries() {
        var tape: [EntryScanner.Value] = []
        for text in [#"{"a": 1}"#, #"{"a":1} "#, #"[[[[[[[[[1]]]]]]]]]"#, #"{"a":"x"#, #"{"a":tru}"#] {
            let ok = Array(text.utf8).withUnsafeBufferPointer { EntryScanner.scan($0, tape: &tape) }
            #expect(!ok, "\(text)")
        }
        let ok = Array(#"{"a":[1,"b\n",null,true,{}]}"#.utf8).withUnsafeBufferPointer { EntryScanner.scan($0, tape: &tape) }
        #expect(ok && tape.count == 8)
    }
}
