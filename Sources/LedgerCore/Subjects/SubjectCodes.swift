import BackgroundIndex
import CreditRecords
import LedgerCrypto
import PersonalVault

/// The person checked, identified for their own page (/me): ID type and normalised number.
/// Held in memory for a short session only; never written in clear.
public struct SubjectIdentity: Sendable, Equatable {
    public let idType: IdType
    public let idNumber: String

    public var personKey: PersonKey { PersonKey(idType: idType, number: idNumber) }
}

/// One-time access codes for the person checked (PIPL arts. 44–45; docs/http.md "Subject
/// codes"). An inspector who has seen the person's ID in person issues one; the person types
/// it at /me. A code is 16 characters of a 32-letter alphabet without 0/O, 1/I (80 random
/// bits), shown as four groups of four. The store keeps only a keyed hash of it; the person it
/// opens is kept sealed under a key derived from the code itself, so the file alone (or with
/// the server secret) names no one.
public enum SubjectCode {
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
    static let length = 16
    /// Valid for 7 days from issue…
    public static let lifetimeSeconds: Int64 = 7 * 86400
    /// …and for this many sign-ins at /me (a person may come back to read the reply to an
    /// objection), whichever ends first.
    public static let maxSessions = 5

    /// A new code: 16 characters from 80 random bits, grouped `XXXX-XXXX-XXXX-XXXX`.
    static func generate() -> String {
        let random = SecureRandom.bytes(10)
        var bits: UInt128 = 0
        for byte in random { bits = bits << 8 | UInt128(byte) }
        var chars = [UInt8]()
        for i in 0..<length {
            if i > 0 && i % 4 == 0 { chars.append(0x2D) }
            chars.append(alphabet[Int((bits >> UInt128(5 * (length - 1 - i))) & 31)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The code as typed (any case, spaces or hyphens between groups, full-width forms) in its
    /// 16-character form, or nil when it cannot be a code.
    public static func normalise(_ text: String) -> String? {
        var out = [UInt8]()
        for scalar in text.unicodeScalars {
            var v = scalar.value
            if (0xFF01...0xFF5E).contains(v) { v -= 0xFEE0 }  // full-width ASCII
            if v == 0x20 || v == 0x2D || v == 0x3000 || v == 0x09 { continue }
            if (0x61...0x7A).contains(v) { v -= 0x20 }
            guard v < 0x80, alphabet.contains(UInt8(v)) else { return nil }
            out.append(UInt8(v))
            if out.count > length { return nil }
        }
        return out.count == length ? String(decoding: out, as: UTF8.self) : nil
    }

    /// The store's key for a code: HMAC-SHA256 under the server secret, so a copy of the
    /// file cannot be searched for codes without it.
    static func id(_ normalised: String, secret: [UInt8]) -> String {
        HMACSHA256.authenticationCode(for: Array("careledger subject code\u{0}\(normalised)".utf8), key: secret).hex
    }

    static func personKey(_ normalised: String, salt: [UInt8]) throws -> [UInt8] {
        try HKDFSHA256.derive(key: Array(normalised.utf8), salt: salt, info: Array("careledger subject code person v1".utf8), length: 32)
    }
}

/// One issued code, as `<data>/subject-codes.json` keeps it: the record of the issue (who,
/// which authority, the case reference, when) and how often it was used. No ID number, no
/// name, no code.
package struct IssuedSubjectCode: Codable, Sendable, Equatable {
    /// `SubjectCode.id` of the code.
    package var id: String
    /// The person's pseudonym in the vault (`keyID:hex`), the key the index uses.
    package var subject: String
    /// Base64 nonce ‖ AES-256-GCM of `idType NUL idNumber` under a key derived from the code;
    /// emptied once the code can no longer be used.
    package var person: String
    package var salt: String
    package var caseRef: String
    package var issuedBy: String
    package var authority: String
    package var issuedAt: String
    package var expiresAt: Int64
    package var sessions: Int
}

extension Ledger {
    /// `POST /v1/subject-codes` `{person: {idType, idNumber, name}, caseRef}` by an inspector
    /// who saw the person's ID in person: records the issue durably and answers
    /// `{code, expiresAt, maxSessions}` (the code is shown once). Problems by JSON pointer.
    public func issueSubjectCode(_ bytes: [UInt8], principal: Principal, now: Int64? = nil) throws -> JSONValue {
        let now = now ?? Timestamp.epochSeconds()
        let document = try Refusal.parseJSON(bytes)
        guard let object = document.objectValue else {
            throw CheckRequest.problem([Refusal.Item(pointer: "", code: "type", message: "a request is a JSON object {person, caseRef}")])
        }
        var errors = [Refusal.Item]()
        for at in UnknownMember.pointers(object.keys, allowed: { ["person", "caseRef"].contains($0) }, in: "") {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: UnknownMember.message))
        }
        var person: (IdType, String, String)?
        switch object["person"] {
        case nil: errors.append(Refusal.Item(pointer: "/person", code: "required", message: "person is required"))
        case .object(let p)?: person = CheckRequest.readPerson(p, errors: &errors, today: LocalDate.today())
        case let other?: errors.append(Refusal.Item(pointer: "/person", code: "type", message: "person must be an object, not \(other.typeName)"))
        }
        let caseRef = Self.readReference(object["caseRef"], at: "/caseRef", name: "caseRef", errors: &errors)
        guard errors.isEmpty, let person, let caseRef else { throw CheckRequest.problem(errors) }
        guard principal.role == .inspector, let authority = principal.authority else {
            throw Refusal.forbidden("Only an inspector of an authority issues subject codes.")
        }
        let code = SubjectCode.generate()
        guard let normalised = SubjectCode.normalise(code) else { preconditionFailure("a generated code normalises") }
        let id = SubjectCode.id(normalised, secret: secret)
        let salt = SecureRandom.bytes(16), nonce = AESGCM.randomNonce()
        let sealed = try AESGCM.seal(Array("\(person.0.rawValue)\u{0}\(person.1)".utf8), key: SubjectCode.personKey(normalised, salt: salt),
                                     nonce: nonce, aad: Array(id.utf8))
        let pseudonym = vault.pseudonym(RecordSubjects.person(idType: person.0, number: person.1))
        let issued = IssuedSubjectCode(id: id, subject: "\(pseudonym.keyID):\(pseudonym.digest.hex)", person: Base64.encode(nonce + sealed),
                                       salt: Hex.encode(salt), caseRef: caseRef, issuedBy: principal.id, authority: authority.uscc,
                                       issuedAt: Timestamp.format(epochSeconds: now), expiresAt: now + SubjectCode.lifetimeSeconds, sessions: 0)
        try subjects.codes.update { codes in
            // Expired codes no longer need the person either (data minimisation).
            for i in codes.indices where codes[i].expiresAt <= now { codes[i].person = "" }
            codes.append(issued)
        }
        logger.info("subject code issued", metadata: ["principal": "\(principal.id)"])
        return .object(JSONObject([
            ("code", .string(code)), ("expiresAt", .string(Timestamp.format(epochSeconds: issued.expiresAt))),
            ("maxSessions", .uint(UInt64(SubjectCode.maxSessions))),
        ]))
    }

    /// The person a code opens, using one of its sessions; nil for a code that is unknown,
    /// expired or used up (the caller counts that as a failed attempt, without saying which).
    public func redeemSubjectCode(_ text: String, now: Int64? = nil) throws -> SubjectIdentity? {
        let now = now ?? Timestamp.epochSeconds()
        guard let normalised = SubjectCode.normalise(text) else { return nil }
        let id = SubjectCode.id(normalised, secret: secret)
        // A wrong code writes nothing (only a use is written, durably, before the session opens).
        guard subjects.codes.read({ $0.contains { $0.id == id } }) else { return nil }
        return try subjects.codes.update { codes -> SubjectIdentity? in
            guard let i = codes.firstIndex(where: { $0.id == id }) else { return nil }
            var issued = codes[i]
            guard now < issued.expiresAt, issued.sessions < SubjectCode.maxSessions,
                  let blob = Base64.decode(issued.person), blob.count > AESGCM.nonceByteCount, let salt = Hex.decode(issued.salt),
                  let plain = try? AESGCM.open(Array(blob[AESGCM.nonceByteCount...]), key: SubjectCode.personKey(normalised, salt: salt),
                                               nonce: Array(blob[..<AESGCM.nonceByteCount]), aad: Array(id.utf8)),
                  let nul = plain.firstIndex(of: 0), let idType = IdType(rawValue: String(decoding: plain[..<nul], as: UTF8.self)) else {
                return nil
            }
            issued.sessions += 1
            // A used-up code no longer needs the person: keep only the record of the issue.
            if issued.sessions == SubjectCode.maxSessions { issued.person = "" }
            codes[i] = issued
            return SubjectIdentity(idType: idType, idNumber: String(decoding: plain[(nul + 1)...], as: UTF8.self))
        }
    }

    /// A reference code (`[A-Za-z0-9._/-]{1,64}`), never prose or personal data, as a check's
    /// `consentRef` (docs/records.md "Check purposes").
    static func readReference(_ value: JSONValue?, at pointer: String, name: String, errors: inout [Refusal.Item]) -> String? {
        switch value {
        case nil:
            errors.append(Refusal.Item(pointer: pointer, code: "required", message: "\(name) is required"))
        case .string(let s)?:
            if let finding = PersonalDataScan.find(in: s) {
                errors.append(Refusal.Item(pointer: pointer, code: PersonalDataScan.code,
                                           message: "\(name) contains \(finding.description); it is a reference code, not personal data"))
            } else if !CheckRequest.isReferenceCode(s) {
                errors.append(Refusal.Item(pointer: pointer, code: "reference_format",
                                           message: "\(name) is a reference code of 1 to \(CheckRequest.maxConsentRef) characters from A-Z, a-z, 0-9 and . _ / -"))
            } else {
                return s
            }
        case let other?:
            errors.append(Refusal.Item(pointer: pointer, code: "type", message: "\(name) must be a string, not \(other.typeName)"))
        }
        return nil
    }
}
