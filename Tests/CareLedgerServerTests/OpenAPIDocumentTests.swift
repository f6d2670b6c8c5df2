import CreditRecords
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerTestSupport
import Testing
@testable import CareLedgerServer
@testable import LedgerCore

/// schemas/openapi.yaml against the service: it documents exactly the routes the router
/// registers, with the roles of `RoleRouteMatrixTests.routes`; it is valid OpenAPI 3.1
/// (openapi-spec-validator); and live answers have documented statuses, content types and
/// (for JSON) bodies. YAML is read by python3 (PyYAML) through tools/openapi_check.py.
@Suite struct OpenAPIDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let documentPath = root.appendingPathComponent("schemas/openapi.yaml").path
    static let scriptPath = root.appendingPathComponent("tools/openapi_check.py").path
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// One documented operation.
    struct Operation: Sendable, CustomStringConvertible {
        let method: String
        let path: String
        /// The path item's `x-path-pattern`: the real URL pattern where the template cannot say it.
        let pathPattern: String?
        let object: JSONObject
        /// JSON pointer of the operation in the document.
        let pointer: String

        var id: String { object["operationId"]?.stringValue ?? "" }
        var roles: [String] { object["x-roles"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        var description: String { "\(method.uppercased()) \(path)" }

        /// Whether a request path is this operation's (template or x-path-pattern).
        func matches(_ requestPath: String) -> Bool {
            let pattern = pathPattern ?? "^" + NSRegularExpression.escapedPattern(for: path)
                .replacingOccurrences(of: #"\\\{[A-Za-z0-9_]+\\\}"#, with: "[^/]+", options: .regularExpression) + "$"
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
            return regex.firstMatch(in: requestPath, range: NSRange(requestPath.startIndex..., in: requestPath)) != nil
        }
    }

    struct PythonResult {
        let status: Int32
        let stdout: [UInt8]
        let stderr: String
    }

    /// Runs tools/openapi_check.py; nil (with an issue recorded) when python3 cannot start.
    static func python(_ arguments: [String]) async -> PythonResult? {
        let run: (outcome: ChildOutcome, stdout: [UInt8], stderr: [UInt8])
        do {
            run = try await ChildProcess.capture("/usr/bin/env", ["python3", scriptPath] + arguments)
        } catch {
            Issue.record("cannot run python3 for the OpenAPI document (install python3 with `pip3 install PyYAML openapi-spec-validator jsonschema`): \(error)")
            return nil
        }
        return PythonResult(status: run.outcome == .exited(0) ? 0 : max(1, run.outcome.status), stdout: run.stdout,
                            stderr: String(decoding: run.stderr, as: UTF8.self))
    }

    static func loadDocument() async throws -> JSONObject {
        guard let result = await python(["json", documentPath]) else { throw TestFailure("python3 is needed to read schemas/openapi.yaml") }
        guard result.status == 0 else { throw TestFailure("reading schemas/openapi.yaml failed (status \(result.status)): \(result.stderr)") }
        guard let document = try JSONParser.parse(result.stdout, maxDepth: 64).objectValue else {
            throw TestFailure("schemas/openapi.yaml is not a mapping")
        }
        return document
    }

    static func operations(_ document: JSONObject) -> [Operation] {
        var operations = [Operation]()
        for (path, item) in document["paths"]?.objectValue?.members ?? [] {
            guard let item = item.objectValue else { continue }
            for method in methods {
                guard let object = item[method]?.objectValue else { continue }
                operations.append(Operation(method: method, path: path, pathPattern: item["x-path-pattern"]?.stringValue, object: object,
                                            pointer: "/paths/\(escape(path))/\(method)"))
            }
        }
        return operations
    }

    /// RFC 6901 escaping of one reference token.
    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func follow(_ pointer: String, in document: JSONObject) -> JSONValue? {
        var node: JSONValue? = .object(document)
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?.objectValue?[key]
        }
        return node
    }

    /// An object that may be a local `$ref`, resolved, with the pointer where it really is.
    static func resolve(_ value: JSONValue?, at pointer: String, in document: JSONObject) -> (object: JSONObject, pointer: String)? {
        guard let object = value?.objectValue else { return nil }
        if let ref = object["$ref"]?.stringValue, ref.hasPrefix("#") {
            let target = String(ref.dropFirst())
            return resolve(follow(target, in: document), at: target, in: document)
        }
        return (object, pointer)
    }

    /// A router template with parameters spelled as OpenAPI does (`:seq` → `{seq}`).
    static func normalise(routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }.joined(separator: "/")
    }

    /// The router template a documented operation should be served by: its own path, or, for
    /// a path that stands for several segments (`x-path-pattern`), the `**` route over it.
    static func routerTemplate(_ operation: Operation, routerPaths: Set<String>) -> String {
        guard operation.pathPattern != nil else { return operation.path }
        let wildcards = routerPaths.filter { $0.hasSuffix("/**") }.sorted { $0.count > $1.count }
        return wildcards.first { operation.path.hasPrefix(String($0.dropLast(2))) } ?? operation.path
    }

    // MARK: the document and the router

    @Test func documentedRoutesAreExactlyTheRoutersRoutes() async throws {
        let document = try await Self.loadDocument()
        let test = try await TestServer.start()
        defer { test.remove() }
        // The web pages answer HTML for browsers (docs/web.md); the document describes the API.
        let pages = Set(RoleRouteMatrixTests.routes.filter(\.isPage).map { "\($0.method) \($0.template)" })
        let routes = test.server.router().routes.filter { route in
            let template = "\(route.path)".split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            return !pages.contains("\(route.method) \(template.isEmpty ? "/" : template)")
        }
        let routerPaths = Set(routes.map { Self.normalise(routerPath: "\($0.path)") })
        let registered = Set(routes.map { "\($0.method) \(Self.normalise(routerPath: "\($0.path)"))" })
        let operations = Self.operations(document)
        #expect(!operations.isEmpty)
        let documented = Set(operations.map { "\($0.method.uppercased()) \(Self.routerTemplate($0, routerPaths: routerPaths))" })
        #expect(registered.subtracting(documented).isEmpty, "routes the document does not describe: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented routes the router lacks: \(documented.subtracting(registered).sorted())")
        for operation in operations where operation.pathPattern != nil {
            #expect(Self.routerTemplate(operation, routerPaths: routerPaths).hasSuffix("/**"),
                    "\(operation) has an x-path-pattern but no wildcard route serves it")
            #expect((try? NSRegularExpression(pattern: operation.pathPattern ?? "")) != nil, "\(operation): x-path-pattern is not a regex")
        }
        try await test.close()
    }

    @Test func everyOperationIsCompleteAndAgreesWithTheRoleTable() async throws {
        let document = try await Self.loadDocument()
        let operations = Self.operations(document)
        var ids = Set<String>()
        for operation in operations {
            let id = operation.id
            #expect(!id.isEmpty, "\(operation) has no operationId")
            #expect(ids.insert(id).inserted, "operationId \(id) is used twice")
            #expect(operation.object["summary"]?.stringValue?.isEmpty == false, "\(operation) has no summary")
            let description = operation.object["description"]?.stringValue ?? ""

            guard let responses = operation.object["responses"]?.objectValue, responses.count > 0 else {
                Issue.record("\(operation) has no responses")
                continue
            }
            #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(operation) documents no success")
            for (status, value) in responses.members where status.hasPrefix("4") || status.hasPrefix("5") {
                let response = Self.resolve(value, at: operation.pointer + "/responses/" + status, in: document)
                let content = response?.object["content"]?.objectValue
                #expect(content?.keys == ["application/problem+json"], "\(operation) \(status) is not (only) a problem")
                #expect(content?["application/problem+json"]?.objectValue?["schema"]?.objectValue?["$ref"]?.stringValue == "#/components/schemas/Problem",
                        "\(operation) \(status) does not use the Problem schema")
            }
            if responses.contains("500") == false { Issue.record("\(operation) does not list 500") }

            let parameters = operation.object["parameters"]?.arrayValue ?? []
            let takesInput = !parameters.isEmpty || operation.object["requestBody"] != nil
            if takesInput && operation.method != "delete" {
                #expect(responses.contains("400"), "\(operation) takes input but documents no 400")
            }

            // Security and roles, against the role table the matrix test checks the server with.
            guard let security = operation.object["security"]?.arrayValue else {
                Issue.record("\(operation) has no explicit security")
                continue
            }
            let candidates = RoleRouteMatrixTests.routes.filter { route in
                guard route.method.rawValue == operation.method.uppercased() else { return false }
                let uri = route.request(0).uri
                let path = String(uri[..<(uri.firstIndex(of: "?") ?? uri.endIndex)])
                return operation.matches(path)
            }
            guard candidates.count == 1, let route = candidates.first else {
                Issue.record("\(operation) matches \(candidates.count) routes of RoleRouteMatrixTests.routes, not one")
                continue
            }
            switch route.access {
            case .publicRoute:
                #expect(security.isEmpty, "\(operation) is public: security must be []")
                #expect(operation.roles.isEmpty, "\(operation) is public: x-roles must be []")
                #expect(description.hasPrefix("Public."), "\(operation): the description should start with `Public.`")
                #expect(!responses.contains("401") && !responses.contains("403"), "\(operation) is public but documents 401/403")
            case .roles(let roles):
                #expect(security == [["bearerAuth": []]], "\(operation) needs security: [{bearerAuth: []}]")
                #expect(Set(operation.roles) == Set(roles.map(\.rawValue)), "\(operation): x-roles \(operation.roles) ≠ \(roles.map(\.rawValue).sorted())")
                #expect(operation.roles.count == Set(operation.roles).count, "\(operation): x-roles repeats a role")
                #expect(description.hasPrefix("Roles:"), "\(operation): the description should start with `Roles:`")
                for role in operation.roles {
                    #expect(description.contains("**\(role)**"), "\(operation): the description does not name \(role)")
                }
                #expect(responses.contains("401") && responses.contains("403"), "\(operation) is protected but lacks 401 or 403")
            case .session:
                Issue.record("\(operation) is a signed-in web page (docs/web.md), not an API operation")
            }
        }
        let bearer = Self.follow("/components/securitySchemes/bearerAuth", in: document)?.objectValue
        #expect(bearer?["type"] == "http" && bearer?["scheme"] == "bearer")
    }

    @Test func documentIsValidOpenAPI31() async throws {
        guard let result = await Self.python(["validate", Self.documentPath]) else { return }
        switch result.status {
        case 0: break
        case 3: Issue.record("openapi-spec-validator is needed (`pip3 install openapi-spec-validator`, as .ci/run does): \(result.stderr)")
        default: Issue.record("schemas/openapi.yaml is not valid OpenAPI 3.1 (status \(result.status)): \(result.stderr)")
        }
        let document = try await Self.loadDocument()
        #expect(document["openapi"] == "3.1.0")
    }

    // MARK: live answers

    /// How to call an operation successfully, and (optionally) how to get it to refuse input.
    struct Sample: Sendable {
        var uri: String
        var body: JSONValue? = nil
        var headers: HTTPFields = [:]
        /// A request this operation must refuse with a documented 4xx (sent with a valid token).
        var bad: String? = nil
        /// The documented status it answers instead of 2xx in this test's small tree (a full
        /// tile needs 256 entries).
        var inASmallTree: HTTPResponse.Status? = nil
    }

    /// One per documented operationId; a new operation needs a sample here.
    static let samples: [String: Sample] = [
        "createPrincipal": Sample(uri: "/v1/principals", body: ["id": "openapi-auditor", "role": "auditor"]),
        "revokePrincipal": Sample(uri: "/v1/principals/openapi-victim", bad: "/v1/principals/nobody-here"),
        "listPrincipals": Sample(uri: "/v1/principals?limit=3", bad: "/v1/principals?limit=0"),
        "rotatePrincipalToken": Sample(uri: "/v1/principals/openapi-rotated/token", bad: "/v1/principals/Not_An_Id/token"),
        "appendRecord": Sample(uri: "/v1/records", body: Fixtures.penalty(3000), headers: [RequestInput.idempotencyKeyField: "openapi-sample-1"]),
        "listRecords": Sample(uri: "/v1/records?from=0&limit=2&purpose=audit", bad: "/v1/records?limit=1001&purpose=audit"),
        "getRecord": Sample(uri: "/v1/records/0?view=public", bad: "/v1/records/x"),
        // 林晓燕 is banned (seq 2): the documented refusal is the answer in this tree.
        "createErasure": Sample(uri: "/v1/erasures", body: ["subject": ["idType": "resident_id", "idNumber": "330381199211083443"],
                                                             "basis": "consent_withdrawn", "authority": Fixtures.authority(Fixtures.ouhaiHealth)],
                                inASmallTree: .conflict),
        "getCheckpoint": Sample(uri: "/log/checkpoint"),
        "getHashTile": Sample(uri: "/log/tile/0/000.p/1", bad: "/log/tile/0/0"),
        "getEntryBundle": Sample(uri: "/log/tile/entries/000.p/1", bad: "/log/tile/entries/000.p/256"),
        "getFullHashTile": Sample(uri: "/log/tile/0/000", bad: "/log/tile/0/x000/000", inASmallTree: .notFound),
        "getFullEntryBundle": Sample(uri: "/log/tile/entries/000", bad: "/log/tile/entries/0000", inASmallTree: .notFound),
        "getInclusionProof": Sample(uri: "/v1/log/proof/inclusion?seq=0&size=1", bad: "/v1/log/proof/inclusion?size=1"),
        "getConsistencyProof": Sample(uri: "/v1/log/proof/consistency?from=1&to=2", bad: "/v1/log/proof/consistency?from=3&to=2"),
        "createCheck": Sample(uri: "/v1/checks", body: Fixtures.check()),
        "listChecksOfPerson": Sample(uri: "/v1/audit/checks", body: ["idType": "resident_id", "idNumber": "330381199211083443", "purpose": "audit"]),
        "listReadsOfPrincipal": Sample(uri: "/v1/audit/reads?principal=auditor-1&purpose=audit", bad: "/v1/audit/reads?principal=auditor-1"),
        "listSubjectReads": Sample(uri: "/v1/audit/subject-reads?purpose=audit", bad: "/v1/audit/subject-reads?purpose=audit&limit=0"),
        "listInstitutions": Sample(uri: "/v1/institutions?region=330300&limit=5", bad: "/v1/institutions?status=open"),
        "getInstitutionDisclosure": Sample(uri: "/v1/institutions/\(Fixtures.xiaoxingxing.uscc)", bad: "/v1/institutions/91330304MA2J7K8L11"),
        "getAccessLogCheckpoint": Sample(uri: "/access-log/checkpoint"),
        "getAccessLogHashTile": Sample(uri: "/access-log/tile/0/000.p/1", bad: "/access-log/tile/0/0"),
        "getAccessLogEntryBundle": Sample(uri: "/access-log/tile/entries/000.p/1", bad: "/access-log/tile/entries/000.p/256"),
        "getFullAccessLogHashTile": Sample(uri: "/access-log/tile/1/000", bad: "/access-log/tile/64/000", inASmallTree: .notFound),
        "getFullAccessLogEntryBundle": Sample(uri: "/access-log/tile/entries/000", bad: "/access-log/tile/entries/00", inASmallTree: .notFound),
        // Seq 2 is a child-abuse ban naming an institution (appended below): a responsible-manager task.
        "listManagerTasks": Sample(uri: "/v1/tasks", bad: "/v1/tasks?state=open"),
        // Signed: the inspector's manager ban (docs/records.md "Bans need two people").
        "nameResponsibleManager": Sample(uri: "/v1/tasks/2/managers", body: TestKeys.signedNaming(["person": Fixtures.wangLi, "decisionNo": "瓯卫禁〔2026〕2999号",
                                                                             "decidedAt": "2026-09-10", "facts": "对虐待婴幼儿行为负有直接责任。"], trigger: 2),
                                         bad: "/v1/tasks/x/managers"),
        "issueSubjectCode": Sample(uri: "/v1/subject-codes", body: ["person": Fixtures.zhangSan, "caseRef": "OH-2026-1"]),
        // No objection in this tree (ObjectionTests answers one): the documented 404.
        "answerObjection": Sample(uri: "/v1/objections/00000000000000000000000000000000/replies", body: ["reply": "已核实。"],
                                  bad: "/v1/objections/x/replies", inASmallTree: .notFound),
        // Seq 3 is a second inspector's lifetime ban, waiting for the inspector's confirmation (appended below).
        "confirmBan": Sample(uri: "/v1/records/3/confirmations", body: TestKeys.sign(TestKeys.confirmation(of: 3)), bad: "/v1/records/x/confirmations"),
        "getHealth": Sample(uri: "/healthz"),
        "getMetrics": Sample(uri: "/metrics"),
    ]

    /// A JSON body to check against the document's schema at `pointer`.
    struct BodyCase: Sendable {
        let name: String
        let pointer: String
        let body: [UInt8]
    }

    /// Checks one answer against the operation's documented responses; returns the body to
    /// check against its schema when it is JSON.
    static func check(_ response: TestResponse, _ operation: Operation, _ label: String, document: JSONObject) -> BodyCase? {
        let status = String(response.status.code)
        let responsesPointer = operation.pointer + "/responses"
        let documented = operation.object["responses"]?.objectValue
        guard let value = documented?[status] ?? documented?["default"],
              let resolved = resolve(value, at: responsesPointer + "/" + (documented?[status] != nil ? status : "default"), in: document) else {
            Issue.record("\(label): \(operation) answered \(response.summary), which the document does not list")
            return nil
        }
        let (object, pointer) = resolved
        let contentType = response.headers[.contentType]
        guard let content = object["content"]?.objectValue else {
            #expect(response.body.readableBytes == 0, "\(label): \(operation) \(status) is documented without content but has a body")
            return nil
        }
        guard let contentType, let media = content[contentType]?.objectValue else {
            Issue.record("\(label): \(operation) \(status) has Content-Type \(contentType ?? "none"); documented: \(content.keys)")
            return nil
        }
        // Documented headers with fixed values must hold them when sent.
        for (name, header) in object["headers"]?.objectValue?.members ?? [] {
            guard let header = resolve(header, at: "", in: document)?.object, let schema = header["schema"]?.objectValue,
                  let field = HTTPFields.Element.Name(name), let sent = response.headers[field] else { continue }
            var allowed = schema["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let only = schema["const"]?.stringValue { allowed.append(only) }
            if !allowed.isEmpty {
                #expect(allowed.contains(sent), "\(label): \(operation) \(status) header \(name) is \(sent); documented: \(allowed)")
            }
        }
        if operation.object["security"]?.arrayValue?.isEmpty == false, response.status == .unauthorized {
            #expect(response.headers[.wwwAuthenticate] != nil, "\(label): 401 without WWW-Authenticate")
        }
        guard contentType.hasSuffix("json"), media["schema"] != nil else { return nil }
        return BodyCase(name: "\(label) \(operation) \(status)", pointer: pointer + "/content/" + escape(contentType) + "/schema", body: response.bytes)
    }

    @Test func liveAnswersAreDocumented() async throws {
        let document = try await Self.loadDocument()
        let operations = Self.operations(document)
        for operation in operations where Self.samples[operation.id] == nil {
            Issue.record("\(operation) (\(operation.id)) has no live sample in OpenAPIDocumentTests.samples")
        }
        for (id, sample) in Self.samples {
            guard let operation = operations.first(where: { $0.id == id }) else {
                Issue.record("sample \(id) names no documented operation")
                continue
            }
            let path = String(sample.uri[..<(sample.uri.firstIndex(of: "?") ?? sample.uri.endIndex)])
            #expect(operation.matches(path), "sample \(sample.uri) is not a URL of \(operation)")
        }

        let test = try await TestServer.start()
        defer { test.remove() }
        let admin = test.adminToken
        let cases: [BodyCase] = try await test.test { client in
            let roles = try await client.makeRoles(admin: admin)
            for n in 0..<2 {
                let response = try await client.send(.post, "/v1/records", token: admin, json: Fixtures.penalty(2900 + n))
                #expect(response.status == .created)
            }
            #expect(try await client.send(.post, "/v1/records", token: admin, json: Fixtures.ban(2901)).status == .created)
            let second = try await client.createInspector(admin: admin, id: "insp-ouhai-02", key: TestKeys.confirmer)
            #expect(try await client.send(.post, "/v1/records", token: second,
                                          json: TestKeys.sign(Fixtures.ban(2902), TestKeys.confirmer, keyId: "insp-ouhai-02")).status == .created)
            _ = try await client.createPrincipal(admin: admin, ["id": "openapi-victim", "role": "auditor"])
            _ = try await client.createPrincipal(admin: admin, ["id": "openapi-rotated", "role": "auditor"])
            // An access-log entry, for its tiles.
            #expect(try await client.send(.post, "/v1/checks", token: admin, json: Fixtures.check()).status == .ok)

            var cases = [BodyCase]()
            func send(_ operation: Operation, _ uri: String, token: String?, sample: Sample) async throws -> TestResponse {
                let method = HTTPRequest.Method(operation.method.uppercased())!
                if let body = sample.body {
                    return try await client.send(method, uri, token: token, json: body, headers: sample.headers)
                }
                return try await client.send(method, uri, token: token, headers: sample.headers)
            }
            for operation in operations {
                guard let sample = Self.samples[operation.id] else { continue }
                let allowed = operation.roles.compactMap(Role.init(rawValue:))
                let token = allowed.first.map { roles[$0] }

                let ok = try await send(operation, sample.uri, token: token, sample: sample)
                #expect((200..<300).contains(ok.status.code) || ok.status == sample.inASmallTree,
                        "\(operation) as \(allowed.first?.rawValue ?? "anyone"): \(ok.summary)")
                if let c = Self.check(ok, operation, "valid", document: document) { cases.append(c) }

                if let bad = sample.bad {
                    let refused = try await send(operation, bad, token: token, sample: sample)
                    #expect((400..<500).contains(refused.status.code), "\(operation) \(bad): \(refused.summary)")
                    if let c = Self.check(refused, operation, "bad input", document: document) { cases.append(c) }
                }
                guard !allowed.isEmpty else { continue }
                let anonymous = try await send(operation, sample.uri, token: nil, sample: sample)
                #expect(anonymous.status == .unauthorized, "\(operation) without a token: \(anonymous.summary)")
                if let c = Self.check(anonymous, operation, "no token", document: document) { cases.append(c) }
                if let other = Role.allCases.first(where: { !allowed.contains($0) }) {
                    let refused = try await send(operation, sample.uri, token: roles[other], sample: sample)
                    #expect(refused.status == .forbidden, "\(operation) as \(other.rawValue): \(refused.summary)")
                    if let c = Self.check(refused, operation, "wrong role", document: document) { cases.append(c) }
                }
            }

            // The Idempotency-Key replay is a documented 201 too.
            if let append = operations.first(where: { $0.id == "appendRecord" }), let sample = Self.samples["appendRecord"] {
                let replay = try await send(append, sample.uri, token: roles[.inspector], sample: sample)
                #expect(replay.status == .created && replay.headers[HTTPFields.Element.Name("Idempotent-Replayed")!] == "true")
                if let c = Self.check(replay, append, "replay", document: document) { cases.append(c) }
            }
            // Stored entries are envelopes: check one against the Envelope schema itself.
            let record = try await client.send(.get, "/v1/records/0?view=public", token: admin)
            if let entry = try record.json()["entry"], let bytes = try? CanonicalJSON.encode(entry) {
                cases.append(BodyCase(name: "entry 0", pointer: "/components/schemas/Envelope", body: bytes))
            }
            return cases
        }
        try await test.close()
        #expect(cases.count >= Self.samples.count)
        try await Self.checkBodies(cases, directory: test.directory)
    }

    /// Validates the JSON bodies with python's jsonschema against the document's schemas.
    static func checkBodies(_ cases: [BodyCase], directory: String) async throws {
        var file = Array("[".utf8)
        for (n, c) in cases.enumerated() {
            if n > 0 { file += Array(",".utf8) }
            file += Array(#"{"name":"#.utf8) + (try CanonicalJSON.encode(.string(c.name)))
            file += Array(#","pointer":"#.utf8) + (try CanonicalJSON.encode(.string(c.pointer)))
            file += Array(#","body":"#.utf8) + c.body + Array("}".utf8)
        }
        file += Array("]".utf8)
        let path = directory + "/openapi-cases.json"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(file)))
        guard let result = await python(["responses", documentPath, path]) else { return }
        switch result.status {
        case 0: break
        case 3: Issue.record("jsonschema is needed to check response bodies (`pip3 install jsonschema`): \(result.stderr)")
        default:
            Issue.record("response bodies that do not match schemas/openapi.yaml:\n\(String(decoding: result.stdout, as: UTF8.self))\(result.stderr)")
        }
    }
}
