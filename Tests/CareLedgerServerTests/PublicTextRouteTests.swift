import CreditRecords
import DurableStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// docs/records.md "Personal data in public text" and "Who sees which field", over HTTP: free
/// text with an identifier is refused at append, the disclosure publishes only allow-listed
/// members, and consentRef is a reference code.
@Suite struct PublicTextRouteTests {
    static let sentence = "保育员张三（身份证号11010519491231002X，手机13800138000）殴打幼儿李小宝（2岁）"

    /// `record` with these body members set.
    static func with(_ record: JSONValue, _ members: [(String, JSONValue)]) -> JSONValue {
        var object = record.objectValue!
        var body = object["body"]!.objectValue!
        for (key, value) in members { body[key] = value }
        object["body"] = .object(body)
        return .object(object)
    }

    @Test func facts_withAnIDNumberAndAPhoneAreRefusedWithoutEcho() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        try await test.test { client in
            let record = Self.with(Fixtures.penalty(1), [("facts", .string(Self.sentence))])
            let response = try await client.send(.post, "/v1/records", token: test.adminToken, json: record)
            #expect(response.status == .badRequest, "\(response.summary)")
            #expect(try response.problemPointers() == ["/body/facts"])
            let codes = try response.json()["errors"]?.arrayValue?.compactMap { $0.objectValue?["code"]?.stringValue }
            #expect(codes == ["personal_data_in_public_text"])
            #expect(response.text.contains("personal part"))
            for secret in ["11010519491231002X", "13800138000", "李小宝"] { #expect(!response.text.contains(secret)) }
            for secret in ["11010519491231002X", "13800138000"] { #expect(!test.capture.all.joined(separator: "\n").contains(secret)) }
            // A check character that is wrong is not an ID number: accepted.
            let notAnID = Self.with(Fixtures.penalty(2), [("facts", "决定书编号110105194912310021所述事实属实。")])
            #expect(try await client.send(.post, "/v1/records", token: test.adminToken, json: notAnID).status == .created)
        }
        try await test.close()
    }

    @Test func disclosurePublishesOnlyAllowListedMembers() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        try await test.test { client in
            let penalty = Self.with(Fixtures.penalty(1), [("remarks", "内部备注：家长王某来访"),
                                                          ("publicSummary", "未按规定配备安防监控，予以警告并罚款。")])
            for record in [Fixtures.filing(1), Fixtures.inspection(1), penalty] {
                let response = try await client.send(.post, "/v1/records", token: test.adminToken, json: record)
                #expect(response.status == .created, "\(response.summary)")
            }
            let response = try await client.send(.get, "/v1/institutions/\(Fixtures.xiaoxingxing.uscc)")
            #expect(response.status == .ok, "\(response.summary)")
            let disclosure = try response.json()
            let published = try #require(disclosure["penalties"]?.arrayValue?.first?.objectValue?["record"]?.objectValue)
            let allowed = Set(KindSpec.penalty.fields.filter { $0.visibility == .public }.map(\.key))
            #expect(Set(published.keys).isSubset(of: allowed))
            #expect(published["publicSummary"] == "未按规定配备安防监控，予以警告并罚款。")
            #expect(published["decisionNo"] == "瓯卫罚〔2026〕1号")
            let inspection = try #require(disclosure["inspections"]?.arrayValue?.first?.objectValue?["record"]?.objectValue)
            #expect(inspection["findings"] == nil && inspection["inspectors"] == nil && inspection["result"] == "rectification_required")
            // No free text of any record, no person, no identity document.
            for text in ["经查", "《托育机构设置标准", "未按规定配备安防监控\"", "内部备注", "王某", "监控录像保存不足90日", "李明", "330302199003150044"] {
                #expect(!response.text.contains(text), "\(text)")
            }
            let institution = try #require(disclosure["institution"]?.objectValue)
            #expect(institution["name"] == .string(Fixtures.xiaoxingxing.name) && institution["address"] != nil)
            #expect(institution["legalRepresentative"] == ["name": "王丽"])
        }
        try await test.close()
    }

    @Test func consentRefIsAReferenceCode() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        try await test.test { client in
            for (consentRef, code) in [("11010519491231002X", "personal_data_in_public_text"), ("张三 13800138000 同意", "personal_data_in_public_text"),
                                       ("张三本人签字同意", "reference_format"), ("a b", "reference_format"),
                                       (String(repeating: "c", count: 65), "reference_format")] {
                let response = try await client.send(.post, "/v1/checks", token: test.adminToken, json: Fixtures.check(consentRef: consentRef))
                #expect(response.status == .badRequest, "\(consentRef)")
                #expect(try response.problemPointers() == ["/consentRef"])
                #expect(try response.json()["errors"]?.arrayValue?.first?.objectValue?["code"] == .string(code))
                #expect(!response.text.contains("11010519491231002X") && !response.text.contains("13800138000"))
            }
            let ok = try await client.send(.post, "/v1/checks", token: test.adminToken, json: Fixtures.check(consentRef: "HR/2026-11.07_a"))
            #expect(ok.status == .ok, "\(ok.summary)")
        }
        try await test.close()
    }
}

/// docs/operations.md "File permissions": a fresh data directory is private, an exposed one is
/// refused with the chmod to run.
@Suite struct DataDirectoryPermissionTests {
    /// Every path under `root` (itself included) with its permission bits.
    static func modes(under root: String) -> [(String, mode_t, Bool)] {
        var out: [(String, mode_t, Bool)] = []
        var info = stat()
        if stat(root, &info) == 0 { out.append((root, info.st_mode & 0o777, true)) }
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let name = enumerator?.nextObject() as? String {
            let path = root + "/" + name
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { continue }
            out.append((path, info.st_mode & 0o777, info.st_mode & S_IFMT == S_IFDIR))
        }
        return out
    }

    @Test func aFreshDataDirectoryIsPrivate() async throws {
        let test = try await TestServer.start()
        defer { test.remove() }
        try await test.test { client in
            let appended = try await client.send(.post, "/v1/records", token: test.adminToken, json: Fixtures.penalty(1))
            #expect(appended.status == .created)
            let disclosed = try await client.send(.get, "/v1/institutions/\(Fixtures.xiaoxingxing.uscc)")
            #expect(disclosed.status == .ok)
        }
        try await test.close()
        let entries = Self.modes(under: test.dataDirectory)
        #expect(entries.count > 10)
        for (path, mode, isDirectory) in entries {
            #expect(mode == (isDirectory ? 0o700 : 0o600), "\(path) \(String(mode, radix: 8))")
        }
    }

    @Test func anExposedDataDirectoryIsRefusedWithTheChmodToRun() async throws {
        let directory = TestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        await #expect {
            _ = try await TestServer.start(directory: directory)
        } throws: { error in
            let text = "\(error)"
            return text.contains("chmod -R go-rwx \(data)") && text.contains("755")
        }
        // Nothing was created in it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).isEmpty)
        // A private directory with one readable file is refused too; fixed, it starts.
        chmod(data, 0o700)
        #expect(FileManager.default.createFile(atPath: data + "/notes.txt", contents: Data("x".utf8), attributes: [.posixPermissions: 0o644]))
        #expect(PrivateDirectory.exposure(of: data, what: "data directory")?.contains("chmod -R go-rwx") == true)
        chmod(data + "/notes.txt", 0o600)
        let test = try await TestServer.start(directory: directory)
        try await test.close()
    }
}
