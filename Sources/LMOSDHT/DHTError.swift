import KRPC

/// Why a DHT operation failed.
public enum DHTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The UDP socket could not be opened.
    case socket(String)
    /// No node answered (bootstrap unreachable, empty routing table).
    case noNodes(String)
    /// Nothing is stored under the target, or nothing that verifies.
    case notFound(String)
    /// A stored record is malformed or does not match its pointer.
    case badRecord(String)
    /// The description's signature does not verify, or its keys do not match the record's.
    case verification(String)
    /// A node refused a write.
    case refused(KRPCError)
    /// The input (a DID, a key, a description) is not usable.
    case invalidInput(String)
    /// The node was stopped.
    case stopped

    public var description: String {
        switch self {
        case .socket(let text): "cannot open the DHT socket: \(text)"
        case .noNodes(let text): "no DHT node answered: \(text)"
        case .notFound(let text): "not found on the DHT: \(text)"
        case .badRecord(let text): "bad DHT record: \(text)"
        case .verification(let text): "does not verify: \(text)"
        case .refused(let error): "the DHT refused the write: \(error)"
        case .invalidInput(let text): text
        case .stopped: "the DHT node was stopped"
        }
    }
}
