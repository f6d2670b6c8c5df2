// Fuzz target: record decoding and validation (JSONParser, CanonicalJSON, RecordValidator,
// Envelope.decode). Built with `-sanitize=fuzzer -Xswiftc -DFUZZING` by tools/fuzz; a plain
// build makes a replayer that runs the same checks on the files named on its command line.
import FuzzSupport
import CreditRecords

struct NoLookup: RecordLookup {
    /// Every seq below 1000 is an unrevoked penalty decided 2026-01-01, the convention of
    /// schemas/examples (so revocations and repairs of the examples can validate).
    func summary(of seq: UInt64) -> RecordSummary? {
        seq < 1000 ? RecordSummary(seq: seq, kind: .penalty, authority: "113303040025997855", decidedAt: LocalDate(year: 2026, month: 1, day: 1)) : nil
    }
    func isRecorded(documentNumber: String, authority: String) -> Bool { false }
}

let context = ValidationContext(today: LocalDate(year: 2026, month: 11, day: 22)!, lookup: NoLookup())

/// Equal as JSON values, numbers compared by the double they denote (canonical encoding
/// rewrites `1.0` as `1`; that is not a difference).
func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return Double(x) == Double(y)
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameValue)
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.members.allSatisfy { m in y[m.key].map { sameValue(m.value, $0) } ?? false }
    default: return a == b
    }
}

func fuzzOne(_ bytes: [UInt8]) {
    // 1. Parse → canonical → parse: the same value, and canonical encoding is a fixed point.
    if let value = try? JSONParser.parse(bytes) {
        if let canonical = try? CanonicalJSON.encode(value) {
            let again: JSONValue
            do { again = try JSONParser.parse(canonical) } catch { fatalError("canonical bytes do not parse: \(error)") }
            check(sameValue(value, again), "parse(canonical(v)) != v")
            let twice = try? CanonicalJSON.encode(again)
            check(twice == canonical, "canonical encoding is not idempotent")
        }

        // 2. A record that validates re-validates from its canonical bytes, to the same body.
        if case .success(let record) = RecordValidator.validate(value, context: context) {
            var stored = JSONObject([("kind", .string(record.kind.rawValue)), ("body", .object(record.body))])
            if let sig = record.clientSignature {
                stored["clientSignature"] = .object(JSONObject([("keyId", .string(sig.keyId)), ("sig", .string(sig.sig))]))
            }
            let canonical: [UInt8]
            do { canonical = try CanonicalJSON.encode(.object(stored)) } catch { fatalError("validated record does not encode: \(error)") }
            let reparsed: JSONValue
            do { reparsed = try JSONParser.parse(canonical) } catch { fatalError("validated record's canonical bytes do not parse: \(error)") }
            switch RecordValidator.validate(reparsed, context: context) {
            case .success(let again):
                check(again.kind == record.kind, "kind changed on re-validation")
                check(sameValue(.object(again.body), .object(record.body)), "normalised body changed on re-validation")
                check(again.authority == record.authority && again.target == record.target
                      && again.documentNumber == record.documentNumber, "derived fields changed on re-validation")
            case .failure(let failure):
                fatalError("validated record fails re-validation: \(failure.errors.map { "\($0.pointer) \($0.code)" })")
            }
        }
    }

    // 3. Envelope.decode → canonical bytes → decode gives the same envelope.
    if let envelope = try? Envelope.decode(bytes), let canonical = try? envelope.canonicalBytes() {
        let again: Envelope
        do { again = try Envelope.decode(canonical) } catch { fatalError("re-encoded envelope does not decode: \(error)") }
        check(again.kind == envelope.kind && again.submittedAt == envelope.submittedAt && again.submittedBy == envelope.submittedBy
              && again.clientSignature == envelope.clientSignature && sameValue(.object(again.body), .object(envelope.body)),
              "envelope changed on decode(canonical(e))")
        check((try? again.canonicalBytes()) == canonical, "envelope canonical bytes not stable")
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
enum Replay {
    static func main() { replayFiles("fuzz-record", fuzzOne) }
}
#endif
