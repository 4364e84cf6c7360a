import DNSMessage

/// A service instance found on the local network, resolved to a host, port, attributes and addresses.
public struct DiscoveredService: Sendable, Hashable, CustomStringConvertible {
    /// The full instance name, for example `Weather Agent._wot._tcp.local.`.
    public let instanceName: DomainName
    /// The target host of its SRV record.
    public let host: DomainName
    /// The port of its SRV record.
    public let port: UInt16
    /// Its TXT attributes.
    public let txt: TXTRecord
    /// The host's addresses, preferred first (IPv4, routable IPv6, link-local IPv6).
    public let addresses: [IPAddress]

    /// The user-visible instance name, for example `Weather Agent`.
    public var name: String { instanceName.firstLabel ?? "" }

    /// For WoT services: the description's URL from TXT `scheme` (default `http`), the first address, the SRV port
    /// and TXT `td` (default `/.well-known/wot`), per WoT Discovery section 6.3 and PROTOCOL.md section 4.
    public var descriptionURL: String? {
        guard let address = addresses.first else { return nil }
        let scheme = txt["scheme"].flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "http"
        guard ["http", "https", "coap", "coaps"].contains(scheme) else { return nil }
        var path = txt["td"].flatMap { $0.isEmpty ? nil : $0 } ?? "/.well-known/wot"
        if !path.hasPrefix("/") { path = "/" + path }
        return "\(scheme)://\(address.urlHost):\(port)\(path)"
    }

    /// For WoT services: TXT `type`, `Thing` or `Directory` (default `Thing`).
    public var wotType: String { txt["type"].flatMap { $0.isEmpty ? nil : $0 } ?? "Thing" }

    public var description: String { "\(instanceName) -> \(host):\(port) [\(txt)] \(addresses)" }
}

/// A change in what a browser sees.
public enum BrowseEvent: Sendable, Hashable {
    /// A service appeared and resolved.
    case added(DiscoveredService)
    /// A known service changed its port, host, attributes or addresses.
    case updated(DiscoveredService)
    /// A service said goodbye or its records expired.
    case removed(DiscoveredService)
}
