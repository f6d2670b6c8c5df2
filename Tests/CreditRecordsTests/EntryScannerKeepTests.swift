import Testing
@testable import CreditRecords

/// The keep-list scan (what the index's rebuild uses): only the members asked for are on the
/// tape, and what it skips must still be canonical JSON.
@Suite struct EntryScannerKeepTests {
    let keep = EntryScanner.KeepList(["body", "uscc", "a_member_longer_than_sixteen"] as [String])

    func scan(_ text: String, _ tape: inout [EntryScanner.Value]) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { EntryScanner.scan($0, tape: &tape, keep: keep) }
    }

    @Test func onlyKeptMembersAreLaidOut() throws {
        var tape: [EntryScanner.Value] = []
        let text = #"{"body":{"facts":"长文本","party":{"uscc":"x"},"uscc":"91330304MA2HXXXX1A"},"kind":"penalty","a_member_longer_than_sixteen":1}"#
        #expect(scan(text, &tape))
        let bytes = Array(text.utf8)
        let found = bytes.withUnsafeBufferPointer { buffer in
            tape.withUnsafeBufferPointer { t -> (Bool, Bool, String?, Bool, Bool) in
                let s = EntryScanner(bytes: buffer, tape: t)
                let body = s.get(s.root, "body")
                return (body != nil, s.get(s.root, "kind") == nil, body.flatMap { s.get($0, "uscc") }.flatMap(s.string),
                        body.flatMap { s.get($0, "party") } == nil, s.get(s.root, "a_member_longer_than_sixteen") != nil)
            }
        }
        #expect(found.0 && found.1 && found.3 && found.4)
        #expect(found.2 == "91330304MA2HXXXX1A")
        // root, "body" + its object, "uscc" + its value, "a_member…" + its value.
        #expect(tape.count == 7)
    }

    @Test func skippedMembersMustStillBeCanonical() {
        var tape: [EntryScanner.Value] = []
        for text in [#"{"facts":"a\#u{01}b","body":{}}"#, #"{"facts":tru,"body":{}}"#, #"{"facts":{"x" :1},"body":{}}"#,
                     #"{"facts":[[[[[[[[1]]]]]]]],"body":{}}"#, #"{"facts":"x,"body":{}}"#, #"{"facts":1 ,"body":{}}"#] {
            #expect(!scan(text, &tape), "\(text)")
        }
        #expect(scan(#"{"body":{},"facts":[1,"b\n",null,true,false,{"c":-1.5e3}]}"#, &tape))
    }

    /// Same answers as the full scan for what the caller kept.
    @Test func agreesWithTheFullScan() {
        var full: [EntryScanner.Value] = [], kept: [EntryScanner.Value] = []
        let text = #"{"body":{"uscc":"A","z":[{"uscc":"B"}]},"v":1}"#
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(EntryScanner.scan(buffer, tape: &full) && EntryScanner.scan(buffer, tape: &kept, keep: keep))
            let a = full.withUnsafeBufferPointer { t in let s = EntryScanner(bytes: buffer, tape: t); return s.get(s.get(s.root, "body")!, "uscc").flatMap(s.string) }
            let b = kept.withUnsafeBufferPointer { t in let s = EntryScanner(bytes: buffer, tape: t); return s.get(s.get(s.root, "body")!, "uscc").flatMap(s.string) }
            #expect(a == "A" && b == "A")
        }
        #expect(kept.count < full.count)
    }
}
