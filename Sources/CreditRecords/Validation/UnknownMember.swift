/// Where a problem points for a member the format does not know: at the object holding it,
/// never at the member. A member's name is the client's text — an ID number, or a person's
/// name in pinyin, typed as a key — and a problem body repeats no client-chosen name or value
/// (issue 17), so it cannot reach the client's logs from there. The client finds the stray
/// member by comparing the object with the format (the schema names every member).
public enum UnknownMember {
    /// What every such problem item says (code `unknown_field`).
    public static let message = "this object has a member the format does not define (not named here; the schema lists every member)"

    /// The pointer for an unknown member of the object at `parent`: `parent` itself.
    public static func pointer(_ key: String, in parent: String) -> String { parent }

    /// One pointer for an object holding any unknown member (none when every key is allowed).
    public static func pointers(_ keys: [String], allowed: (String) -> Bool, in parent: String) -> [String] {
        keys.contains { !allowed($0) } ? [parent] : []
    }
}
