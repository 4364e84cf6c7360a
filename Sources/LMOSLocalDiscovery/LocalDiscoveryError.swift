/// Why advertising or browsing on the local network failed.
public enum LocalDiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service cannot be advertised as given (name too long, bad TXT attribute).
    case invalidService(String)
    /// No network interface matched, or none that can send multicast.
    case noInterface(String)
    /// The multicast sockets could not be opened or joined.
    case socket(String)
    /// The responder was shut down.
    case shutDown

    public var description: String {
        switch self {
        case .invalidService(let reason): "cannot advertise this service: \(reason)"
        case .noInterface(let reason): reason
        case .socket(let reason): "mDNS socket: \(reason)"
        case .shutDown: "the mDNS responder has been shut down"
        }
    }
}
