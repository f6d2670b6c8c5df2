import BackgroundIndex
import CreditRecords
import Logging

/// Responsible managers (docs/records.md "Responsible managers"): a filing's 负责人 screened
/// when filed, the tasks an abuse record opens, and naming the managers on one.
extension Ledger {
    /// 人口与计划生育法 art. 41(2), as a ban's `basis`.
    static let managerBanBasis = "《中华人民共和国人口与计划生育法》第四十一条第二款"
    /// How long an authority has to name the managers before the task is listed as overdue.
    static let managerTaskDays = 30

    var barOptions: BarOptions { BarOptions(preschoolList: configuration.preschoolBars) }

    /// A filing (filed or changed) whose 负责人 is barred is refused, naming the field: the
    /// person may not run a 托育机构 (未成年人保护法 art. 62; 人口与计划生育法 art. 41(2)).
    /// The legal representative is not refused: no text found bars a barred person from being
    /// one (学前教育法 art. 44 bars kindergarten 举办者 only). Call after the index caught up.
    func screenFiling(_ record: ValidatedRecord) throws(Refusal) {
        guard case .institutionFiling(let filing) = record.record, filing.action != .deregistered,
              let principal = filing.institution.principal else { return }
        let key = PersonKey(idType: principal.idType, number: principal.idNumber)
        guard index.status(of: key, today: LocalDate.today(), options: barOptions) == .barred else { return }
        throw Refusal.validation([FieldError(pointer: "/body/institution/principal", code: "barred",
                                             message: "the institution's 负责人 is barred from work with infants (a background check on them answers barred)")])
    }

    /// `{"tasks": [{seq, kind, institution, authority, openedAt, dueBy, state, overdue, managers}]}`,
    /// by seq: an inspector sees its own authority's, an admin every one. `openedAt` is the
    /// decision date of the record that opened the task; an open task is `overdue` once more
    /// than 30 days have passed since it.
    public func managerTasks(principal: Principal) throws(Refusal) -> JSONValue {
        try managerTasks(authority: principal.role == .inspector ? (principal.authority?.uscc ?? "") : nil, today: LocalDate.today())
    }

    /// The tasks of `authority` (nil: all) as of `today`.
    func managerTasks(authority: String?, today: LocalDate) throws(Refusal) -> JSONValue {
        do {
            try managerTaskIndex.catchUp(log, sealed: sealed)
        } catch {
            throw logUnavailable(error)
        }
        let tasks = managerTaskIndex.tasks(authority: authority).map { task -> JSONValue in
            let t = task.trigger
            // Named once a manager ban is in force; a naming that waits for its confirmation
            // is not yet one (docs/records.md "Bans need two people"), but is no longer late.
            let state = !task.managers.isEmpty ? "managers_named" : task.pendingManagers.isEmpty ? "open" : "awaiting_confirmation"
            return .object(JSONObject([
                ("seq", .uint(t.seq)), ("kind", .string(t.kind.rawValue)),
                ("institution", .object(t.institution)),
                ("authority", .object(JSONObject([("name", t.authority["name"] ?? .null), ("uscc", t.authority["uscc"] ?? .null)]))),
                ("openedAt", .string(t.decidedAt.description)),
                ("state", .string(state)),
                ("overdue", .bool(state == "open" && daysBetween(t.decidedAt, today) > Self.managerTaskDays)),
                ("managers", .array(task.managers.map { .uint($0) })),
                ("pendingManagers", .array(task.pendingManagers.map { .uint($0) })),
            ]))
        }
        return .object(JSONObject([("tasks", .array(tasks))]))
    }

    /// Names a directly responsible manager on the task `seq` opened: appends their lifetime
    /// ban (role `responsible_manager`, reason `child_abuse`, basis art. 41(2), `managerOf`
    /// the task's record, the institution and authority of that record) through the ordinary
    /// append path, so it is validated, authorised and indexed like any record. The request is
    /// `{"person", "decisionNo", "decidedAt", "facts", "remarks"?}`; problems are named by
    /// pointers into it.
    public func nameManager(task seq: UInt64, _ bytes: [UInt8], principal: Principal, logger: Logger) async throws -> Receipt {
        let document = try Refusal.parseJSON(bytes)
        do {
            try managerTaskIndex.catchUp(log, sealed: sealed)
        } catch {
            throw logUnavailable(error)
        }
        // An inspector sees only its own authority's tasks: another's is not found, as in the list.
        guard let task = managerTaskIndex.task(seq),
              principal.role != .inspector || task.trigger.authority["uscc"]?.stringValue == principal.authority?.uscc else {
            throw Refusal.notFound("No responsible-manager task was opened by this record for your authority.")
        }
        guard let request = document.objectValue else {
            throw Refusal.invalidInput([Refusal.Item(pointer: "", code: "type", message: "a request is a JSON object {person, decisionNo, decidedAt, facts, remarks?}")],
                                       detail: "The request is not a JSON object.")
        }
        // clientSignature: an inspector's lifetime ban is signed (docs/records.md "Bans need two
        // people"), over the ban this route builds, `{"kind":"ban","body":{…}}`.
        let allowed: Set<String> = ["person", "decisionNo", "decidedAt", "facts", "remarks", "clientSignature"]
        let unknown = request.keys.filter { !allowed.contains($0) }
        guard unknown.isEmpty else {
            throw Refusal.invalidInput(UnknownMember.pointers(unknown, allowed: { _ in false }, in: "").map {
                Refusal.Item(pointer: $0, code: "unknown_field", message: UnknownMember.message) },
                                       detail: "The request has members this route does not take.")
        }
        var body = JSONObject()
        for key in ["person"] { if let v = request[key] { body[key] = v } }
        body["role"] = .string(BanRole.responsibleManager.rawValue)
        body["reason"] = .string(BanReason.childAbuse.rawValue)
        body["scope"] = .string(BanScope.lifetime.rawValue)
        body["until"] = .null
        body["institution"] = .object(task.trigger.institution)
        for key in ["decisionNo", "decidedAt"] { if let v = request[key] { body[key] = v } }
        body["basis"] = .string(Self.managerBanBasis)
        if let v = request["facts"] { body["facts"] = v }
        body["authority"] = .object(task.trigger.authority)
        if let v = request["remarks"] { body["remarks"] = v }
        body["managerOf"] = .uint(seq)
        var record = JSONObject([("kind", .string(RecordKind.ban.rawValue)), ("body", .object(body))])
        if let signature = request["clientSignature"] { record["clientSignature"] = signature }
        do {
            return try await appendRecord(try CanonicalJSON.encode(.object(record)), principal: principal, logger: logger)
        } catch let refusal as Refusal {
            // The ban's own pointers, `/body/person/…`, are the request's `/person/…`.
            throw refusal.repointed(from: "/body", to: "")
        }
    }
}

extension Refusal {
    /// The same refusal with every item pointer under `prefix` moved under `replacement`.
    func repointed(from prefix: String, to replacement: String) -> Refusal {
        var copy = self
        copy.errors = errors.map { item in
            var item = item
            if let pointer = item.pointer, pointer == prefix || pointer.hasPrefix(prefix + "/") {
                item.pointer = replacement + pointer.dropFirst(prefix.count)
            }
            return item
        }
        return copy
    }
}
