// MARK: - inspection

public struct Finding: Sendable, Equatable {
    /// A snake_case code for the kind of finding (`video_retention`).
    public let code: String
    public let description: String
    public let severity: Severity

    init?(_ r: ObjectReader) {
        r.allow(["code", "description", "severity"])
        var code = r.string("code", maxLength: FieldLimit.findingCode)
        if let c = code, !c.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) || $0 == 0x5F }) || !(c.utf8.first.map { $0 >= 0x61 && $0 <= 0x7A } ?? false) {
            r.sink.add(r.at("code"), "pattern", "a finding code is snake_case: a lower-case letter, then lower-case letters, digits and _")
            code = nil
        }
        let description = r.string("description", maxLength: FieldLimit.facts)
        let severity = r.enumValue("severity", Severity.self)
        guard let code, let description, let severity else { return nil }
        (self.code, self.description, self.severity) = (code, description, severity)
    }
}

/// 行政检查. Rules: `areas` non-empty and distinct; `findings` present (may be empty for a
/// pass) and non-empty otherwise; `rectifyBy` required when the result is not `pass`, refused
/// when it is, and not before `inspectedAt`; at least one inspector. `dataSource` and `remarks`
/// are optional additions for the provincial 行政检查 layout. `followUpOf`, optional, is the
/// seq of the earlier record this inspection follows up (a rectification check); the
/// validator's cross-record rules check that it names an unrevoked record in the log.
public struct Inspection: Sendable, Equatable {
    public let institution: Organization
    public let authority: Authority
    public let inspectionNo: String
    public let inspectedAt: LocalDate
    public let type: InspectionType
    public let areas: [InspectionArea]
    public let result: InspectionResult
    public let findings: [Finding]
    public let rectifyBy: LocalDate?
    public let inspectors: [String]
    public let dataSource: Organization?
    public let remarks: String?
    public let followUpOf: UInt64?

    init?(_ r: ObjectReader) {
        r.allow(KindSpec.inspection.keys)
        let institution = r.object("institution").flatMap { Organization($0) }
        let authority = readAuthority(r)
        let inspectionNo = r.string("inspectionNo", maxLength: FieldLimit.documentNumber)
        let inspectedAt = r.date("inspectedAt", notFuture: true)
        let type = r.enumValue("type", InspectionType.self)
        let areas = r.enumArray("areas", InspectionArea.self)
        let result = r.enumValue("result", InspectionResult.self)
        var findings: [Finding]? = nil
        if let array = r.array("findings") {
            var list: [Finding] = []
            var ok = true
            for (i, item) in array.enumerated() {
                let p = r.at("findings") + "/\(i)"
                guard let object = item.objectValue else { r.sink.add(p, "type", "each finding must be an object"); ok = false; continue }
                if let f = Finding(ObjectReader(object: object, pointer: p, path: r.path + ["findings", "\(i)"], sink: r.sink)) { list.append(f) } else { ok = false }
            }
            if ok, let result, result != .pass, list.isEmpty {
                r.sink.add(r.at("findings"), "min_items", "findings must list at least one finding when the result is not pass")
                ok = false
            }
            findings = ok ? list : nil
        }
        var rectifyBy = r.date("rectifyBy", required: false)
        if let result {
            if result != .pass && !r.has("rectifyBy") {
                r.sink.add(r.at("rectifyBy"), "required", "rectifyBy is required when the result is not pass")
            } else if result == .pass && r.has("rectifyBy") {
                r.sink.add(r.at("rectifyBy"), "not_allowed", "rectifyBy is only for results that require rectification")
                rectifyBy = nil
            }
        }
        if let rectify = rectifyBy, let inspectedAt, rectify < inspectedAt {
            r.sink.add(r.at("rectifyBy"), "date_order", "rectifyBy must not be before inspectedAt")
            rectifyBy = nil
        }
        var inspectors: [String]? = nil
        if let array = r.array("inspectors") {
            var names: [String] = []
            var ok = true
            if array.isEmpty { r.sink.add(r.at("inspectors"), "min_items", "inspectors must name at least one inspector"); ok = false }
            for (i, item) in array.enumerated() {
                let p = r.at("inspectors") + "/\(i)"
                guard let name = item.stringValue else { r.sink.add(p, "type", "each inspector is a name string"); ok = false; continue }
                if name.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { r.sink.add(p, "empty", "an inspector's name must not be empty"); ok = false; continue }
                if characterCount(name) > FieldLimit.personName { r.sink.add(p, "max_length", "an inspector's name is limited to \(FieldLimit.personName) characters"); ok = false; continue }
                names.append(name)
            }
            inspectors = ok ? names : nil
        }
        let dataSource = r.object("dataSource", required: false).flatMap { Organization($0) }
        let remarks = readRemarks(r, "remarks")
        let followUpOf = readSeq(r, "followUpOf", required: false)
        let needsRectify = result.map { $0 != .pass } ?? false
        guard let institution, let authority, let inspectionNo, let inspectedAt, let type, let areas, let result, let findings,
              let inspectors, remarks.ok, dataSource != nil || !r.has("dataSource"), !needsRectify || rectifyBy != nil,
              followUpOf != nil || !r.has("followUpOf") else { return nil }
        (self.institution, self.authority, self.inspectionNo, self.inspectedAt, self.type, self.areas, self.result, self.findings) =
            (institution, authority, inspectionNo, inspectedAt, type, areas, result, findings)
        (self.rectifyBy, self.inspectors, self.dataSource, self.remarks, self.followUpOf) = (rectifyBy, inspectors, dataSource, remarks.value, followUpOf)
    }
}
