import CreditRecords
import Logging

/// The audit search by ID number (`POST /v1/audit/checks`): who checked this person, when and
/// why. The ID number travels in the body, never in a URL, so no access log, proxy or browser
/// history keeps it (docs/http.md "Audit"). Problems point into the body and never repeat
/// what the client sent.
extension Ledger {
    static let auditSearchMembers: Set<String> = ["idType", "idNumber", "purpose", "caseRef"]

    public func checksOnRecord(searchBody body: [UInt8], principal: Principal, logger: Logger) async throws -> JSONValue {
        guard let value = try? JSONParser.parse(body, maxDepth: 4), let object = value.objectValue else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "", code: "type", message: "The body must be a JSON object.")],
                                       detail: "The audit search takes a JSON object {idType, idNumber, purpose, caseRef}.")
        }
        var errors = [Refusal.Item]()
        // A name shaped like a field is named (a typo); any other is the client's text (UnknownMember).
        for at in UnknownMember.pointers(object.keys, allowed: { Self.auditSearchMembers.contains($0) }, in: "") {
            errors.append(Refusal.Item(pointer: at, code: "unknown_field", message: "The body takes only idType, idNumber, purpose and caseRef."))
        }
        func string(_ key: String, required: Bool) -> String? {
            guard let member = object[key] else {
                if required { errors.append(Refusal.Item(pointer: "/" + key, code: "required", message: "\(key) is required.")) }
                return nil
            }
            guard let text = member.stringValue else {
                errors.append(Refusal.Item(pointer: "/" + key, code: "type", message: "\(key) must be a string."))
                return nil
            }
            return text
        }
        let idType = string("idType", required: true), idNumber = string("idNumber", required: true)
        let purpose = string("purpose", required: false), caseRef = string("caseRef", required: false)
        // The same rules as every other read (ID normalisation, purposes bound to roles, case
        // references), reported at the body's members instead of query parameters.
        var memberErrors = [Refusal.Item]()
        let subject = Self.auditSubject(idType: idType, idNumber: idNumber, errors: &memberErrors)
        let reason = ReadReason.parse(purpose: purpose, caseRef: caseRef, errors: &memberErrors)
        errors += memberErrors.map { Refusal.Item(pointer: "/" + ($0.parameter ?? $0.pointer ?? ""), code: $0.code, message: $0.message) }
        guard errors.isEmpty, let subject, let reason else {
            throw Refusal.invalidInput(errors, detail: "The audit search is not valid.")
        }
        return try await checksOnRecord(idType: subject.0, idNumber: subject.1, principal: principal, reason: reason, logger: logger)
    }
}
