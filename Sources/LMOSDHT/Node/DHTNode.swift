import KRPC
import Logging
import NIOCore
import NIOPosix

/// A Mainline DHT node (BEP 5, BEP 44) on one UDP socket: it answers other nodes' queries from its routing table,
/// item store and peer store, and runs lookups, gets and puts for its owner.
///
/// The actor runs on its socket's event loop, so a datagram reaches it without a thread hop; the protocol logic
/// lives in the pure types it holds (``RoutingTable``, ``ItemStore``, ``PeerStore``, ``WriteTokens``,
/// ``RateLimiter``, ``Lookup``).
public actor DHTNode {
    /// This node's id.
    public nonisolated let id: NodeID
    /// The configuration it was started with.
    public nonisolated let configuration: DHTNodeConfiguration
    nonisolated let eventLoop: any EventLoop
    let logger: Logger

    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    var channel: (any Channel)?
    /// The UDP port bound.
    public private(set) var port: Int = 0

    var routing: RoutingTable
    var store: ItemStore
    var peerStore: PeerStore
    var tokens: WriteTokens
    var limiter: RateLimiter
    var addressLimiter: RateLimiter
    var pending: [UInt16: PendingQuery] = [:]
    /// Endpoints with a verification ping in flight.
    var pinging: Set<NodeEndpoint> = []
    /// Queries waiting for answers at most (a free transaction id always exists below 65,536).
    static let maximumPendingQueries = 4096
    var nextTransaction: UInt16
    var maintenance: RepeatedTask?
    var stopped = false
    /// Descriptions this node publishes (by salt: DID and local id), answered to `lmos_who` and re-published.
    var published: [String: PublishedDescription] = [:]
    var counters = DHTCounters()

    /// Our client version, `v` (BEP 20 style: two letters, two version bytes).
    static let clientVersion: [UInt8] = [UInt8(ascii: "L"), UInt8(ascii: "M"), 0, 1]

    init(id: NodeID, configuration: DHTNodeConfiguration, eventLoop: any EventLoop, logger: Logger) {
        self.id = id
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        let now = DHTNode.now()
        routing = RoutingTable(ownID: id, bucketSize: configuration.k, now: now)
        store = ItemStore(lifetime: configuration.itemLifetime, capacity: configuration.itemCapacity)
        peerStore = PeerStore()
        tokens = WriteTokens(now: now)
        limiter = RateLimiter(rate: configuration.rateLimit, burst: configuration.rateBurst)
        addressLimiter = RateLimiter(rate: configuration.addressRateLimit, burst: configuration.addressRateBurst)
        nextTransaction = UInt16.random(in: 0...UInt16.max)
    }

    /// Opens the socket and joins the network through the configured bootstrap nodes (and those remembered in the
    /// state file). A node that reaches no other node still runs: others may join it.
    public static func start(
        _ configuration: DHTNodeConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "lmos.dht")
    ) async throws(DHTError) -> DHTNode {
        guard configuration.queryTimeout.isFinite, configuration.queryTimeout > 0, configuration.slowAfter.isFinite,
            configuration.slowAfter > 0, configuration.maintenanceInterval.isFinite, configuration.k > 0,
            configuration.alpha > 0
        else {
            throw .invalidInput("the DHT configuration needs positive, finite timeouts, k and alpha")
        }
        var state: NodeState?
        if let path = configuration.stateFile { state = try NodeState.load(path) }
        let id = configuration.nodeID ?? state?.id ?? NodeID.random()
        let eventLoop = group.next()
        let node = DHTNode(id: id, configuration: configuration, eventLoop: eventLoop, logger: logger)
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: eventLoop)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DHTChannelHandler(node: node))
                    }
                }
                .bind(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw .socket("\(configuration.host):\(configuration.port): \(error)")
        }
        await node.attach(channel, remembered: state?.nodes ?? [])
        if !configuration.bootstrap.isEmpty || !(state?.nodes.isEmpty ?? true) {
            await node.join()
        }
        return node
    }

    private func attach(_ channel: any Channel, remembered: [NodeInfo]) {
        self.channel = channel
        port = channel.localAddress?.port ?? 0
        let now = DHTNode.now()
        for node in remembered { routing.insert(node, responded: false, now: now) }
        let interval = TimeAmount.nanoseconds(Int64(max(0.05, configuration.maintenanceInterval) * 1e9))
        maintenance = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            self.assumeIsolated { $0.maintain() }
        }
        logger.debug("DHT node listening", metadata: ["port": "\(port)", "id": "\(id)"])
    }

    /// Pings the bootstrap nodes and remembered nodes, then looks up our own id to fill the routing table (BEP 5
    /// joining). Returns the number of nodes in the routing table.
    @discardableResult
    public func join() async -> Int {
        let endpoints = configuration.bootstrap + routing.allNodes.map(\.endpoint)
        await withTaskGroup(of: Void.self) { group in
            for endpoint in Set(endpoints) {
                group.addTask { _ = await self.query(.findNode(target: self.id), to: endpoint) }
            }
        }
        _ = await lookup(target: id, method: { .findNode(target: $0) })
        // Then, as Kademlia's join does, refresh every bucket farther than our closest neighbour: one lookup of a
        // random id in each bucket's range fills the table beyond our own neighbourhood, which lookups for
        // targets far from us need.
        let targets = routing.bucketsToRefresh(now: DHTNode.now(), interval: 0)
        await withTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask { _ = await self.lookup(target: target, method: { .findNode(target: $0) }) }
            }
        }
        return routing.count
    }

    /// Stops answering, fails the queries in flight, and saves the state file.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        maintenance?.cancel()
        saveState()
        for (_, query) in pending {
            query.timeout?.cancel()
            query.slowTimer?.cancel()
            query.completion(.stopped)
        }
        pending.removeAll()
        try? await channel?.close()
        channel = nil
    }

    /// Statistics: routing table size, items and peers stored, messages counted.
    public var statistics: DHTStatistics {
        DHTStatistics(
            nodeID: id, port: port, routingTableSize: routing.count, itemsStored: store.count,
            publishedDIDs: Set(published.values.map(\.did)).sorted(), counters: counters)
    }

    /// The nodes in the routing table.
    public var knownNodes: [NodeInfo] { routing.allNodes }

    /// Adds a node (for example one that a user named) as if it had answered.
    public func addNode(_ node: NodeInfo) {
        routing.insert(node, responded: true, now: DHTNode.now())
    }

    static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }

    // MARK: Receiving

    func receive(_ bytes: [UInt8], from source: NodeEndpoint) {
        guard !stopped else { return }
        counters.received += 1
        let now = DHTNode.now()
        let message: KRPCMessage
        do {
            message = try KRPCMessage.decode(bytes)
        } catch {
            counters.malformed += 1
            if error.isQuery, let transaction = error.transactionID, !configuration.readOnly,
                allow(source, now: now)
            {
                send(KRPCMessage(transactionID: transaction, kind: .error(.protocolError(error.reason))), to: source)
            }
            return
        }
        switch message.kind {
        case .query(let query):
            guard !configuration.readOnly else { return }
            guard allow(source, now: now) else {
                counters.rateLimited += 1
                return
            }
            counters.queriesAnswered += 1
            if !message.readOnly {
                noteNode(NodeInfo(id: query.sender, endpoint: source), responded: false, now: now)
            }
            let kind: KRPCMessage.Kind
            do {
                kind = .response(try answer(query, from: source, now: now))
            } catch {
                kind = .error(error)
            }
            send(
                KRPCMessage(transactionID: message.transactionID, kind: kind, requesterEndpoint: source), to: source)
        case .response(let response):
            guard let pendingQuery = takePending(message.transactionID, from: source) else { return }
            if !message.readOnly {
                noteNode(NodeInfo(id: response.sender, endpoint: source), responded: true, now: now)
            }
            pendingQuery.completion(.response(response))
        case .error(let error):
            guard let pendingQuery = takePending(message.transactionID, from: source) else { return }
            pendingQuery.completion(.error(error))
        }
    }

    /// Whether a query from `source` is within both rate limits (per endpoint, and per address unless loopback).
    private func allow(_ source: NodeEndpoint, now: Double) -> Bool {
        guard limiter.allow(source, now: now) else { return false }
        if source.address >> 24 == 127 { return true }
        return addressLimiter.allow(NodeEndpoint(address: source.address, port: 0), now: now)
    }

    private func takePending(_ transactionID: [UInt8], from source: NodeEndpoint) -> PendingQuery? {
        guard transactionID.count == 2 else { return nil }
        let key = UInt16(transactionID[0]) << 8 | UInt16(transactionID[1])
        // Only the node we asked may answer (a forged answer from elsewhere is dropped).
        guard let query = pending[key], query.endpoint == source else { return nil }
        pending[key] = nil
        query.timeout?.cancel()
        query.slowTimer?.cancel()
        return query
    }

    /// Adds a node that answered us or queried us. A node new to us that only queried us is pinged back before we
    /// tell others about it (its source address could be forged); when a full bucket has a questionable node, that
    /// one is pinged and removed if it stays silent. One ping per endpoint at a time.
    func noteNode(_ node: NodeInfo, responded: Bool, now: Double) {
        switch routing.insert(node, responded: responded, now: now) {
        case .added where !responded:
            verify(node)
        case .pingOldest(let oldest):
            verify(oldest)
        default:
            break
        }
    }

    private func verify(_ node: NodeInfo) {
        guard !pinging.contains(node.endpoint) else { return }
        pinging.insert(node.endpoint)
        sendQuery(.ping, to: node.endpoint) { [self] outcome in
            pinging.remove(node.endpoint)
            if case .timeout = outcome { routing.recordFailure(node) }
        }
    }

    /// The answer to a query (pure decisions on this node's state).
    func answer(_ query: KRPCQuery, from source: NodeEndpoint, now: Double) throws(KRPCError) -> KRPCResponse {
        var response = KRPCResponse(sender: id)
        switch query.method {
        case .ping:
            break
        case .findNode(let target):
            response.nodes = routing.closest(to: target, count: configuration.k, verifiedOnly: true)
        case .getPeers(let infoHash):
            response.token = tokens.token(for: source.address)
            response.peers = peerStore.peers(for: infoHash, now: now)
            response.nodes = routing.closest(to: infoHash, count: configuration.k, verifiedOnly: true)
        case .announcePeer(let infoHash, let port, let token, let impliedPort):
            guard tokens.isValid(token, for: source.address) else { throw .protocolError("bad token") }
            peerStore.announce(
                NodeEndpoint(address: source.address, port: impliedPort ? source.port : port), for: infoHash, now: now)
        case .get(let target, let sequenceNumber):
            response.token = tokens.token(for: source.address)
            response.nodes = routing.closest(to: target, count: configuration.k, verifiedOnly: true)
            if let item = store.get(target, now: now) {
                if let stored = item.sequenceNumber {
                    response.sequenceNumber = stored
                    response.key = item.key
                    if sequenceNumber.map({ stored > $0 }) ?? true {
                        response.value = item.value
                        response.signature = item.signature
                    }
                } else {
                    response.value = item.value
                }
            }
        case .put(let put):
            guard tokens.isValid(put.token, for: source.address) else { throw .protocolError("bad token") }
            let item = DHTItem(
                value: put.value, key: put.key, signature: put.signature, sequenceNumber: put.sequenceNumber,
                salt: put.salt)
            do {
                try store.put(item, compareAndSwap: put.compareAndSwap, now: now)
                counters.itemsAccepted += 1
            } catch {
                counters.itemsRefused += 1
                throw error
            }
        case .lmosWho:
            response.dids = Set(published.values.filter { $0.localID == nil }.map(\.did)).sorted()
            for record in published.values {
                if let localID = record.localID { response.localIDs[record.did, default: []].append(localID) }
            }
            for did in response.localIDs.keys { response.localIDs[did]?.sort() }
        case .other(let name):
            throw .methodUnknown(String(decoding: name, as: UTF8.self))
        }
        return response
    }

    // MARK: Sending

    func send(_ message: KRPCMessage, to endpoint: NodeEndpoint) {
        guard let channel else { return }
        var message = message
        message.clientVersion = DHTNode.clientVersion
        if configuration.readOnly { message.readOnly = true }
        let bytes = message.encoded()
        counters.sent += 1
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: endpoint.socketAddress, data: buffer), promise: nil)
    }

    // MARK: Maintenance

    func maintain() {
        guard !stopped else { return }
        let now = DHTNode.now()
        tokens.rotateIfDue(now: now)
        store.expire(now: now)
        peerStore.expire(now: now)
        let targets = routing.bucketsToRefresh(now: now, interval: configuration.refreshInterval)
        if !targets.isEmpty && routing.count > 0 {
            Task { for target in targets { _ = await self.lookup(target: target, method: { .findNode(target: $0) }) } }
        }
        for (slot, record) in published {
            if now - record.publishedAt >= configuration.republishInterval {
                Task { try? await self.republish(slot) }
            } else if record.announce, now - record.announcedAt >= configuration.announceInterval {
                Task { await self.reannounce(slot) }
            }
        }
        if now - lastStateSave >= 300 { saveState() }
    }

    var lastStateSave: Double = 0

    func saveState() {
        lastStateSave = DHTNode.now()
        guard let path = configuration.stateFile else { return }
        do {
            try NodeState(id: id, nodes: routing.allNodes).save(path)
        } catch {
            logger.warning("DHT state not saved", metadata: ["error": "\(error)"])
        }
    }
}

/// What the node counted since it started.
public struct DHTCounters: Sendable, Hashable {
    public var sent = 0
    public var received = 0
    public var malformed = 0
    public var rateLimited = 0
    public var queriesAnswered = 0
    public var timeouts = 0
    public var itemsAccepted = 0
    public var itemsRefused = 0
    /// Queries not sent because too many were waiting already.
    public var dropped = 0
}

/// A snapshot of a node.
public struct DHTStatistics: Sendable, Hashable {
    public var nodeID: NodeID
    public var port: Int
    public var routingTableSize: Int
    public var itemsStored: Int
    public var publishedDIDs: [String]
    public var counters: DHTCounters
}
