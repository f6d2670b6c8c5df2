import CreditRecords
import LedgerCrypto
import PersonalVault

/// One objection (异议) as `<data>/objections.json` keeps it: which record, whose authority,
/// when, its state. The person appears only by vault pseudonym and the texts (the objection,
/// the contact, the reply) only as vault commitments: they are sealed under the person's data
/// key like a record's personal part, so erasing the person erases them too.
package struct StoredObjection: Codable, Sendable, Equatable {
    package var id: String
    package var seq: UInt64
    package var kind: String
    package var decisionNo: String
    package var authority: String
    package var authorityName: String
    /// The person's vault pseudonym, `keyID:hex`.
    package var subject: String
    package var filedAt: String
    /// Hex commitment of `{text, contact?}` in the vault.
    package var content: String
    /// `open` until the authority answers, then `answered`.
    package var state: String
    package var reply: String?
    package var repliedAt: String?
    package var repliedBy: String?
}

/// An objection with its texts opened, for the person and for the authority.
public struct Objection: Sendable, Equatable {
    public let id: String
    public let seq: UInt64
    public let kind: String
    public let decisionNo: String
    public let authorityName: String
    public let authorityUSCC: String
    public let filedAt: String
    public let state: String
    /// nil once erased from the vault.
    public let text: String?
    public let contact: String?
    public let reply: String?
    public let repliedAt: String?

    public var json: JSONValue {
        var object = JSONObject([
            ("id", .string(id)), ("seq", .uint(seq)), ("kind", .string(kind)), ("decisionNo", .string(decisionNo)),
            ("authority", .object(JSONObject([("name", .string(authorityName)), ("uscc", .string(authorityUSCC))]))),
            ("filedAt", .string(filedAt)), ("state", .string(state)), ("text", text.map(JSONValue.string) ?? .null),
        ])
        if let contact { object["contact"] = .string(contact) }
        if let reply { object["reply"] = .string(reply) }
        if let repliedAt { object["repliedAt"] = .string(repliedAt) }
        return .object(object)
    }
}

/// Objections (异议) of the person checked to a record about them (PIPL arts. 44–46; the
/// 信用修复管理办法's objection procedure; docs/records.md "Objections"): filed at /me, they
/// reach the record's authority as tasks (`GET /v1/tasks`, the inspector's /objections page),
/// which the authority closes with a reply the person reads at /me.
extension Ledger {
    public static let maxObjectionText = 1000
    public static let maxObjectionContact = 100

    /// Files an objection to record `seq`, which must name the person. Problems point at the
    /// form's fields (`/seq`, `/text`, `/contact`) and never repeat them.
    public func fileObjection(_ who: SubjectIdentity, seq: UInt64?, text: String, contact: String,
                              now: Int64? = nil) throws -> Objection {
        let now = now ?? Timestamp.epochSeconds()
        var errors = [Refusal.Item]()
        let records = try subjectRecords(who)
        let record = seq.flatMap { s in records.first { $0.seq == s } }
        if record == nil {
            errors.append(Refusal.Item(pointer: "/seq", code: "not_your_record", message: "choose one of the records shown about you"))
        }
        let text = text.trimmingWhiteSpace(), contact = contact.trimmingWhiteSpace()
        Self.checkText(text, at: "/text", max: Self.maxObjectionText, required: true, errors: &errors)
        Self.checkText(contact, at: "/contact", max: Self.maxObjectionContact, required: false, errors: &errors)
        guard errors.isEmpty, let record else {
            throw Refusal.invalidInput(errors, detail: "\(errors.count) field\(errors.count == 1 ? "" : "s") of the objection failed validation; see errors.")
        }
        var content = JSONObject([("text", .string(text))])
        if !contact.isEmpty { content["contact"] = .string(contact) }
        let owner = RecordSubjects.person(idType: who.idType, number: who.idNumber)
        let commitment = try sealText(.object(content), owner: .identifier(owner))
        // The name the person's records are filed under, so the reply (sealed under it
        // without the identifier) joins their one data key, also after an index-key rotation.
        let pseudonym = vault.filingPseudonym(owner)
        let stored = StoredObjection(id: Hex.encode(SecureRandom.bytes(16)), seq: record.seq, kind: record.kind.rawValue,
                                     decisionNo: record.decisionNo, authority: record.authorityUSCC, authorityName: record.authorityName,
                                     subject: "\(pseudonym.keyID):\(pseudonym.digest.hex)", filedAt: Timestamp.format(epochSeconds: now),
                                     content: commitment.hex, state: "open")
        try subjects.objections.update { $0.append(stored) }
        logger.info("objection filed", metadata: ["seq": "\(record.seq)"])
        return try opened(stored)
    }

    /// The person's objections, oldest first.
    public func objections(of who: SubjectIdentity) throws -> [Objection] {
        let mine = Set(vault.pseudonyms(RecordSubjects.person(idType: who.idType, number: who.idNumber)).map { "\($0.keyID):\($0.digest.hex)" })
        return try subjects.objections.read { $0.filter { mine.contains($0.subject) } }.map(opened)
    }

    /// The objections an inspector's authority must answer (an admin: all), oldest first.
    public func objectionTasks(principal: Principal) throws -> [Objection] {
        let authority = principal.role == .admin ? nil : (principal.authority?.uscc ?? "")
        return try subjects.objections.read { $0.filter { authority == nil || $0.authority == authority } }.map(opened)
    }

    /// `POST /v1/objections/{id}/replies` `{reply}`: the authority's answer, which closes the
    /// task. Another authority's objection is not found; an answered one is a 409.
    public func answerObjection(id: String, _ bytes: [UInt8], principal: Principal, now: Int64? = nil) throws -> Objection {
        let now = now ?? Timestamp.epochSeconds()
        let document = try Refusal.parseJSON(bytes)
        guard let object = document.objectValue else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "", code: "type", message: "a reply is a JSON object {reply}")],
                                       detail: "The request is not a JSON object.")
        }
        var errors = [Refusal.Item]()
        for at in UnknownMember.pointers(object.keys, allowed: { $0 == "reply" }, in: "") {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: UnknownMember.message))
        }
        var reply = ""
        switch object["reply"] {
        case nil: errors.append(Refusal.Item(pointer: "/reply", code: "required", message: "reply is required"))
        case .string(let s)?:
            reply = s.trimmingWhiteSpace()
            Self.checkText(reply, at: "/reply", max: Self.maxObjectionText, required: true, errors: &errors)
        case let other?: errors.append(Refusal.Item(pointer: "/reply", code: "type", message: "reply must be a string, not \(other.typeName)"))
        }
        guard errors.isEmpty else {
            throw Refusal.invalidInput(errors, detail: "\(errors.count) field\(errors.count == 1 ? "" : "s") of the reply failed validation; see errors.")
        }
        let authority = principal.role == .admin ? nil : (principal.authority?.uscc ?? "")
        guard let found = subjects.objections.read({ $0.first { $0.id == id && (authority == nil || $0.authority == authority) } }) else {
            throw Refusal.notFound("No objection with this id is addressed to your authority.")
        }
        guard found.state == "open" else {
            throw Refusal.conflict("This objection was already answered.", slug: "objection-answered")
        }
        guard let owner = Self.pseudonym(found.subject) else { throw Refusal.unavailable("The objection's subject cannot be read.") }
        let commitment = try sealText(.object(JSONObject([("text", .string(reply))])), owner: .pseudonym(owner))
        let answered = try subjects.objections.update { all -> StoredObjection? in
            guard let i = all.firstIndex(where: { $0.id == id }), all[i].state == "open" else { return nil }
            all[i].state = "answered"
            all[i].reply = commitment.hex
            all[i].repliedAt = Timestamp.format(epochSeconds: now)
            all[i].repliedBy = principal.id
            return all[i]
        }
        guard let answered else { throw Refusal.conflict("This objection was already answered.", slug: "objection-answered") }
        logger.info("objection answered", metadata: ["principal": "\(principal.id)"])
        return try opened(answered)
    }

    enum SealOwner {
        case identifier(SubjectIdentifier)
        case pseudonym(Pseudonym)
    }

    /// Seals a text's JSON in the vault under the person's data key and makes it durable.
    private func sealText(_ value: JSONValue, owner: SealOwner) throws -> Digest32 {
        let plaintext = try CanonicalJSON.encode(value)
        // A random prefix: two equal texts get two commitments, and a commitment reveals nothing.
        let commitment = SHA256.hash(SecureRandom.bytes(32) + plaintext)
        switch owner {
        case .identifier(let id): try vault.seal(plaintext, commitment: commitment, owner: id, mentions: [])
        case .pseudonym(let p): try vault.seal(plaintext, commitment: commitment, owner: p, mentions: [])
        }
        try vault.sync()
        return commitment
    }

    private func openText(_ hex: String?) throws -> JSONObject? {
        guard let hex, let commitment = Digest32(hex: hex), let bytes = try vault.open(commitment) else { return nil }
        return try JSONParser.parse(bytes).objectValue
    }

    private func opened(_ stored: StoredObjection) throws -> Objection {
        let content = try openText(stored.content)
        let reply = try openText(stored.reply)
        return Objection(id: stored.id, seq: stored.seq, kind: stored.kind, decisionNo: stored.decisionNo, authorityName: stored.authorityName,
                         authorityUSCC: stored.authority, filedAt: stored.filedAt, state: stored.state,
                         text: content?["text"]?.stringValue, contact: content?["contact"]?.stringValue,
                         reply: reply?["text"]?.stringValue, repliedAt: stored.repliedAt)
    }

    static func pseudonym(_ text: String) -> Pseudonym? {
        guard let colon = text.lastIndex(of: ":"), let digest = Digest32(hex: String(text[text.index(after: colon)...])) else { return nil }
        return Pseudonym(keyID: String(text[..<colon]), digest: digest)
    }

    /// Free text from a person: within `max` characters, no control characters but line breaks.
    static func checkText(_ text: String, at pointer: String, max: Int, required: Bool, errors: inout [Refusal.Item]) {
        if text.isEmpty {
            if required { errors.append(Refusal.Item(pointer: pointer, code: "required", message: "this field is required")) }
        } else if text.count > max {
            errors.append(Refusal.Item(pointer: pointer, code: "length", message: "at most \(max) characters"))
        } else if text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t") || $0.value == 0x7F }) {
            errors.append(Refusal.Item(pointer: pointer, code: "control_character", message: "must not contain control characters"))
        }
    }
}
