/// The OAuth 2.0 scopes of LMOS (PROTOCOL.md 7).
public enum Scope {
    /// Read descriptions, search, watch events.
    public static let read = "lmos:read"
    /// Register, replace, patch and delete one's own descriptions.
    public static let write = "lmos:write"
    /// Change or delete any description.
    public static let admin = "lmos:admin"

    /// The scopes of a space-separated `scope` value (RFC 6749 3.3).
    public static func parse(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    }
}
