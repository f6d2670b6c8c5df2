import CreditRecords
import LedgerCrypto
import PersonalVault
import TransparencyLog

/// The one opening layer between the log and every reader of records (docs/log-format.md
/// "Sealed entries"). A sealed entry (v2) holds the kind's public view of the body and a
/// commitment to the full body; the vault holds `salt ‖ opened`, where the opened envelope is
/// the v1 entry with the full body, so readers written for v1 read it unchanged.
///
/// `open` answers the opened bytes when the vault has them, else the entry as it is: a v1
/// entry (written before sealing), a sealed entry with nothing personal, or one whose
/// personal part was erased. A vault that fails to read throws: a reader must not mistake a
/// damaged vault for an erasure (the index would answer `clear` for a barred person).
package struct SealedEntries: Sendable {
    package let vault: any PersonalVault

    package init(vault: any PersonalVault) { self.vault = vault }

    /// A sealed entry's personal part, opened.
    package struct Opened: Sendable {
        /// The v1 envelope's bytes, with the full body.
        package let entry: [UInt8]
        package let salt: [UInt8]
    }

    package static let saltSize = 32

    /// The commitment a sealed entry's leaf names; nil for a v1 entry or a sealed entry with
    /// nothing personal.
    package static func commitment(of entry: [UInt8]) -> Digest32? { SealedEnvelope.commitment(of: entry) }

    /// The opened entry and its salt, or nil when there is nothing to open (v1, nothing
    /// personal) or the vault no longer has it (erased).
    package func opened(_ entry: [UInt8]) throws -> Opened? {
        guard let commitment = Self.commitment(of: entry), let plaintext = try vault.open(commitment),
              plaintext.count > Self.saltSize else { return nil }
        return Opened(entry: Array(plaintext[Self.saltSize...]), salt: Array(plaintext[..<Self.saltSize]))
    }

    /// The bytes readers read: opened when the vault has them, else the entry as stored.
    /// The export calls this for every record, so the salt is not copied out as well.
    package func open(_ entry: [UInt8]) throws -> [UInt8] {
        guard let commitment = Self.commitment(of: entry), let opened = try vault.open(commitment, droppingFirst: Self.saltSize),
              !opened.isEmpty else { return entry }
        return opened
    }

    /// True when the entry committed to a personal part the vault no longer holds.
    package func isErased(_ entry: [UInt8]) throws -> Bool {
        guard let commitment = Self.commitment(of: entry) else { return false }
        return try vault.open(commitment) == nil
    }

    /// SHA-256(salt ‖ JCS(body)): what a sealed leaf commits to.
    package static func commitment(salt: [UInt8], body: JSONObject) throws -> Digest32 {
        SHA256.hash(salt + (try CanonicalJSON.encode(.object(body))))
    }

    /// A record whose full envelope is over the log's entry limit (nothing was sealed).
    package struct TooLarge: Error {
        package let size: Int
    }

    /// A record ready to append: the leaf (sealed v2 bytes) and what the vault must keep.
    package struct Sealed: Sendable {
        package let leaf: [UInt8]
        /// nil when the body had nothing but public members.
        package let commitment: Digest32?
    }

    /// Seals `envelope` (a v1 envelope with the full body): files `salt ‖ opened` in the vault
    /// under the owner's key when the body has anything non-public, and answers the leaf.
    /// Durable only after `vault.sync()`.
    package func seal(_ envelope: Envelope, owner: SubjectIdentifier, mentions: [SubjectIdentifier]) throws -> Sealed {
        let (bodyBytes, viewBytes) = try Self.bodyAndLeafView(envelope)
        var leaf = Envelope(kind: envelope.kind, body: JSONObject(), submittedAt: envelope.submittedAt,
                            submittedBy: envelope.submittedBy, clientSignature: envelope.clientSignature)
        leaf.version = 2
        // The view kept every member unchanged: nothing needs the vault.
        guard let viewBytes else { return Sealed(leaf: leaf.canonicalBytes(encodedBody: bodyBytes), commitment: nil) }
        let salt = SecureRandom.bytes(Self.saltSize)
        let commitment = SHA256.hash(salt + bodyBytes)
        leaf.commitment = commitment.hex
        var plaintext = salt
        envelope.appendCanonicalBytes(encodedBody: bodyBytes, to: &plaintext)
        // The record as submitted keeps the log's entry limit (docs/records.md): without this,
        // sealing would let a body of any size the request allows into the vault whenever its
        // public view is small.
        guard plaintext.count - Self.saltSize <= TransparencyLog.maxEntrySize else { throw TooLarge(size: plaintext.count - Self.saltSize) }
        // By identifier: the vault files it under the pseudonym it already knows each subject
        // by, under whichever index key, so a person recorded before an index-key rotation
        // keeps one data key, and their erasure takes every record (docs/operations.md).
        try vault.seal(plaintext, commitment: commitment, owner: owner, mentions: mentions.filter { $0 != owner })
        return Sealed(leaf: leaf.canonicalBytes(encodedBody: viewBytes), commitment: commitment)
    }

    /// The canonical bytes of the body and of its leaf view (`KindSpec.leafView`), or nil for
    /// the view when it is the body. One pass over the members in canonical order: each is
    /// encoded once, and copied into the view when the view keeps it (most members), which
    /// is on every append's path (issue 15).
    static func bodyAndLeafView(_ envelope: Envelope) throws -> (body: [UInt8], view: [UInt8]?) {
        let spec = KindSpec.of(envelope.kind)
        var body = [UInt8](), view = [UInt8]()
        body.reserveCapacity(2048)
        view.reserveCapacity(1024)
        body.append(UInt8(ascii: "{"))
        view.append(UInt8(ascii: "{"))
        var same = true
        for name in CanonicalJSON.sortedNames(of: envelope.body) {
            let value = envelope.body[name]!
            if body.count > 1 { body.append(UInt8(ascii: ",")) }
            let start = body.count
            try CanonicalJSON.appendMember(name, value, to: &body)
            let member = body[start...]
            switch spec.leafMember(name, value) {
            case .dropped:
                same = false
            case .kept:
                if view.count > 1 { view.append(UInt8(ascii: ",")) }
                view += member
            case .replaced(let replacement):
                if view.count > 1 { view.append(UInt8(ascii: ",")) }
                let at = view.count
                try CanonicalJSON.appendMember(name, replacement, to: &view)
                if same, !view[at...].elementsEqual(member) { same = false }
            }
        }
        body.append(UInt8(ascii: "}"))
        view.append(UInt8(ascii: "}"))
        return (body, same ? nil : view)
    }
}

extension Ledger {
    /// A stored entry as readers read it: opened through the vault, else as stored (the
    /// export's `open`).
    public func openEntry(_ entry: [UInt8]) throws -> [UInt8] { try sealed.open(entry) }
}

/// Whom a record's personal part belongs to (docs/log-format.md "Sealed entries"): the person
/// it is about, else the organisation; and every other person it names with an ID.
package enum RecordSubjects {
    /// The person a ban or judgment names, or a penalty's / enforcement's party of category
    /// person; else the organisation (party, institution) by USCC; nil for kinds about no one
    /// (a revocation or repair takes its target's owner).
    package static func owner(kind: RecordKind, body: JSONObject) -> SubjectIdentifier? {
        let spec = KindSpec.of(kind)
        for subject in spec.subjects where subject.role == .subject {
            guard let object = body[subject.key]?.objectValue else { continue }
            let isPerson = subject.shape == .person
                || (subject.shape == .party && object["category"]?.stringValue == PartyCategory.person.rawValue)
            if isPerson, let id = person(object) { return id }
            if !isPerson, let uscc = object["uscc"]?.stringValue { return .organization(uscc: normalised(uscc)) }
        }
        return nil
    }

    /// Every person with an ID anywhere in the body (legal representatives, 负责人, …).
    package static func people(in body: JSONObject) -> [SubjectIdentifier] {
        var out = [SubjectIdentifier]()
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let o):
                if let id = person(o) { out.append(id) }
                for (_, member) in o.members { walk(member) }
            case .array(let a): a.forEach(walk)
            default: break
            }
        }
        walk(.object(body))
        return out
    }

    /// A person's canonical identifier: ID type and number without white space, upper-case
    /// (as the index's `PersonKey` normalises it).
    package static func person(_ object: JSONObject) -> SubjectIdentifier? {
        guard let type = object["idType"]?.stringValue, let number = object["idNumber"]?.stringValue else { return nil }
        return .person(idType: type, idNumber: normalised(number))
    }

    package static func person(idType: IdType, number: String) -> SubjectIdentifier {
        .person(idType: idType.rawValue, idNumber: normalised(number))
    }

    static func normalised(_ text: String) -> String {
        // Most ID numbers and codes are printable ASCII without lower case already: kept as
        // they are, without the Unicode property lookups (every append names one or more).
        if text.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { $0 > 0x20 && $0 < 0x7F && !(0x61...0x7A).contains($0) } }) == true {
            return text
        }
        return String(text.uppercased().unicodeScalars.filter { !$0.properties.isWhitespace })
    }
}
