import MQTTCore
import NIOCore
import NIOPosix
import NIOSSL

/// An MQTT 3.1.1 / 5.0 client on SwiftNIO: connects, publishes with QoS 0, 1 and 2, subscribes with wildcards,
/// keeps the connection alive, and reconnects with back-off after a drop (re-subscribing when the broker did not
/// keep the session). The protocol lives in ``MQTTSession``; this actor runs on its connection's event loop and
/// only moves bytes and wakes waiting callers.
public actor MQTTClient {
    public nonisolated let configuration: MQTTClientConfiguration
    nonisolated let eventLoop: any EventLoop
    let group: any EventLoopGroup

    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    var session: MQTTSession
    var parser: MQTTPacketParser
    var channel: (any Channel)?
    var ticker: RepeatedTask?
    var closed = false
    var backoff: Double
    var connectWaiter: CheckedContinuation<Void, any Error>?
    /// Who waits for each QoS 1 / 2 publication's acknowledgement.
    var publishWaiters: [UInt16: (Result<UInt8, MQTTClientError>) -> Void] = [:]
    var subscribeWaiters: [UInt16: CheckedContinuation<MQTTSubAck, any Error>] = [:]
    /// Subscriptions to restore when the broker forgot the session.
    var subscriptions: [String: MQTTSubscription] = [:]
    var streams: [Int: (filter: String, continuation: AsyncStream<MQTTPublish>.Continuation)] = [:]
    /// Delivered messages no stream matched yet, oldest first (at most `maximumUnclaimed`).
    var unclaimed: [MQTTPublish] = []
    static let maximumUnclaimed = 1000
    var nextStream = 0

    init(configuration: MQTTClientConfiguration, group: any EventLoopGroup) {
        self.configuration = configuration
        self.group = group
        eventLoop = group.next()
        session = MQTTSession(connect: configuration.connect)
        parser = MQTTPacketParser(version: configuration.version, maximumPacketSize: configuration.maximumPacketSize)
        backoff = configuration.minimumBackoff
    }

    /// Connects (TCP, CONNECT, CONNACK) and returns a running client.
    public static func connect(
        _ configuration: MQTTClientConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(MQTTClientError) -> MQTTClient {
        let client = MQTTClient(configuration: configuration, group: group)
        do {
            try await client.openConnection()
        } catch let error as MQTTClientError {
            await client.shutDown()
            throw error
        } catch {
            await client.shutDown()
            throw .connectionFailed("\(error)")
        }
        await client.startTicking()
        return client
    }

    /// Whether CONNACK accepted the current connection.
    public var isConnected: Bool { session.state == .connected }

    // MARK: Operations

    /// Publishes a message; returns the broker's reason code for QoS 1 and 2 (0: success), 0 for QoS 0. QoS 1
    /// and 2 messages wait through a reconnect; QoS 0 needs a connection.
    @discardableResult
    public func publish(
        _ topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        properties: MQTTProperties = .init()
    ) async throws(MQTTClientError) -> UInt8 {
        guard !closed else { throw .closed }
        let message = MQTTPublish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
        // A bad topic is the caller's mistake: refuse it here rather than let the encoder drop the connection.
        if !(topic.isEmpty && properties.topicAlias != nil) {
            do {
                try MQTTTopic.validateName(topic)
            } catch {
                throw .protocolError(error)
            }
        }
        // QoS 0 needs a connection; QoS 1 and 2 may wait for the next one, if there will be one.
        if session.state != .connected, qos == .atMostOnce || !configuration.reconnect { throw .notConnected }
        let (id, actions): (UInt16?, [MQTTSession.Action])
        do {
            (id, actions) = try session.publish(message, now: Self.now())
        } catch {
            throw .protocolError(error)
        }
        guard let id else {
            perform(actions)
            return 0
        }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                publishWaiters[id] = { continuation.resume(with: $0) }
                perform(actions)
            }
        } catch let error as MQTTClientError {
            throw error
        } catch {
            throw .connectionLost
        }
    }

    /// Publishes several messages in one go (one hop to the connection's event loop, one flush): for bursts.
    /// Returns each message's reason code, in order (0 for QoS 0), once all QoS 1 and 2 ones are acknowledged.
    @discardableResult
    public func publish(batch messages: [MQTTPublish]) async throws(MQTTClientError) -> [UInt8] {
        guard !closed else { throw .closed }
        var codes = [UInt8](repeating: 0, count: messages.count)
        var waiting: [(index: Int, id: UInt16)] = []
        var actions: [MQTTSession.Action] = []
        // Everything is checked before anything is handed to the session: a batch goes out whole or not at all.
        if session.state != .connected, !configuration.reconnect || messages.contains(where: { $0.qos == .atMostOnce }) {
            throw .notConnected
        }
        for message in messages {
            do {
                try MQTTTopic.validateName(message.topic)
            } catch {
                throw .protocolError(error)
            }
        }
        for (index, message) in messages.enumerated() {
            do {
                let (id, more) = try session.publish(message, now: Self.now())
                actions += more
                if let id { waiting.append((index, id)) }
            } catch {
                throw .protocolError(error)
            }
        }
        guard !waiting.isEmpty else {
            perform(actions)
            return codes
        }
        do {
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                var remaining = waiting.count
                var failed = false
                for (index, id) in waiting {
                    publishWaiters[id] = { result in
                        guard !failed else { return }
                        switch result {
                        case .success(let code):
                            codes[index] = code
                            remaining -= 1
                            if remaining == 0 { continuation.resume(returning: codes) }
                        case .failure(let error):
                            failed = true
                            continuation.resume(throwing: error)
                        }
                    }
                }
                perform(actions)
            }
        } catch let error as MQTTClientError {
            throw error
        } catch {
            throw .connectionLost
        }
    }

    /// Subscribes; remembered, and restored after a reconnect that lost the session.
    @discardableResult
    public func subscribe(
        _ subscriptions: [MQTTSubscription], properties: MQTTProperties = .init()
    ) async throws(MQTTClientError) -> MQTTSubAck {
        guard !closed else { throw .closed }
        for subscription in subscriptions { self.subscriptions[subscription.filter] = subscription }
        return try await request { session throws(MQTTError) in
            try session.subscribe(subscriptions, properties: properties, now: Self.now())
        }
    }

    /// Unsubscribes.
    @discardableResult
    public func unsubscribe(_ filters: [String]) async throws(MQTTClientError) -> MQTTSubAck {
        guard !closed else { throw .closed }
        for filter in filters { subscriptions[filter] = nil }
        return try await request { session throws(MQTTError) in try session.unsubscribe(filters, now: Self.now()) }
    }

    private func request(
        _ make: (inout MQTTSession) throws(MQTTError) -> (packetID: UInt16, actions: [MQTTSession.Action])
    ) async throws(MQTTClientError) -> MQTTSubAck {
        guard session.state == .connected else { throw .notConnected }
        let (id, actions): (UInt16, [MQTTSession.Action])
        do {
            (id, actions) = try make(&session)
        } catch {
            throw .protocolError(error)
        }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                subscribeWaiters[id] = continuation
                perform(actions)
            }
        } catch let error as MQTTClientError {
            throw error
        } catch {
            throw .connectionLost
        }
    }

    /// The messages whose topic matches `filter` (subscribe separately), until the client closes; messages that
    /// arrived before any stream matched them (up to 1000) come first.
    public func messages(matching filter: String) -> AsyncStream<MQTTPublish> {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTPublish.self, bufferingPolicy: .bufferingNewest(10_000))
        let key = nextStream
        nextStream += 1
        streams[key] = (filter, continuation)
        let matching = unclaimed.filter { MQTTTopic.matches(filter: filter, topic: $0.topic) }
        if !matching.isEmpty {
            unclaimed.removeAll { MQTTTopic.matches(filter: filter, topic: $0.topic) }
            for message in matching { continuation.yield(message) }
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await self.removeStream(key) }
        }
        return stream
    }

    private func removeStream(_ key: Int) { streams[key] = nil }

    /// Sends DISCONNECT, closes the connection, ends message streams and fails what still waits.
    public func disconnect() async {
        guard !closed else { return }
        perform(session.disconnect())
        await shutDown()
    }

    func shutDown() async {
        closed = true
        ticker?.cancel()
        ticker = nil
        let channel = self.channel
        self.channel = nil
        // What was written (DISCONNECT) goes out before the socket closes: closing drops unflushed writes.
        channel?.flush()
        try? await channel?.close()
        failWaiters(.closed)
        for (_, stream) in streams { stream.continuation.finish() }
        streams = [:]
    }

    // MARK: Connection

    /// The TLS context, made once (reading the CA and certificate files) and reused by reconnects.
    var sslContext: NIOSSLContext?

    func tlsContext(_ tls: MQTTTLS) throws -> NIOSSLContext {
        if let sslContext { return sslContext }
        var settings = TLSConfiguration.makeClientConfiguration()
        if let caFile = tls.caFile { settings.trustRoots = .file(caFile) }
        if let certificateFile = tls.certificateFile, let keyFile = tls.privateKeyFile {
            settings.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            settings.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        let context = try NIOSSLContext(configuration: settings)
        sslContext = context
        return context
    }

    func openConnection() async throws {
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = try configuration.tls.map { tls in try self.tlsContext(tls) }
        } catch {
            throw MQTTClientError.connectionFailed("TLS settings: \(error)")
        }
        let serverName: String? = configuration.tls.flatMap { tls in
            tls.serverName ?? (Self.isIPAddress(configuration.host) ? nil : configuration.host)
        }
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout * 1e9)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(MQTTChannelHandler(client: self))
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .get()
        guard !closed else {
            try? await channel.close()
            throw MQTTClientError.closed
        }
        self.channel = channel
        parser = MQTTPacketParser(version: configuration.version, maximumPacketSize: configuration.maximumPacketSize)
        let timeout = eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.connectTimeout * 1e9))) { [self] in
            self.assumeIsolated { client in
                client.connectWaiter?.resume(throwing: MQTTClientError.connectionFailed("no CONNACK in time"))
                client.connectWaiter = nil
                client.channel?.close(promise: nil)
            }
        }
        defer { timeout.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            connectWaiter = continuation
            perform(session.connectionOpened(now: Self.now()))
        }
    }

    private func startTicking() {
        ticker = eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [self] _ in
            self.assumeIsolated { client in client.perform(client.session.tick(now: Self.now())) }
        }
    }

    func received(_ bytes: ByteBuffer) {
        parser.append(bytes.readableBytesView)
        while true {
            let packet: MQTTPacket?
            do {
                packet = try parser.next()
            } catch {
                channel?.close(promise: nil)
                return
            }
            guard let packet else { return }
            if case .connAck(let ack) = packet, ack.isAccepted {
                // From now on the broker's own version is the connection's (it answered ours).
                parser.version = configuration.version
            }
            perform(session.receive(packet, now: Self.now()))
        }
    }

    func connectionClosed() {
        channel = nil
        perform(session.connectionLost())
        if let connectWaiter {
            self.connectWaiter = nil
            connectWaiter.resume(throwing: MQTTClientError.connectionFailed("the broker closed the connection"))
            return
        }
        guard !closed, configuration.reconnect else {
            failWaiters(closed ? .closed : .connectionLost)
            return
        }
        scheduleReconnect()
    }

    /// One reconnect attempt scheduled at a time (a failed attempt and a closed connection may both ask).
    var reconnectPending = false

    private func scheduleReconnect() {
        guard !reconnectPending else { return }
        reconnectPending = true
        let delay = backoff
        backoff = min(configuration.maximumBackoff, backoff * 2)
        eventLoop.scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) { [self] in
            self.assumeIsolated { client in
                client.reconnectPending = false
                guard !client.closed else { return }
                Task {
                    do {
                        try await client.openConnection()
                    } catch {
                        if !client.closed { client.scheduleReconnectIfDown() }
                    }
                }
            }
        }
    }

    private func scheduleReconnectIfDown() {
        if channel == nil { scheduleReconnect() }
    }

    // MARK: Actions

    func perform(_ actions: [MQTTSession.Action]) {
        for action in actions {
            switch action {
            case .send(let packet):
                guard let channel else { continue }
                do {
                    let bytes = try packet.encoded(version: configuration.version)
                    channel.write(channel.allocator.buffer(bytes: bytes), promise: nil)
                    scheduleFlush()
                } catch {
                    channel.close(promise: nil)
                }
            case .deliver(let message):
                var claimed = false
                for (_, stream) in streams where MQTTTopic.matches(filter: stream.filter, topic: message.topic) {
                    stream.continuation.yield(message)
                    claimed = true
                }
                // Messages that arrive before anyone asks for them (a persistent session's backlog comes right
                // after CONNACK) wait for the first matching stream.
                if !claimed {
                    if unclaimed.count >= Self.maximumUnclaimed { unclaimed.removeFirst() }
                    unclaimed.append(message)
                }
            case .connected(let ack):
                backoff = configuration.minimumBackoff
                connectWaiter?.resume()
                connectWaiter = nil
                if !ack.sessionPresent, !subscriptions.isEmpty {
                    // The broker forgot our subscriptions: subscribe again (answers are not awaited).
                    if let (_, resubscribe) = try? session.subscribe(Array(subscriptions.values), now: Self.now()) {
                        perform(resubscribe)
                    }
                }
            case .published(let id, let code):
                guard let waiter = publishWaiters.removeValue(forKey: id) else { continue }
                waiter(code.map { .success($0) } ?? .failure(.connectionLost))
            case .subscribed(let ack), .unsubscribed(let ack):
                subscribeWaiters.removeValue(forKey: ack.packetID)?.resume(returning: ack)
            case .abandoned(let id):
                subscribeWaiters.removeValue(forKey: id)?.resume(throwing: MQTTClientError.connectionLost)
            case .close(let reason):
                if let connectWaiter {
                    self.connectWaiter = nil
                    connectWaiter.resume(throwing: MQTTClientError.connectionFailed(reason))
                }
                channel?.flush()
                channel?.close(promise: nil)
            case .rejected(let ack):
                if let connectWaiter {
                    self.connectWaiter = nil
                    connectWaiter.resume(throwing: MQTTClientError.refused(ack.reasonCode))
                }
                // A refusal is final: no reconnect loop against a broker that says no.
                closed = true
                channel?.close(promise: nil)
            }
        }
    }

    /// Packets written in one turn of the event loop go out in one flush (one system call for a burst).
    private var flushScheduled = false

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        eventLoop.execute { [self] in
            self.assumeIsolated { client in
                client.flushScheduled = false
                client.channel?.flush()
            }
        }
    }

    private func failWaiters(_ error: MQTTClientError) {
        connectWaiter?.resume(throwing: error)
        connectWaiter = nil
        for (_, waiter) in publishWaiters { waiter(.failure(error)) }
        publishWaiters = [:]
        for (_, waiter) in subscribeWaiters { waiter.resume(throwing: error) }
        subscribeWaiters = [:]
    }

    static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// Bytes in, close events: handed to the client, whose actor runs on this channel's event loop.
final class MQTTChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let client: MQTTClient

    init(client: MQTTClient) { self.client = client }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        client.assumeIsolated { $0.received(buffer) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.assumeIsolated { $0.connectionClosed() }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
