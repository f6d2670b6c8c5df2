import Foundation
import LedgerCrypto
import Testing
@testable import CreditRecords

@Suite struct CanonicalRecordTests {
    func envelopeBytes(_ text: String) throws -> [UInt8] {
        let validated = try RecordValidator.validate(try JSONParser.parse(text), context: Fixture.context).get()
        return try Envelope(kind: validated.kind, body: validated.body, submittedAt: "2026-11-22T08:00:00Z",
                            submittedBy: Submitter(principal: "insp-ouhai-01", authority: validated.authority),
                            clientSignature: validated.clientSignature).canonicalBytes()
    }

    @Test func stableAcrossSpellings() throws {
        let compact = #"{"kind":"ban","body":{"person":{"name":"林晓燕","idType":"resident_id","idNumber":"330381199211083443"},"role":"perpetrator","reason":"child_abuse","scope":"lifetime","until":null,"institution":{"name":"温州市瓯海区小星星托育有限公司","uscc":"91330304MA2J7K8L10"},"decisionNo":"瓯卫禁〔2026〕1号","decidedAt":"2026-08-20","basis":"终身禁入","facts":"虐童","authority":{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}}}"#
        // Other whitespace, member order and escapes (\u escapes, escaped solidus).
        let respelled = """
        {
          "body" : {
            "authority" : { "region" : "330304", "uscc" : "113303040025997855", "name" : "\\u6e29\\u5dde\\u5e02\\u74ef\\u6d77\\u533a\\u536b\\u751f\\u5065\\u5eb7\\u5c40" },
            "facts" : "\\u8650\\u7ae5", "basis" : "终身禁入", "decidedAt" : "2026\\u002d08-20", "decisionNo" : "瓯卫禁〔2026〕1号",
            "institution" : { "uscc" : "91330304MA2J7K8L10", "name" : "温州市瓯海区小星星托育有限公司" },
            "until" : null, "scope" : "lifetime", "reason" : "child_abuse", "role" : "perpetrator",
            "person" : { "idNumber" : "330381199211083443", "idType" : "resident\\u005fid", "name" : "林晓燕" }
          },
          "kind" : "ban"
        }
        """
        let a = try envelopeBytes(compact)
        #expect(try envelopeBytes(compact) == a)
        #expect(try envelopeBytes(respelled) == a)
        // Round trip through the log's decoder.
        let decoded = try Envelope.decode(a)
        #expect(try decoded.canonicalBytes() == a)
    }

    @Test func everyValidExampleIsStable() throws {
        let dir = Fixture.root.appendingPathComponent("schemas/examples/valid")
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".json") {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let once = try envelopeBytes(text)
            #expect(try envelopeBytes(text) == once)
            // The re-encoded canonical form of the document validates to the same bytes.
            let canonicalInput = String(decoding: try CanonicalJSON.encode(try JSONParser.parse(text)), as: UTF8.self)
            #expect(try envelopeBytes(canonicalInput) == once, "\(file)")
        }
    }

    @Test func normalisationIsInTheStoredBytes() throws {
        let text = #"{"kind":"judgment","body":{"person":{"name":"王丽","idType":"resident_id","idNumber":"11010519491231002x"},"court":{"name":"温州市瓯海区人民法院","uscc":"113303040026521388"},"caseNo":"（2026）浙0304刑初9号","offence":"虐待被监护、看护人罪","sentence":"有期徒刑一年","decidedAt":"2026-08-01","authority":{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}}}"#
        let bytes = String(decoding: try envelopeBytes(text), as: UTF8.self)
        #expect(bytes.contains("11010519491231002X"))
        #expect(!bytes.contains("11010519491231002x"))
        #expect(try envelopeBytes(text.replacingOccurrences(of: "002x", with: "002X")) == Array(bytes.utf8))
    }
}

@Suite struct ClientSigningTests {
    @Test func signatureCoversTheNormalisedBody() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 3, count: 32))
        let document: JSONValue = ["kind": "ban", "body": ["person": ["name": "林晓燕", "idType": "resident_id", "idNumber": "11010519491231002x"]]]
        let signed = try ClientSigning.sign(document, with: key, keyId: "insp-1")
        let body = signed.objectValue!["body"]!.objectValue!
        #expect(body["person"]?.objectValue?["idNumber"] == "11010519491231002X")
        let sig = Base64.decode(signed.objectValue!["clientSignature"]!.objectValue!["sig"]!.stringValue!)!
        #expect(key.publicKey.isValidSignature(sig, for: try Envelope.signedBytes(kind: .ban, body: body)))
        #expect(throws: ClientSigning.Error.self) { try ClientSigning.sign(["kind": "nope"], with: key, keyId: "k") }
    }
}
