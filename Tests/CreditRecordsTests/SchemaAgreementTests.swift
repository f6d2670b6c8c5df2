import Foundation
import LedgerTestSupport
import Testing
@testable import CreditRecords

/// Every example in schemas/examples passes or fails both the Swift validator and the JSON
/// Schema (run by python3 + jsonschema through tools/schema_check.py) on the same pointer.
@Suite struct SchemaAgreementTests {
    struct SchemaResult {
        let valid: Bool
        let pointers: [String]
    }

    /// Runs tools/schema_check.py over `files`; fails the test with a clear message when
    /// python3 or the jsonschema package is missing.
    func runSchemaCheck(_ files: [String]) async throws -> [String: SchemaResult]? {
        let run: (outcome: ChildOutcome, stdout: [UInt8], stderr: [UInt8])
        do {
            run = try await ChildProcess.capture("/usr/bin/env", ["python3", Fixture.root.appendingPathComponent("tools/schema_check.py").path,
                                                            Fixture.root.appendingPathComponent("schemas/records").path] + files)
        } catch {
            Issue.record("cannot run python3 for the JSON Schema side of this test (install python3 and `pip install jsonschema`): \(error)")
            return nil
        }
        let output = run.stdout
        let errorText = String(decoding: run.stderr, as: UTF8.self)
        guard run.outcome == .exited(0) else {
            Issue.record("python3 tools/schema_check.py failed (\(run.outcome)); it needs python3 with the jsonschema and referencing packages (`pip install jsonschema`): \(errorText)")
            return nil
        }
        guard let object = try JSONParser.parse(Array(output), maxDepth: 64).objectValue else { return nil }
        var results: [String: SchemaResult] = [:]
        for (file, value) in object.members {
            let entry = value.objectValue!
            let pointers = entry["errors"]!.arrayValue!.map { $0.objectValue!["pointer"]!.stringValue! }
            results[file] = SchemaResult(valid: entry["valid"]!.boolValue!, pointers: pointers)
        }
        return results
    }

    func files(_ dir: String, _ filter: (String) -> Bool) throws -> [String] {
        let url = Fixture.root.appendingPathComponent(dir)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter(filter).sorted().map { url.appendingPathComponent($0).path }
    }

    @Test func validExamplesPassBoth() async throws {
        let paths = try files("schemas/examples/valid") { $0.hasSuffix(".json") }
        #expect(paths.count >= RecordKind.allCases.count)
        guard let schema = try await runSchemaCheck(paths) else { return }
        for path in paths {
            let document = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(Fixture.validate(document) == [], "Swift validator refuses \(path)")
            #expect(schema[path]?.valid == true, "JSON Schema refuses \(path): \(schema[path]?.pointers ?? [])")
        }
    }

    @Test func invalidExamplesFailBothOnTheExpectedPointer() async throws {
        let paths = try files("schemas/examples/invalid") { $0.hasSuffix(".json") && !$0.hasSuffix(".expect.json") }
        #expect(paths.count >= 40)
        guard let schema = try await runSchemaCheck(paths) else { return }
        var schemaDetected = 0
        for path in paths {
            let expectPath = String(path.dropLast(".json".count)) + ".expect.json"
            let expect = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: expectPath)))).objectValue!
            let pointer = expect["pointer"]!.stringValue!, code = expect["code"]!.stringValue!
            let detects = expect["schemaDetects"]?.boolValue ?? true
            let document = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            let errors = Fixture.validate(document)
            // Each invalid example breaks exactly one rule.
            #expect(errors.map { "\($0.pointer) \($0.code)" } == ["\(pointer) \(code)"], "\(path)")
            guard let result = schema[path] else { Issue.record("no schema result for \(path)"); continue }
            if detects {
                schemaDetected += 1
                let schemaPointer = expect["schemaPointer"]?.stringValue ?? pointer
                #expect(!result.valid && result.pointers.contains(schemaPointer),
                        "JSON Schema should fail \(path) at \(schemaPointer), got \(result.pointers)")
            } else {
                #expect(result.valid, "\(path) is marked schemaDetects: false but the schema fails it at \(result.pointers)")
            }
        }
        #expect(schemaDetected >= 40)
    }

    @Test func everySchemaForbidsAdditionalProperties() throws {
        // Every object schema with properties closes them (additionalProperties or unevaluatedProperties).
        func check(_ value: JSONValue, _ where_: String) {
            switch value {
            case .object(let o):
                if o["properties"] != nil && o["type"] == "object" {
                    #expect(o["additionalProperties"] == .bool(false) || o["unevaluatedProperties"] == .bool(false), "\(where_)")
                }
                for (k, v) in o.members { check(v, where_ + "/" + k) }
            case .array(let a):
                for (i, v) in a.enumerated() { check(v, where_ + "/\(i)") }
            default: break
            }
        }
        for path in try files("schemas/records", { $0.hasSuffix(".schema.json") }) {
            check(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), maxDepth: 64), path)
        }
        #expect(try files("schemas/records") { $0.hasSuffix(".schema.json") }.count == RecordKind.allCases.count + 2)
    }
}
