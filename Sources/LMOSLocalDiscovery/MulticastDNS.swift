import DNSMessage
import Logging
import NIOCore
import NIOPosix

/// Multicast DNS and DNS-SD on the local network (RFC 6762, RFC 6763): advertise services and browse for them.
///
/// ```swift
/// let mdns = try await MulticastDNS.start(interfaces: .named(["eth0"]))
/// let advertised = try await mdns.advertise(.wot(name: "Weather Agent", port: 8080, descriptionPath: "/.well-known/wot"))
/// for await event in await mdns.browse(.wot) { print(event) }
/// await mdns.shutdown()  // goodbyes
/// ```
///
/// One instance holds one socket per interface and address family on port 5353, shared with any other mDNS stack
/// on the host.
public actor MulticastDNS {
    /// A service this responder advertises.
    public struct Advertisement: Sendable, Hashable {
        let id: Int
        /// The name it won: the one asked for, or `Name (2)` and so on after a conflict.
        public let name: String
    }

    private let transport: MulticastTransport
    private let logger: Logger
    private var responder: ResponderStateMachine<SocketAddress>
    private var browsers: [Int: (machine: BrowserStateMachine, continuation: AsyncStream<BrowseEvent>.Continuation)] = [:]
    private var nextBrowserID = 1
    private var waiters: [Int: CheckedContinuation<String, any Error>] = [:]
    private var timer: Task<Void, Never>?
    private var timerDeadline: ContinuousClock.Instant?
    private var reader: Task<Void, Never>?
    /// Packets to send, written in order by one task.
    private let outbox: AsyncStream<[ResponderStateMachine<SocketAddress>.Action]>.Continuation
    private let writer: Task<Void, Never>
    private var isShutDown = false

    private init(transport: MulticastTransport, hostName: DomainName, addresses: [IPAddress], logger: Logger) {
        self.transport = transport
        self.logger = logger
        self.responder = ResponderStateMachine(hostName: hostName, addresses: addresses)
        let (outgoing, outbox) = AsyncStream.makeStream(of: [ResponderStateMachine<SocketAddress>.Action].self)
        self.outbox = outbox
        writer = Task {
            for await actions in outgoing { await Self.write(actions, transport: transport) }
        }
    }

    /// Opens the mDNS sockets on `interfaces` and starts listening.
    ///
    /// - Parameter hostName: the host label for the SRV and address records (`NAME.local.`); a random
    ///   `lmos-XXXXXXXX` by default, so that several responders on one machine never claim the same host name.
    /// - Throws: ``LocalDiscoveryError`` when no interface matches or no socket could be opened.
    public static func start(
        interfaces: InterfaceSelection = .allMulticastCapable, hostName: String? = nil,
        logger: Logger = Logger(label: "lmos.mdns")
    ) async throws(LocalDiscoveryError) -> MulticastDNS {
        let selected = try SelectedInterface.resolve(interfaces)
        let label = hostName ?? "lmos-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let host: DomainName
        do {
            host = try DomainName([label, "local"])
        } catch {
            throw .invalidService("host name '\(label)': \(error)")
        }
        let transport = try await MulticastTransport.open(
            on: selected, group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let mdns = MulticastDNS(
            transport: transport, hostName: host, addresses: selected.flatMap(\.addresses), logger: logger)
        await mdns.startReading()
        logger.debug("mDNS started", metadata: ["interfaces": "\(selected.map(\.name))", "host": "\(host)"])
        return mdns
    }

    private func startReading() {
        let stream = transport.inbound
        reader = Task { [weak self] in
            for await packet in stream {
                await self?.receive(packet)
            }
        }
    }

    // MARK: Advertising

    /// Probes for `service`'s name, renaming on conflict, announces it, and returns once it is announced.
    ///
    /// - Throws: ``LocalDiscoveryError/shutDown`` when the responder shuts down first.
    public func advertise(_ service: ServiceInstance) async throws -> Advertisement {
        guard !isShutDown else { throw LocalDiscoveryError.shutDown }
        do {
            _ = try service.instanceName
            _ = try service.type.name
            for subtype in service.subtypes { _ = try service.type.subtypeName(subtype) }
        } catch {
            throw LocalDiscoveryError.invalidService(error.reason)
        }
        let (id, actions) = responder.register(service, now: .now)
        let name = try await withCheckedThrowingContinuation { continuation in
            waiters[id] = continuation
            perform(actions)
            reschedule()
        }
        return Advertisement(id: id, name: name)
    }

    /// The current name of an advertisement (it changes if another host later claims it).
    public func currentName(of advertisement: Advertisement) -> String? { responder.name(of: advertisement.id) }

    /// Stops advertising a service and sends its goodbye.
    public func withdraw(_ advertisement: Advertisement) {
        perform(responder.unregister(id: advertisement.id))
        reschedule()
    }

    // MARK: Browsing

    /// The services of `type` (optionally only those under `subtype`, for example ``ServiceType/directorySubtype``)
    /// as they appear, change and leave. Browsing stops when the iteration ends.
    public func browse(_ type: ServiceType, subtype: String? = nil) -> AsyncStream<BrowseEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: BrowseEvent.self, bufferingPolicy: .bufferingNewest(1024))
        guard !isShutDown, let name = try? (subtype.map { try type.subtypeName($0) } ?? type.name) else {
            continuation.finish()
            return stream
        }
        let id = nextBrowserID
        nextBrowserID += 1
        browsers[id] = (BrowserStateMachine(browsing: name, now: .now), continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.stopBrowsing(id) }
        }
        reschedule()
        return stream
    }

    private func stopBrowsing(_ id: Int) {
        browsers[id] = nil
        reschedule()
    }

    // MARK: Shutting down

    /// Sends goodbyes for every advertised service, ends every browse stream and closes the sockets.
    public func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        perform(responder.unregisterAll())
        outbox.finish()
        await writer.value
        for (_, waiter) in waiters { waiter.resume(throwing: LocalDiscoveryError.shutDown) }
        waiters.removeAll()
        for (_, browser) in browsers { browser.continuation.finish() }
        browsers.removeAll()
        timer?.cancel()
        reader?.cancel()
        await transport.close()
    }

    // MARK: The loop

    private func receive(_ packet: ReceivedPacket) {
        guard !isShutDown else { return }
        let message: DNSMessage
        do {
            message = try DNSMessage(bytes: packet.bytes)
        } catch {
            logger.debug("ignored a malformed mDNS packet", metadata: ["from": "\(packet.source)", "error": "\(error)"])
            return
        }
        logger.trace("mDNS packet", metadata: ["from": "\(packet.source)", "message": "\(message)"])
        let now = ContinuousClock.now
        perform(responder.receive(message, from: packet.source, sourcePort: packet.source.port ?? 0, now: now))
        for id in browsers.keys {
            guard var browser = browsers[id] else { continue }
            let events = browser.machine.receive(message, now: now)
            browsers[id] = browser
            for event in events { browser.continuation.yield(event) }
        }
        reschedule()
    }

    private func tick() {
        timerDeadline = nil
        guard !isShutDown else { return }
        let now = ContinuousClock.now
        perform(responder.tick(now: now))
        for id in browsers.keys {
            guard var browser = browsers[id] else { continue }
            let (queries, events) = browser.machine.tick(now: now)
            browsers[id] = browser
            for event in events { browser.continuation.yield(event) }
            for query in queries { perform([.multicast(query)]) }
            if !events.isEmpty { logger.trace("mDNS browse events", metadata: ["events": "\(events)"]) }
        }
        reschedule()
    }

    /// Arms the timer for the earliest deadline of the responder and the browsers.
    private func reschedule() {
        let deadline = ([responder.nextDeadline] + browsers.values.map(\.machine.nextDeadline)).compactMap { $0 }.min()
        guard deadline != timerDeadline else { return }
        timer?.cancel()
        timerDeadline = deadline
        guard let deadline, !isShutDown else { return }
        timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.tick()
        }
    }

    /// Reports what happened and queues the packets to send.
    private func perform(_ actions: [ResponderStateMachine<SocketAddress>.Action]) {
        guard !actions.isEmpty else { return }
        for action in actions {
            switch action {
            case .established(let id, let name):
                waiters.removeValue(forKey: id)?.resume(returning: name)
                logger.debug("mDNS name claimed", metadata: ["name": "\(name)"])
            case .renamed(let id, let name):
                logger.info("mDNS name conflict, renamed", metadata: ["name": "\(name)", "registration": "\(id)"])
            case .multicast, .unicast:
                break
            }
        }
        outbox.yield(actions)
    }

    private static func write(_ actions: [ResponderStateMachine<SocketAddress>.Action], transport: MulticastTransport) async {
        for action in actions {
            switch action {
            case .multicast(let message):
                guard let bytes = try? message.serialized() else { continue }
                await transport.multicast(bytes)
            case .unicast(let message, let peer):
                guard let bytes = try? message.serialized() else { continue }
                await transport.unicast(bytes, to: peer)
            case .established, .renamed:
                continue
            }
        }
    }
}
