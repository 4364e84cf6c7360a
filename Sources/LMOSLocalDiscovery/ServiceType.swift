import DNSMessage

/// A DNS-SD service type such as `_wot._tcp` in the `local` domain (RFC 6763 section 7).
public struct ServiceType: Sendable, Hashable, CustomStringConvertible {
    /// The application protocol label, with its underscore, for example `_wot`.
    public let application: String
    /// The transport label, `_tcp` or `_udp`.
    public let transport: String

    /// A service type from its labels; both must start with `_`.
    public init(application: String, transport: String = "_tcp") {
        self.application = application
        self.transport = transport
    }

    /// Web of Things things and directories (WoT Discovery section 6.3, PROTOCOL.md section 4).
    public static let wot = ServiceType(application: "_wot")
    /// The subtype under which directories also advertise: `_directory._sub._wot._tcp`.
    public static let directorySubtype = "_directory"

    /// `_wot._tcp.local.`
    public var name: DomainName {
        get throws(DNSMessageError) { try DomainName([application, transport, "local"]) }
    }

    /// `_sub._wot._tcp.local.` under a subtype label, for example `_directory._sub._wot._tcp.local.`.
    public func subtypeName(_ subtype: String) throws(DNSMessageError) -> DomainName {
        try DomainName([subtype, "_sub", application, transport, "local"])
    }

    /// `_services._dns-sd._udp.local.`, where every service type is listed (RFC 6763 section 9).
    static let enumerationName = (try? DomainName(["_services", "_dns-sd", "_udp", "local"])) ?? .root

    public var description: String { "\(application).\(transport)" }
}
