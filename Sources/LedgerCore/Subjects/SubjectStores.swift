/// The side stores of the person-checked pages (docs/http.md "Subject codes" and
/// "Objections"): `<data>/subject-codes.json` and `<data>/objections.json`, each written
/// whole through the one durable-write path. Neither holds an ID number, a name or an
/// objection's text: people appear by their vault pseudonym, texts as vault commitments.
package final class SubjectStores: Sendable {
    package let codes: JSONFileStore<[IssuedSubjectCode]>
    package let objections: JSONFileStore<[StoredObjection]>

    package init(data: ServerDataDirectory) throws {
        codes = try JSONFileStore(path: data.root + "/subject-codes.json", empty: [])
        objections = try JSONFileStore(path: data.root + "/objections.json", empty: [])
    }
}
