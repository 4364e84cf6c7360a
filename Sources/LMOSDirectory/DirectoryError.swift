import LMOSDescription

/// Why a directory operation failed. The HTTP layer maps each case to a status code and RFC 7807 problem details;
/// the text says what was wrong in words a client can act on.
public enum DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is not a Thing Description in a serialization the directory reads.
    case unreadableDocument(String)
    /// The description breaks Thing Description 1.1, LMOS or WoT Discovery rules; every error names its field.
    case invalid([ValidationError])
    /// The description's proof does not verify (the reason says why: unknown key, document changed, ...).
    case invalidProof(String)
    /// No description with this id is registered (or its registration expired).
    case notFound(String)
    /// The description belongs to another owner (PROTOCOL.md 3: the DID that first registered it with a proof).
    case forbidden(String)
    /// A search or listing argument is not valid (`limit`, `offset`, a JSONPath expression, ...).
    case invalidQuery(String)
    /// The store failed; nothing was changed or acknowledged.
    case storage(String)
    /// The directory is shutting down or closed.
    case unavailable(String)

    public var description: String {
        switch self {
        case .unreadableDocument(let reason): return "unreadable description: \(reason)"
        case .invalid(let errors):
            return "invalid description: " + errors.map(\.summary).joined(separator: "; ")
        case .invalidProof(let reason): return "invalid proof: \(reason)"
        case .notFound(let id): return "no description with id \(id)"
        case .forbidden(let reason): return "forbidden: \(reason)"
        case .invalidQuery(let reason): return "invalid query: \(reason)"
        case .storage(let reason): return "storage error: \(reason)"
        case .unavailable(let reason): return "unavailable: \(reason)"
        }
    }
}
