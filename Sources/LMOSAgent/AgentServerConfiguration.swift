import LMOSBindings

/// How an ``AgentServer`` listens, which bindings it offers, and where it makes its agents known.
public struct AgentServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port (0: any free one).
    public var port: Int
    /// The origin that forms name (`http://agent.example:8080`), when clients reach the server by another name than
    /// `host:port` (behind a proxy, or listening on `0.0.0.0`).
    public var publicURL: String?
    /// Whether descriptions get HTTP binding forms (the routes are served either way).
    public var http: Bool
    /// Whether descriptions get WebSocket (`lmosprotocol`) forms.
    public var webSocket: Bool
    /// The WebSocket endpoint's path.
    public var webSocketPath: String
    /// Message sizes, concurrent invocations, subscriptions, pings.
    public var limits: BindingLimits
    /// Directories to register in (base URLs), kept registered with ``registrationTTL`` until shutdown.
    public var directories: [String]
    /// Also register in every directory found on the local network by mDNS (`_directory._sub._wot._tcp`).
    public var discoverDirectories: Bool
    /// The registrations' time-to-live in seconds; they are renewed at half of it.
    public var registrationTTL: Double
    /// Advertise each agent on the local network (`_wot._tcp`).
    public var advertise: Bool
    /// The network interface for mDNS (nil: every multicast-capable one).
    public var interface: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, http: Bool = true, webSocket: Bool = true,
        webSocketPath: String = "/ws", limits: BindingLimits = .init(), directories: [String] = [],
        discoverDirectories: Bool = false, registrationTTL: Double = 60, advertise: Bool = false, interface: String? = nil
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.http = http
        self.webSocket = webSocket
        self.webSocketPath = webSocketPath
        self.limits = limits
        self.directories = directories
        self.discoverDirectories = discoverDirectories
        self.registrationTTL = registrationTTL
        self.advertise = advertise
        self.interface = interface
    }
}
