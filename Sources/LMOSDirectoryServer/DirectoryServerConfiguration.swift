/// Settings of the directory's HTTP server.
public struct DirectoryServerConfiguration: Sendable, Hashable {
    /// The address to listen on (`127.0.0.1` by default: loopback only; `0.0.0.0` for every interface).
    public var host: String
    /// The TCP port (0: any free port; the URL printed when ready says which).
    public var port: Int
    /// The largest request body accepted, in bytes (413 beyond).
    public var maximumBodySize: Int
    /// The most descriptions in one page of a listing or search; a larger `limit` gets this many and a `next` link.
    /// Also the page size of a search without `limit`.
    public var maximumPageSize: Int
    /// The URL clients reach the directory at, used as `base` of its own description; nil: from the request's
    /// `Host` header.
    public var publicURL: String?
    /// The directory's title in its own description.
    public var title: String
    /// Idle seconds after which an event stream gets a comment to keep proxies from closing it.
    public var heartbeatInterval: Double
    /// How many descriptions a JSONPath search may look at (it builds the array of all of them in memory).
    public var maximumJSONPathDescriptions: Int
    /// How much work one JSONPath search may do (about one unit per node visited); beyond, it answers 422.
    public var jsonPathWorkLimit: Int
    /// Whether the server speaks TLS (set by ``DirectoryServer`` when it has a TLS configuration): `https` URLs.
    public var isTLS: Bool
    /// Requests per second one client (IP address) may make on average; nil: no limit. Beyond, 429 with
    /// `Retry-After`.
    public var requestsPerSecondPerClient: Double?
    /// How many requests one client may make at once before the rate applies (default: twice the rate).
    public var requestBurstPerClient: Double?
    /// Event streams one client may hold open; nil: no limit. Beyond, 429.
    public var maximumEventStreamsPerClient: Int?
    /// Whether loopback clients (127.0.0.0/8, ::1: local tools, benchmarks, a reverse proxy on the same host) are
    /// exempt from the per-client limits.
    public var limitsExemptLoopback: Bool
    /// Addresses of reverse proxies in front of the directory: for requests from them, the client is the address
    /// their `X-Forwarded-For` names (limits then count real clients, not the proxy).
    public var trustedProxies: [String]
    /// Seconds a connection may stay idle (no request, or a request's head not complete) before it is closed.
    public var idleTimeout: Double
    /// Seconds a client has to send a request body before 408.
    public var bodyTimeout: Double

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maximumBodySize: Int = 4 * 1024 * 1024,
        maximumPageSize: Int = 1000, publicURL: String? = nil, title: String = "LMOS Directory",
        heartbeatInterval: Double = 30, maximumJSONPathDescriptions: Int = 20_000,
        jsonPathWorkLimit: Int = 20_000_000, isTLS: Bool = false, requestsPerSecondPerClient: Double? = nil,
        requestBurstPerClient: Double? = nil, maximumEventStreamsPerClient: Int? = 16, limitsExemptLoopback: Bool = true,
        trustedProxies: [String] = [], idleTimeout: Double = 60,
        bodyTimeout: Double = 30
    ) {
        self.host = host
        self.port = port
        self.maximumBodySize = maximumBodySize
        self.maximumPageSize = maximumPageSize
        self.publicURL = publicURL
        self.title = title
        self.heartbeatInterval = heartbeatInterval
        self.maximumJSONPathDescriptions = maximumJSONPathDescriptions
        self.jsonPathWorkLimit = jsonPathWorkLimit
        self.isTLS = isTLS
        self.requestsPerSecondPerClient = requestsPerSecondPerClient
        self.requestBurstPerClient = requestBurstPerClient
        self.maximumEventStreamsPerClient = maximumEventStreamsPerClient
        self.limitsExemptLoopback = limitsExemptLoopback
        self.trustedProxies = trustedProxies
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
    }
}
