import DNSMessage

/// An IPv4 or IPv6 address of a host found or advertised on the local network.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(IPv4Address)
    /// An IPv6 address; link-local addresses carry the index of the interface they were seen on (the zone).
    case v6(IPv6Address, zone: UInt32? = nil)

    /// The address as it goes in a URL's host: IPv6 in brackets, with `%25` and the zone for link-local ones.
    public var urlHost: String {
        switch self {
        case .v4(let address): "\(address)"
        case .v6(let address, let zone): "[\(address)\(zone.map { "%25\($0)" } ?? "")]"
        }
    }

    public var description: String {
        switch self {
        case .v4(let address): "\(address)"
        case .v6(let address, let zone): "\(address)\(zone.map { "%\($0)" } ?? "")"
        }
    }

    /// Preference when several addresses reach one host: IPv4 before routable IPv6 before link-local IPv6.
    var preference: Int {
        switch self {
        case .v4(let address): address.isLinkLocal ? 1 : 0
        case .v6(let address, _): address.isLinkLocal ? 3 : 2
        }
    }
}
