import Foundation
import LedgerCrypto
import Testing
@testable import CreditRecords

@Suite struct CanonicalJSONTests {
    func canonical(_ text: String) throws -> String {
        String(decoding: try CanonicalJSON.encode(try JSONParser.parse(text)), as: UTF8.self)
    }

    // RFC 8785 §3.2.2: the worked example (numbers, string escapes, literals, member order).
    @Test func rfc8785Example() throws {
        let input = #"""
        {
          "numbers": [333333333.33333329, 1E30, 4.50,
                      2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }
        """#
        #expect(try canonical(input) == #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    // RFC 8785 §3.2.3: sorting by UTF-16 code units, not code points or UTF-8 bytes.
    @Test func rfc8785Sorting() throws {
        let input = #"""
        {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
         "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
         "\u00f6": "Latin Small Letter O With Diaeresis"}
        """#
        guard case .object = try JSONParser.parse(input) else { Issue.record("not an object"); return }
        let output = try canonical(input)
        let order = ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
                     "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"]
        let positions = order.map { output.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }

    // RFC 8785 Appendix B: IEEE 754 doubles and their ECMAScript form.
    @Test(arguments: [
        ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ])
    func rfc8785Numbers(hex: String, expected: String) throws {
        let value = Double(bitPattern: UInt64(hex, radix: 16)!)
        #expect(try CanonicalJSON.number("\(value)") == expected)
        #expect(try CanonicalJSON.number(expected) == expected)
    }

    @Test func integersAsRecordsUseThem() throws {
        #expect(try canonical(#"{"v":1,"target":123,"capacity":60,"year":2025,"neg":-7,"zero":-0}"#)
                == #"{"capacity":60,"neg":-7,"target":123,"v":1,"year":2025,"zero":0}"#)
    }

    /// The integer fast path answers what the ECMAScript layout of the double answers: at 15
    /// digits it takes the literal, from 16 on (where a double may round) the full path.
    @Test func theIntegerFastPathAgreesWithTheDouble() throws {
        var literals = ["1", "-1", "9", "10", "-10", "2026", "999999999999999", "-999999999999999", "100000000000000",
                        "1000000000000000", "9007199254740993", "0", "-0"]
        for digits in 1...15 {
            let n = String("123456789012345".prefix(digits)), sevens = String(repeating: "7", count: digits)
            literals += [n, "-" + n, sevens, "-" + sevens]
        }
        for literal in literals {
            let value = try #require(Double(literal))
            // The slow path's answer, from the double itself (Swift prints the digits; for these
            // magnitudes ECMAScript prints the integer without exponent).
            let expected = value == 0 ? "0" : String(format: "%.0f", value)
            #expect(try CanonicalJSON.number(literal) == expected, "\(literal)")
        }
        // Beyond 2^53 ECMAScript prints the shortest digits that round-trip, padded with zeros.
        #expect(try CanonicalJSON.number("12345678901234567890") == "12345678901234567000")
        #expect(!CanonicalJSON.isShortCanonicalInteger("007"))
        #expect(!CanonicalJSON.isShortCanonicalInteger("-"))
        #expect(!CanonicalJSON.isShortCanonicalInteger("1e5"))
        #expect(!CanonicalJSON.isShortCanonicalInteger("1.0"))
    }

    /// Encoding members one by one and joining them gives the same bytes as encoding the
    /// object, in both sort orders (with and without a key beyond the BMP).
    /// An object written member by member (`sortedNames`, `appendMember`), as the seal writes
    /// a body, is the object's encoding, also with names beyond the BMP.
    @Test(arguments: [
        #"{"b":1,"a":{"y":[1,2,{"z":null}],"x":"文"},"c":"\u0000","aa":true}"#,
        #"{"\u20ac":"Euro","\r":"CR","\ufb33":"Dalet","1":"One","\ud83d\ude00":"Emoji","\u0080":"Control"}"#,
        #"{}"#,
    ])
    func anObjectWrittenMemberByMemberIsTheObjectsEncoding(_ text: String) throws {
        guard case .object(let object) = try JSONParser.parse(text) else { Issue.record("not an object"); return }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, name) in CanonicalJSON.sortedNames(of: object).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            try CanonicalJSON.appendMember(name, object[name]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        #expect(out == (try CanonicalJSON.encode(.object(object))))
    }

    /// The envelope written member by member (spliced around the body's bytes) is what the
    /// generic encoder makes of the envelope's JSON, with and without every optional member
    /// and with strings that need escapes: the hand-written member order is RFC 8785's.
    @Test func membersAreInCanonicalOrder() throws {
        guard case .object(let body) = try JSONParser.parse(#"{"zeta":1,"alpha":"甲","nested":{"b":2,"a":1}}"#) else { return }
        var checked = 0
        for (bodyObject, kind) in [(body, RecordKind.penalty), (JSONObject(), .ban)] {
            for authority in [nil, "113303040025997855", "a\"quoted\"\u{1}"] {
                for signature in [nil, ClientSignature(keyId: "k", sig: "c2ln"), ClientSignature(keyId: "key\n\t", sig: "\\")] {
                    for commitment in [nil, String(repeating: "ab", count: 32)] {
                        var envelope = Envelope(kind: kind, body: bodyObject, submittedAt: "2026-12-06T00:00:00Z",
                                                submittedBy: Submitter(principal: "insp-\"1\"", authority: authority), clientSignature: signature)
                        envelope.version = commitment == nil ? 1 : 2
                        envelope.commitment = commitment
                        let generic = try CanonicalJSON.encode(envelope.json)
                        let encodedBody = try CanonicalJSON.encode(.object(envelope.body))
                        #expect(envelope.canonicalBytes(encodedBody: encodedBody) == generic)
                        #expect(try envelope.canonicalBytes() == generic)
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 36)
    }

    @Test func chineseTextIsKeptAsUTF8() throws {
        let input = #"{"name":"温州市瓯海区小星星托育有限公司","decisionNo":"瓯卫罚〔2026〕5号","facts":"监控录像保存不足90日\n"}"#
        let output = try canonical(input)
        #expect(output == #"{"decisionNo":"瓯卫罚〔2026〕5号","facts":"监控录像保存不足90日\n","name":"温州市瓯海区小星星托育有限公司"}"#)
        // The same record, spelled differently, canonicalises to the same bytes.
        let respelled = #"{ "facts" : "\u76d1\u63a7\u5f55\u50cf\u4fdd\u5b58\u4e0d\u8db390\u65e5\u000A", "name":"温州市瓯海区小星星托育有限公司", "decisionNo":"瓯卫罚〔2026〕5号" }"#
        #expect(try canonical(respelled) == output)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1",
        "\"abc", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"tab\there\"", "nul", "truex",
        "{\"a\":1,\"a\":2}", "[1] [2]", "\"\\u12\"", "NaN", "Infinity",
    ])
    func malformedIsRefused(text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    @Test func invalidUTF8IsRefused() {
        for bad: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE4, 0xB8, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]] {
            #expect(throws: JSONParser.Error.self) { try JSONParser.parse(bad) }
        }
    }

    @Test func nestingIsBounded() throws {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try JSONParser.parse(ok)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
        let deepObject = String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deepObject) }
    }

    @Test func everyPrefixOfADocumentIsRefusedCleanly() throws {
        let document = Array(#"{"kind":"penalty","body":{"party":{"name":"王丽"},"categories":["warning","fine"],"n":1.5e3}}"#.utf8)
        _ = try JSONParser.parse(document)
        for cut in 0..<document.count {
            #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array(document[0..<cut])) }
        }
    }
}

@Suite struct SealedEnvelopeTests {
    static func envelope(version: Int, commitment: String?) throws -> [UInt8] {
        guard case .object(let body) = try JSONParser.parse(#"{"decisionNo":"瓯卫罚〔2026〕1号","personal":"x"}"#) else { return [] }
        var envelope = Envelope(kind: .penalty, body: body, submittedAt: "2026-12-06T00:00:00Z",
                                submittedBy: Submitter(principal: "insp-1", authority: "113303040025997855"), clientSignature: nil)
        envelope.version = version
        envelope.commitment = commitment
        return try envelope.canonicalBytes()
    }

    /// The commitment a sealed leaf names is read back exactly; a v1 entry, a sealed one with
    /// nothing personal, and one whose hex is damaged name none.
    @Test func theCommitmentIsReadFromTheLeafBytes() throws {
        let digest = SHA256.hash(Array("careledger".utf8))
        #expect(SealedEnvelope.commitment(of: try Self.envelope(version: 2, commitment: digest.hex)) == digest)
        #expect(SealedEnvelope.commitment(of: try Self.envelope(version: 1, commitment: nil)) == nil)
        #expect(SealedEnvelope.commitment(of: try Self.envelope(version: 2, commitment: nil)) == nil)
        var damaged = try Self.envelope(version: 2, commitment: digest.hex)
        let hex = Array(digest.hex.utf8)
        let at = try #require((0...(damaged.count - hex.count)).first { Array(damaged[$0..<($0 + hex.count)]) == hex })
        damaged[at + 10] = UInt8(ascii: "g")
        #expect(SealedEnvelope.commitment(of: damaged) == nil)
        #expect(SealedEnvelope.commitment(of: Array(#","v":2}"#.utf8)) == nil)
    }

    /// The commitment's hex decoder answers as `Hex.decode` does for every byte at every
    /// position: each of the 256 byte values put in each of the 64 places of a digest's hex.
    @Test func theHexDecoderTakesExactlyTheHexDigits() throws {
        let digest = SHA256.hash(Array("every byte".utf8))
        for upper in [false, true] {
            let hex = Array((upper ? digest.hex.uppercased() : digest.hex).utf8)
            #expect(hex.withUnsafeBufferPointer(SealedEnvelope.decodeHexDigest) == digest)
            for place in 0..<64 {
                for byte in 0...255 {
                    var changed = hex
                    changed[place] = UInt8(byte)
                    let expected = Hex.decode(String(decoding: changed, as: UTF8.self)).flatMap { $0.count == 32 ? Digest32(bytes: $0) : nil }
                    #expect(changed.withUnsafeBufferPointer(SealedEnvelope.decodeHexDigest) == expected, "byte \(byte) at \(place)")
                }
            }
        }
    }

    /// The start-up scan reads an entry's kind from its last `"kind":"` (EnvelopeBytes.kind):
    /// a kind named inside the body, before it or escaped in text, must not be taken for it.
    @Test func theKindIsTheEnvelopesNotTheBodys() throws {
        func kind(_ text: String) -> RecordKind? { EnvelopeBytes.kind(of: Array(text.utf8)) }
        #expect(EnvelopeBytes.kind(of: try Self.envelope(version: 2, commitment: SHA256.hash([1]).hex)) == .penalty)
        #expect(EnvelopeBytes.kind(of: try Self.envelope(version: 1, commitment: nil)) == .penalty)
        #expect(kind(#"{"body":{"kind":"erasure","note":"a \"kind\":\"erasure\" b"},"kind":"revocation","personal":{"commitment":"00"},"submittedAt":"2026-01-01T00:00:00Z","v":2}"#) == .revocation)
        #expect(kind(#"{"body":{"kind":"erasure"},"kind":"ban","v":2}"#) == .ban)
        #expect(kind(#"{"body":{"note":"\"kind\":\"erasure\""},"kind":"erasure","v":2}"#) == .erasure)
        #expect(kind(#"{"body":{},"kind":"no_such_kind","v":2}"#) == nil)
        #expect(kind(#"{"body":{},"v":2}"#) == nil)
        #expect(kind(#""kind":""#) == nil)
        #expect(kind("") == nil)
    }
}
