import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Testing
import TransparencyLog
@testable import CareLedgerServer
@testable import LedgerCore
import PersonalVault

/// Sealed entries (docs/log-format.md "Sealed entries"): the log's leaves hold no name or ID
/// number; a reader with a records role gets the personal part opened and can check it
/// against the leaf's commitment.
@Suite(.serialized) struct SealedEntryTests {
    /// A valid resident ID for person `i` (born 1980 onwards, 330304, distinct per `i`).
    static func idNumber(_ i: Int) -> String {
        let birth = LocalDate(year: 1980, month: 1, day: 1)!.adding(months: i % 240)
        let first17 = String(format: "330304%04d%02d%02d%03d", birth.year, birth.month, 1 + i / 240, 100 + i % 900)
        return first17 + String(ResidentID.checkCharacter(for: first17)!)
    }

    /// A distinct four-character name, made of characters no fixture text uses.
    static func name(_ i: Int) -> String {
        let a = Array("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉")
        return "欧阳" + String(a[i % 20]) + String(a[(i / 20) % 20])
    }

    static func person(_ i: Int) -> JSONValue {
        ["name": .string(name(i)), "idType": "resident_id", "idNumber": .string(idNumber(i))]
    }

    /// Record `n` about person `p`: a ban, a judgment or a personal penalty in turn.
    static func record(_ n: Int, person p: Int) -> JSONValue {
        switch n % 3 {
        case 0:
            var ban = Fixtures.ban(100_000 + n).objectValue!
            var body = ban["body"]!.objectValue!
            body["person"] = person(p)
            ban["body"] = .object(body)
            return .object(ban)
        case 1:
            var judgment = Fixtures.judgment(100_000 + n).objectValue!
            var body = judgment["body"]!.objectValue!
            body["person"] = person(p)
            judgment["body"] = .object(body)
            return .object(judgment)
        default:
            return Fixtures.personalPenalty(100_000 + n, person: person(p))
        }
    }

    /// Every file under `directory`, recursively.
    static func files(under directory: String) -> [String] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { item -> String? in
            let path = directory + "/" + (item as! String)
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue ? path : nil
        }
    }

    /// The needles (as UTF-8) found in any file under `directory`.
    static func found(_ needles: [String], under directory: String) -> [String] {
        let contents = files(under: directory).compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        return needles.filter { needle in
            let n = Array(needle.utf8)
            return contents.contains { bytes in
                guard bytes.count >= n.count else { return false }
                for i in 0...(bytes.count - n.count) where bytes[i] == n[0] && bytes[i..<(i + n.count)].elementsEqual(n) { return true }
                return false
            }
        }
    }

    @Test func thousandAppendsNamingThreeHundredPeopleLeaveNoNameOrIDNumberOnDisk() async throws {
        // The vault comes from the configuration (the lead reruns this with the file vault).
        let test = try await TestServer.start { $0.openVault = LedgerConfiguration().openVault }
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<20 {
                    group.addTask {
                        for n in stride(from: worker, to: 1000, by: 20) {
                            let response = try await client.send(.post, "/v1/records", token: admin, json: Self.record(n, person: n % 300))
                            guard response.status == .created else { throw TestFailure("append \(n): \(response.summary)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            // The index still finds people by the number typed at a check.
            let check = try await client.send(.post, "/v1/checks", token: admin, json: Fixtures.check(Self.person(0)))
            #expect(try check.json()["status"] == "barred")
            #expect(try check.json()["nameMatches"] == .bool(true))
        }
        try await test.close()
        #expect(test.server.log.size >= 1000)
        let needles = (0..<300).flatMap { [Self.name($0), Self.idNumber($0)] }
        #expect(Self.found(needles, under: test.dataDirectory).isEmpty)
        #expect(!test.capture.all.contains { line in needles.contains { line.contains($0) } })
    }

    /// The seal writes a body and its leaf view in one pass; each is what encoding the body
    /// and `leafView` alone give, and the view is left out exactly when it is the body: for
    /// every kind, an organisation party cut down to what it already was (the view is then the
    /// body), a public member that is cut to null, and member names and values that need escapes.
    @Test func theBodyAndItsLeafViewWrittenInOnePassAreEachAlone() throws {
        let organisationOnly: JSONValue = ["category": "organization", "name": .string(Fixtures.xiaoxingxing.name),
                                           "uscc": .string(Fixtures.xiaoxingxing.uscc)]
        var documents: [JSONValue] = [
            Fixtures.filing(1), Fixtures.inspection(1), Fixtures.penalty(1), Fixtures.enforcement(1), Fixtures.judgment(1),
            Fixtures.ban(1), Fixtures.annualReview(year: 2026), Fixtures.revocation(target: 0, 1), Fixtures.creditRepair(target: 0, 1),
            Fixtures.personalPenalty(1),
        ]
        var bare = Fixtures.penalty(2).objectValue!
        var body = bare["body"]!.objectValue!
        body["party"] = organisationOnly
        body["facts"] = nil
        bare["body"] = .object(body)
        documents.append(.object(bare))
        body["authority"] = "not an object"
        body["violation\"\u{1}"] = "a \"quoted\"\n value"
        bare["body"] = .object(body)
        documents.append(.object(bare))
        var viewless = 0
        for document in documents {
            let kind = try #require(document.objectValue?["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)))
            let body = try #require(document.objectValue?["body"]?.objectValue)
            let envelope = Envelope(kind: kind, body: body, submittedAt: "2026-12-07T00:00:00Z",
                                    submittedBy: Submitter(principal: "insp-1", authority: nil), clientSignature: nil)
            let (bodyBytes, viewBytes) = try SealedEntries.bodyAndLeafView(envelope)
            #expect(bodyBytes == (try CanonicalJSON.encode(.object(body))), "\(kind)")
            let view = try CanonicalJSON.encode(.object(KindSpec.of(kind).leafView(of: body)))
            if let viewBytes {
                #expect(viewBytes == view && view != bodyBytes, "\(kind)")
            } else {
                #expect(view == bodyBytes, "\(kind)")
                viewless += 1
            }
        }
        // The cut-down organisation party is the only body with nothing beyond its view.
        #expect(viewless == 1)
    }

    /// A subject's identifier is normalised alike whether it takes the ASCII shortcut or not:
    /// upper case, without white space of any kind.
    @Test func identifiersAreNormalisedAlikeWithAndWithoutTheShortcut() {
        let cases = ["11010519491231002X", "11010519491231002x", " 110105 19491231002X\t", "１１０１０５１９４９１２３１００２ｘ",
                     "E12345678", "e12345678", "91330304MA2J7K8L10", "AB\u{3000}C", "AB\u{85}C", "~!{}", "", "张三"]
        for text in cases {
            #expect(RecordSubjects.normalised(text) == String(text.uppercased().unicodeScalars.filter { !$0.properties.isWhitespace }), "\(text)")
        }
        #expect(RecordSubjects.normalised("11010519491231002x") == "11010519491231002X")
    }

    @Test func aRecordIsReadWithItsOpenedBodyWhichMatchesTheLeafCommitment() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            let appended = try await client.send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(Fixtures.ban(1)))
            let seq = try RecordAppendTests.verifyReceipt(appended, server: test.server)
            let record = try await client.send(.get, "/v1/records/\(seq)?purpose=audit", token: roles[.auditor]).json()
            let entry = try #require(record["entry"]?.objectValue)
            #expect(entry["v"]?.integerValue == 2 && entry["body"]?.objectValue?["person"] == nil && entry["body"]?.objectValue?["facts"] == nil)
            #expect(entry["body"]?.objectValue?["reason"] == "child_abuse")
            // The leaf is exactly the entry's RFC 8785 bytes: the proof covers the sealed form.
            let leaf = MerkleHashing.leafHash(try CanonicalJSON.encode(.object(entry)))
            #expect(record["leafHash"]?.stringValue == leaf.base64)
            // The opened body is committed to: SHA-256(salt ‖ JCS(body)).
            let opened = try #require(record["opened"]?.objectValue)
            let salt = try #require(opened["salt"]?.stringValue.flatMap { Hex.decode($0) })
            let body = try #require(opened["body"])
            #expect(SHA256.hash(salt + (try CanonicalJSON.encode(body))).hex == entry["personal"]?.objectValue?["commitment"]?.stringValue)
            #expect(try body.objectValue?["person"].map(CanonicalJSON.encode) == CanonicalJSON.encode(Fixtures.linXiaoyan))
            #expect(record["erased"] == nil)
            // An erasure record cannot be submitted as a record.
            let direct = try await client.send(.post, "/v1/records", token: admin, json: [
                "kind": "erasure", "body": ["seqs": [.number(String(seq))], "scope": "records", "basis": "data_error",
                                            "decidedAt": "2026-09-01", "authority": Fixtures.authority(Fixtures.ouhaiHealth)],
            ])
            let directPointers = try direct.problemPointers()
            #expect(direct.status == .badRequest && directPointers == ["/kind"])
        }
        try await test.close()
    }
}
