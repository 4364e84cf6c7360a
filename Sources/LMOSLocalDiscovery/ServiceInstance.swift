import DNSMessage

/// A service instance to advertise with DNS-SD: a name, where it listens, and its TXT attributes
/// (RFC 6763 section 4).
public struct ServiceInstance: Sendable, Hashable {
    /// The user-visible instance name, UTF-8, up to 63 bytes, for example `Weather Agent`.
    public var name: String
    /// The service type.
    public var type: ServiceType
    /// Subtypes it is also listed under, for example `_directory` (RFC 6763 section 7.1).
    public var subtypes: [String]
    /// The port it listens on.
    public var port: UInt16
    /// Its attributes.
    public var txt: TXTRecord

    public init(name: String, type: ServiceType = .wot, subtypes: [String] = [], port: UInt16, txt: TXTRecord = TXTRecord()) {
        self.name = name
        self.type = type
        self.subtypes = subtypes
        self.port = port
        self.txt = txt
    }

    /// A WoT thing or directory whose description is at `scheme://host:port/path` (PROTOCOL.md section 4: TXT `td`,
    /// `type`, `scheme`; directories also under the `_directory` subtype).
    public static func wot(name: String, port: UInt16, descriptionPath: String, isDirectory: Bool = false, scheme: String = "http") throws(LocalDiscoveryError) -> ServiceInstance {
        do {
            let txt = try TXTRecord([
                ("td", descriptionPath), ("type", isDirectory ? "Directory" : "Thing"), ("scheme", scheme),
            ])
            return ServiceInstance(
                name: name, subtypes: isDirectory ? [ServiceType.directorySubtype] : [], port: port, txt: txt)
        } catch {
            throw LocalDiscoveryError.invalidService(error.reason)
        }
    }

    /// `Name._wot._tcp.local.`
    var instanceName: DomainName {
        get throws(DNSMessageError) { try type.name.prepending(name) }
    }
}
