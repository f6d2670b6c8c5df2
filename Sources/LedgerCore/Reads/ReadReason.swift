import CreditRecords

/// Why a principal reads records' personal parts (issue 17 part 1): a closed list, each bound
/// to the roles that may claim it, like a check's purpose.
public enum ReadPurpose: String, Sendable, CaseIterable {
    /// An inspector's own supervision work.
    case inspection
    /// Reviewing a case file (needs a case reference).
    case caseReview = "case_review"
    /// Handling an objection or a correction request (needs a case reference).
    case objection
    /// The auditor's oversight of who read and checked what.
    case audit
    /// The export to the national and provincial platforms.
    case export

    /// Purposes that name a case, so they cannot go without a case reference.
    var needsCaseRef: Bool { self == .caseReview || self == .objection }
}

/// `purpose` and `caseRef` of a read, as the request gives them (query parameters: never
/// personal data, only a purpose code and a reference code).
public struct ReadReason: Sendable, Equatable {
    public let purpose: ReadPurpose
    /// A case or file reference, `[A-Za-z0-9._/-]{1,64}`.
    public let caseRef: String?

    public init(purpose: ReadPurpose, caseRef: String? = nil) {
        self.purpose = purpose
        self.caseRef = caseRef
    }

    /// The purposes each role may claim.
    package static func allowedPurposes(_ role: Role) -> Set<ReadPurpose> {
        switch role {
        case .inspector: [.inspection, .caseReview, .objection]
        case .auditor: [.audit, .objection]
        case .exporter: [.export]
        case .admin: Set(ReadPurpose.allCases)
        case .institution, .metrics: []
        }
    }

    /// Reads the two parameters (nil when absent), adding a parameter item for each bad one:
    /// `purpose` is required, and `caseRef` is required by `case_review` and `objection`.
    /// Messages never repeat the value given.
    public static func parse(purpose: String?, caseRef: String?, errors: inout [Refusal.Item]) -> ReadReason? {
        let names = ReadPurpose.allCases.map(\.rawValue).joined(separator: ", ")
        var parsed: ReadPurpose?
        if let purpose {
            parsed = ReadPurpose(rawValue: purpose)
            if parsed == nil { errors.append(Refusal.Item(parameter: "purpose", code: "enum", message: "purpose must be one of \(names).")) }
        } else {
            errors.append(Refusal.Item(parameter: "purpose", code: "required",
                                       message: "purpose is required to read personal parts (one of \(names)); view=public reads the public view."))
        }
        if let caseRef, !isCaseRef(caseRef) {
            errors.append(Refusal.Item(parameter: "caseRef", code: "pattern",
                                       message: "caseRef must be 1 to 64 of A-Z a-z 0-9 . _ / - (a reference code, never a name)."))
            return nil
        }
        guard let parsed else { return nil }
        if parsed.needsCaseRef && caseRef == nil {
            errors.append(Refusal.Item(parameter: "caseRef", code: "required", message: "caseRef is required with purpose \(parsed.rawValue)."))
            return nil
        }
        return ReadReason(purpose: parsed, caseRef: caseRef)
    }

    /// `[A-Za-z0-9._/-]{1,64}`: a reference code, which cannot hold an ID number's context or a name.
    public static func isCaseRef(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-")
        }
    }

    /// 403 naming `purpose` unless the principal's role may claim it.
    func authorize(_ principal: Principal) throws(Refusal) {
        let allowed = Self.allowedPurposes(principal.role)
        guard allowed.contains(purpose) else {
            let names = ReadPurpose.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            throw Refusal(.forbidden, slug: "forbidden", title: "Not allowed",
                          detail: "The \(principal.role.rawValue) role may not read for this purpose; allowed: \(names.isEmpty ? "none" : names).",
                          errors: [Refusal.Item(parameter: "purpose", code: "purpose_not_allowed",
                                                message: "purpose must be one of \(names) for the \(principal.role.rawValue) role")])
        }
    }
}
