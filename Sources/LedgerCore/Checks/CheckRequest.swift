import CreditRecords

/// Why a check is run (docs/records.md "Check purposes").
public enum CheckPurpose: String, Sendable, CaseIterable {
    case hiring
    case annualRecheck = "annual_recheck"
    case inspection
}

/// `POST /v1/checks` input `{person: {idType, idNumber, name}, purpose, consentRef}`, read
/// strictly with every bad field reported at once by JSON pointer. Messages never repeat a
/// submitted value (the ID number above all).
package struct CheckRequest: Sendable {
    package let idType: IdType
    /// Normalised (upper-case check `X`).
    package let idNumber: String
    package let name: String
    package let purpose: CheckPurpose
    package let consentRef: String

    package static let maxConsentRef = 64

    /// `[A-Za-z0-9._/-]{1,64}`.
    package static func isReferenceCode(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return (1...maxConsentRef).contains(b.count) && b.allSatisfy { c in
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2E || c == 0x5F || c == 0x2F || c == 0x2D
        }
    }

    package static func parse(_ document: JSONValue, today: LocalDate) -> Result<CheckRequest, Refusal> {
        guard let object = document.objectValue else {
            return .failure(problem([Refusal.Item(pointer: "", code: "type", message: "a check is a JSON object {person, purpose, consentRef}")]))
        }
        var errors = [Refusal.Item]()
        for at in UnknownMember.pointers(object.keys, allowed: { ["person", "purpose", "consentRef"].contains($0) }, in: "") {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: UnknownMember.message))
        }
        var person: (IdType, String, String)?
        switch object["person"] {
        case nil: errors.append(Refusal.Item(pointer: "/person", code: "required", message: "person is required"))
        case .object(let p)?: person = readPerson(p, errors: &errors, today: today)
        case let other?: errors.append(Refusal.Item(pointer: "/person", code: "type", message: "person must be an object, not \(other.typeName)"))
        }

        var purpose: CheckPurpose?
        switch object["purpose"] {
        case nil: errors.append(Refusal.Item(pointer: "/purpose", code: "required", message: "purpose is required"))
        case .string(let s)? where CheckPurpose(rawValue: s) != nil: purpose = CheckPurpose(rawValue: s)
        default:
            errors.append(Refusal.Item(pointer: "/purpose", code: "enum",
                                       message: "purpose must be one of \(CheckPurpose.allCases.map(\.rawValue).joined(separator: ", "))"))
        }

        var consentRef: String?
        switch object["consentRef"] {
        case nil: errors.append(Refusal.Item(pointer: "/consentRef", code: "required", message: "consentRef (the candidate's consent reference) is required"))
        case .string(let s)?:
            // A reference code, never prose: the access log keeps it and the audit shows it
            // (docs/http.md). Old entries with other text still read; new ones must match.
            if let finding = PersonalDataScan.find(in: s) {
                errors.append(Refusal.Item(pointer: "/consentRef", code: PersonalDataScan.code,
                                           message: "consentRef contains \(finding.description); it is the reference code of the consent form, not personal data"))
            } else if !isReferenceCode(s) {
                errors.append(Refusal.Item(pointer: "/consentRef", code: "reference_format",
                                           message: "consentRef is a reference code of 1 to \(maxConsentRef) characters from A-Z, a-z, 0-9 and . _ / -"))
            } else {
                consentRef = s
            }
        case let other?: errors.append(Refusal.Item(pointer: "/consentRef", code: "type", message: "consentRef must be a string, not \(other.typeName)"))
        }

        guard errors.isEmpty, let person, let purpose, let consentRef else { return .failure(problem(errors)) }
        return .success(CheckRequest(idType: person.0, idNumber: person.1, name: person.2, purpose: purpose, consentRef: consentRef))
    }

    package static func readPerson(_ object: JSONObject, errors: inout [Refusal.Item], today: LocalDate) -> (IdType, String, String)? {
        let before = errors.count
        for at in UnknownMember.pointers(object.keys, allowed: { ["idType", "idNumber", "name"].contains($0) }, in: "/person") {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: UnknownMember.message))
        }
        var idType: IdType?
        switch object["idType"] {
        case nil: errors.append(Refusal.Item(pointer: "/person/idType", code: "required", message: "idType is required"))
        case .string(let s)? where IdType(rawValue: s) != nil: idType = IdType(rawValue: s)
        default:
            errors.append(Refusal.Item(pointer: "/person/idType", code: "enum",
                                       message: "idType must be one of \(IdType.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let number = readIdNumber(object["idNumber"], idType: idType, at: "/person/idNumber", today: today, errors: &errors)
        var name: String?
        switch object["name"] {
        case nil: errors.append(Refusal.Item(pointer: "/person/name", code: "required", message: "name is required"))
        case .string(let s)?:
            if s.trimmingSpaces.isEmpty || s.count > FieldLimit.personName {
                errors.append(Refusal.Item(pointer: "/person/name", code: "length", message: "name must hold 1 to \(FieldLimit.personName) characters"))
            } else if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                errors.append(Refusal.Item(pointer: "/person/name", code: "control_character", message: "name must not contain control characters"))
            } else {
                name = String(s.trimmingSpaces)
            }
        case let other?: errors.append(Refusal.Item(pointer: "/person/name", code: "type", message: "name must be a string, not \(other.typeName)"))
        }
        guard errors.count == before, let idType, let number, let name else { return nil }
        return (idType, number, name)
    }

    /// An ID number checked against its type (check characters included) and normalised; the
    /// problem names the rule broken, never the number.
    package static func readIdNumber(_ value: JSONValue?, idType: IdType?, at pointer: String, today: LocalDate, errors: inout [Refusal.Item]) -> String? {
        switch value {
        case nil:
            errors.append(Refusal.Item(pointer: pointer, code: "required", message: "idNumber is required"))
            return nil
        case .string(let s)?:
            guard let idType else { return nil }
            guard s.unicodeScalars.count <= FieldLimit.idNumber else {
                errors.append(Refusal.Item(pointer: pointer, code: "id_format", message: "idNumber is too long for a \(idType.rawValue) number"))
                return nil
            }
            switch idType.validate(s, today: today) {
            case .success(let normalised): return normalised
            case .failure(let problem):
                errors.append(Refusal.Item(pointer: pointer, code: problem.code, message: problem.message))
                return nil
            }
        case let other?:
            errors.append(Refusal.Item(pointer: pointer, code: "type", message: "idNumber must be a string, not \(other.typeName)"))
            return nil
        }
    }

    package static func problem(_ items: [Refusal.Item]) -> Refusal {
        Refusal.invalidInput(items, detail: "\(items.count) field\(items.count == 1 ? "" : "s") of the check failed validation; see errors.")
    }
}
