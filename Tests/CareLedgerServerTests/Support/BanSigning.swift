import CreditRecords
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
@testable import LedgerCore

/// Keys and helpers for bans, which need two people and a key (docs/records.md "Bans need two
/// people"): `makeRoles`' inspector signs with `TestKeys.inspector`; a second inspector of the
/// same authority confirms with `TestKeys.confirmer`.
enum TestKeys {
    /// Fixed seeds, so a restarted test server's principals still match.
    static let inspector = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x11, count: 32))
    static let confirmer = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x22, count: 32))
    static let stranger = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x33, count: 32))

    static func publicKey(_ key: Ed25519PrivateKey) -> JSONValue { .string(Base64.encode(key.publicKey.rawRepresentation)) }

    static func sign(_ document: JSONValue, _ key: Ed25519PrivateKey = inspector, keyId: String = "insp-ouhai-01") -> JSONValue {
        try! ClientSigning.sign(document, with: key, keyId: keyId)
    }

    /// The unsigned confirmation of `seq` by `authority`.
    static func confirmation(of seq: UInt64, authority: Fixtures.Org = Fixtures.ouhaiHealth, decidedAt: String = "2026-11-30") -> JSONValue {
        ["kind": "ban_confirmation", "body": ["target": .number(String(seq)), "decidedAt": .string(decidedAt), "authority": Fixtures.authority(authority)]]
    }
}

extension TestKeys {
    /// A `POST /v1/tasks/{seq}/managers` request with the inspector's signature over the ban
    /// the route builds from it, on the task opened by `Fixtures.ban(_)` at `trigger`.
    static func signedNaming(_ naming: JSONValue, trigger: Int64) -> JSONValue {
        var naming = naming.objectValue!
        let opened = Fixtures.ban(1).objectValue!["body"]!.objectValue!
        let literal: JSONValue = ["person": naming["person"]!, "role": "responsible_manager", "reason": "child_abuse", "scope": "lifetime",
                                "until": nil, "institution": opened["institution"]!, "decisionNo": naming["decisionNo"]!,
                                "decidedAt": naming["decidedAt"]!, "basis": .string(Ledger.managerBanBasis), "facts": naming["facts"]!,
                                "authority": opened["authority"]!, "managerOf": .number(String(trigger))]
        var body = literal.objectValue!
        if let remarks = naming["remarks"] { body["remarks"] = remarks }
        naming["clientSignature"] = sign(["kind": "ban", "body": .object(body)]).objectValue!["clientSignature"]
        return .object(naming)
    }
}

extension TestClientProtocol {
    /// Creates an inspector of `authority` registered with `key`; returns its token.
    func createInspector(admin: String, id: String, key: Ed25519PrivateKey, authority: Fixtures.Org = Fixtures.ouhaiHealth) async throws -> String {
        try await createPrincipal(admin: admin, ["id": .string(id), "role": "inspector", "authority": Fixtures.authority(authority),
                                                 "publicKey": TestKeys.publicKey(key)])
    }

    /// Appends `document` (a lifetime ban, or the revocation of one) as `makeRoles`' inspector,
    /// signed, and has a second inspector of the same authority confirm it, so it is in force.
    /// Returns the append's answer.
    func appendConfirmed(_ document: JSONValue, roles: RoleTokens) async throws -> TestResponse {
        let appended = try await send(.post, "/v1/records", token: roles[.inspector], json: TestKeys.sign(document))
        guard appended.status == .created, let seq = try appended.json()["seq"]?.integerValue else { return appended }
        let confirmer = "insp-ouhai-confirm-\(UInt32.random(in: 0...UInt32.max))"
        let token = try await createInspector(admin: roles[.admin], id: confirmer, key: TestKeys.confirmer)
        let confirmed = try await send(.post, "/v1/records/\(seq)/confirmations", token: token,
                                       json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq)), TestKeys.confirmer, keyId: confirmer))
        guard confirmed.status == .created else { throw TestFailure("confirming answered \(confirmed.summary)") }
        return appended
    }
}

extension TestClientProtocol {
    /// A second inspector of 瓯海区卫生健康局 confirms the record at `seq`.
    func confirm(_ seq: Int64, roles: RoleTokens) async throws {
        let confirmer = "insp-ouhai-confirm-\(UInt32.random(in: 0...UInt32.max))"
        let token = try await createInspector(admin: roles[.admin], id: confirmer, key: TestKeys.confirmer)
        let confirmed = try await send(.post, "/v1/records/\(seq)/confirmations", token: token,
                                       json: TestKeys.sign(TestKeys.confirmation(of: UInt64(seq)), TestKeys.confirmer, keyId: confirmer))
        guard confirmed.status == .created else { throw TestFailure("confirming answered \(confirmed.summary)") }
    }
}
