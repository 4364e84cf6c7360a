import KRPC

/// How a DHT node runs.
public struct DHTNodeConfiguration: Sendable {
    /// The address to bind the UDP socket to.
    public var host: String
    /// The UDP port (0: any free port).
    public var port: Int
    /// Nodes to join through, as `HOST:PORT` endpoints (IPv4).
    public var bootstrap: [NodeEndpoint]
    /// The node id; `nil`: the one in `stateFile`, or a new random one.
    public var nodeID: NodeID?
    /// Where the node id and known nodes are kept across runs (JSON), if anywhere.
    public var stateFile: String?
    /// A read-only node (BEP 43) asks but answers no queries, and others keep it out of their routing tables:
    /// the mode for short-lived clients such as the CLI's publish, resolve and find.
    public var readOnly: Bool
    /// Seconds to wait for an answer to one query.
    public var queryTimeout: Double
    /// Seconds after which a lookup stops waiting for a query before asking another node (the query stays open
    /// until `queryTimeout`). Default: a quarter of `queryTimeout`.
    public var slowAfter: Double
    /// Kademlia's k (bucket size, nodes a lookup converges on, nodes written to) and alpha (queries in flight).
    public var k: Int
    public var alpha: Int
    /// Queries accepted per source endpoint (address and port) per second, and in a burst.
    public var rateLimit: Double
    public var rateBurst: Double
    /// Queries accepted per source address (all its ports together) per second, and in a burst; loopback
    /// addresses are exempt (they cannot be forged from outside, and test networks share them).
    public var addressRateLimit: Double = 1000
    public var addressRateBurst: Double = 2000
    /// Items and announcements stored for others.
    public var itemCapacity: Int
    public var itemLifetime: Double
    /// How often descriptions this node publishes are written again (PROTOCOL.md 5: 60 minutes).
    public var republishInterval: Double
    /// How often capability and type rendezvous are announced again (peer stores keep announcements about 30
    /// minutes).
    public var announceInterval: Double = 1200
    /// How often routing table buckets untouched for this long are refreshed (BEP 5: 15 minutes).
    public var refreshInterval: Double
    /// How often the node does its housekeeping: token rotation, expiry, bucket refresh, re-publishing, saving
    /// state.
    public var maintenanceInterval: Double = 30

    public init(
        host: String = "0.0.0.0", port: Int = 0, bootstrap: [NodeEndpoint] = [], nodeID: NodeID? = nil,
        stateFile: String? = nil, readOnly: Bool = false, queryTimeout: Double = 2, k: Int = 8, alpha: Int = 3,
        rateLimit: Double = 250, rateBurst: Double = 500, itemCapacity: Int = 20_000, itemLifetime: Double = 7200,
        republishInterval: Double = 3600, refreshInterval: Double = 900
    ) {
        self.host = host
        self.port = port
        self.bootstrap = bootstrap
        self.nodeID = nodeID
        self.stateFile = stateFile
        self.readOnly = readOnly
        self.queryTimeout = queryTimeout
        slowAfter = queryTimeout / 4
        self.k = k
        self.alpha = alpha
        self.rateLimit = rateLimit
        self.rateBurst = rateBurst
        self.itemCapacity = itemCapacity
        self.itemLifetime = itemLifetime
        self.republishInterval = republishInterval
        self.refreshInterval = refreshInterval
    }
}
