import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import LMOSAuth
import LMOSBindings
import MQTTNIO
import LMOSDHT
import LMOSIdentity
import LMOSCore
import LMOSDirectoryClient
import LMOSLocalDiscovery
import Logging
import ServiceLifecycle
import Synchronization

/// Serves agents over HTTP and WebSocket on one port: their descriptions at `/.well-known/wot` (the first agent)
/// and `/{id}`, the bindings' routes, registrations in directories renewed before their TTL runs out, and mDNS
/// advertisement. Stops gracefully on SIGINT/SIGTERM or cancellation: goodbye on mDNS, deregistration, running
/// invocations cancelled, subscriptions ended, then the server closes.
///
/// ```swift
/// let server = AgentServer(agents: [agent], configuration: .init(port: 8080, directories: ["http://dir:8081"]))
/// try await server.run { ready in print(ready.descriptionURLs) }
/// ```
public struct AgentServer: Sendable {
    /// What the server knows once it listens.
    public struct Ready: Sendable {
        /// The origin clients use (`http://127.0.0.1:8080`).
        public let origin: String
        /// Each agent's description URL, in order.
        public let descriptionURLs: [String]
        /// The WebSocket endpoint.
        public let webSocketURL: String
    }

    /// Something that happened to the agents' registrations and advertisements.
    public enum Notice: Sendable {
        case registered(directory: String, id: String)
        case registrationFailed(directory: String, reason: String)
        case deregistered(directory: String, id: String)
        case advertised(name: String)
        case advertisingFailed(reason: String)
        case directoryFound(String)
        /// The agent's signed description is on the DHT under this DID (pointer item target in hex).
        case publishedOnDHT(did: String, pointer: String)
        case dhtFailed(reason: String)
        /// The agents are exposed through this MQTT broker.
        case exposedOnMQTT(broker: String)
        case mqttFailed(reason: String)
    }

    public let agents: [Agent]
    public let configuration: AgentServerConfiguration
    public let host: ThingHost
    let logger: Logger
    private let control = GroupControl()

    public init(agents: [Agent], configuration: AgentServerConfiguration = .init(), logger: Logger = Logger(label: "lmos.agent")) {
        self.agents = agents
        self.configuration = configuration
        self.logger = logger
        host = ThingHost(limits: configuration.limits)
        for agent in agents {
            if let security = configuration.security { agent.declareSecurity(security.declared) }
            host.add(agent)
        }
    }

    /// Runs until SIGINT or SIGTERM (when `handleSignals`) or until the calling task is cancelled.
    public func run(
        handleSignals: Bool = true, onNotice: @escaping @Sendable (Notice) -> Void = { _ in },
        onReady: @escaping @Sendable (Ready) async -> Void = { _ in }
    ) async throws {
        try await checkSecurityIsEnforced()
        let outreach = Outreach(server: self, onNotice: onNotice)
        let application = try self.application { ready in
            await outreach.start(ready)
            await onReady(ready)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: application), .init(service: outreach)],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        if control.attach(group) { await group.triggerGracefulShutdown() }
        try await group.run()
    }

    /// A description that declares security the server does not enforce would tell consumers a lie and let anyone
    /// in: refused before listening.
    func checkSecurityIsEnforced() async throws {
        guard configuration.security == nil else { return }
        for agent in agents {
            let description = await agent.currentDescription()
            let declared = try? DeclaredSecurity(description: description.json)
            if let declared, !declared.isOpen {
                throw AgentServerError(
                    "\(agent.id) declares \(declared.required.joined(separator: ", ")) but the server enforces no security: set AgentServerConfiguration.security")
            }
        }
    }

    /// Stops a running ``run(handleSignals:onNotice:onReady:)`` as SIGTERM would: gracefully.
    public func shutdown() async {
        if let group = control.requestShutdown() { await group.triggerGracefulShutdown() }
    }

    /// The Hummingbird application alone: both bindings on one port, nothing else.
    public func application(onReady: @escaping @Sendable (Ready) async -> Void = { _ in }) throws -> some Service {
        let router = Router(context: BasicWebSocketRequestContext.self)
        if let security = configuration.security {
            router.add(middleware: SecurityMiddleware(security: security, webSocketPath: configuration.webSocketPath))
        }
        host.addRoutes(to: router, webSocketPath: configuration.webSocketPath)
        let configuration = self.configuration
        let agents = self.agents
        let wsConfiguration = host.webSocketConfiguration
        let plain = HTTPServerBuilder.http1WebSocketUpgrade(
            webSocketRouter: router, configuration: .init(http1: .init(), ws: wsConfiguration))
        return Application(
            router: router,
            server: try configuration.tls.map { try .tls(plain, tlsConfiguration: $0) } ?? plain,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let origin = Self.origin(configuration: configuration, port: port)
                let wsOrigin = origin.hasPrefix("https://") ? "wss://" + origin.dropFirst(8) : "ws://" + origin.dropFirst(7)
                let webSocketURL = wsOrigin + configuration.webSocketPath
                let endpoints = BindingEndpoints(
                    httpOrigin: configuration.http ? origin : nil,
                    webSocketURL: configuration.webSocket ? webSocketURL : nil, mqttBroker: configuration.mqttBroker)
                for agent in agents { agent.setEndpoints(endpoints) }
                let urls = agents.map { "\(origin)/\(PercentEncoding.encodePathSegment($0.id))" }
                await onReady(Ready(origin: origin, descriptionURLs: urls, webSocketURL: webSocketURL))
            },
            logger: logger)
    }

    static func origin(configuration: AgentServerConfiguration, port: Int) -> String {
        if var url = configuration.publicURL {
            while url.hasSuffix("/") { url.removeLast() }
            return url
        }
        var host = configuration.host
        if host == "0.0.0.0" { host = "127.0.0.1" } else if host == "::" { host = "::1" }
        let scheme = configuration.tls == nil ? "http" : "https"
        return host.contains(":") ? "\(scheme)://[\(host)]:\(port)" : "\(scheme)://\(host):\(port)"
    }
}

/// Registers the agents in directories (given and found by mDNS), advertises them, and undoes all of it at
/// graceful shutdown before the server stops.
final class Outreach: Service, Sendable {
    let server: AgentServer
    let onNotice: @Sendable (AgentServer.Notice) -> Void
    private let state = Mutex<(tasks: [String: Task<Void, Never>], mdns: MulticastDNS?, browse: Task<Void, Never>?)>(([:], nil, nil))
    private let dhtState = Mutex<(task: Task<Void, Never>?, node: DHTNode?)>((nil, nil))
    private let mqttState = Mutex<MQTTThingExposer?>(nil)

    init(server: AgentServer, onNotice: @escaping @Sendable (AgentServer.Notice) -> Void) {
        self.server = server
        self.onNotice = onNotice
    }

    func start(_ ready: AgentServer.Ready) async {
        let configuration = server.configuration
        for directory in configuration.directories { register(in: directory) }
        if let dht = configuration.dht { publish(on: dht) }
        if let broker = configuration.mqttBroker { await expose(through: broker) }
        guard configuration.advertise || configuration.discoverDirectories else { return }
        let mdns: MulticastDNS
        do {
            mdns = try await MulticastDNS.start(interfaces: InterfaceSelection(configuration.interface), logger: server.logger)
        } catch {
            onNotice(.advertisingFailed(reason: "\(error)"))
            return
        }
        state.withLock { $0.mdns = mdns }
        if configuration.advertise, let target = ServiceURL(ready.origin) {
            for (agent, url) in zip(server.agents, ready.descriptionURLs) {
                let path = String(url.dropFirst(ready.origin.count))
                let title = await agent.currentDescription().title ?? "LMOS Agent"
                do {
                    let service = try ServiceInstance.wot(
                        name: String(title.utf8.prefix(63)) ?? "LMOS Agent", port: target.port, descriptionPath: path,
                        scheme: target.scheme)
                    let advertisement = try await mdns.advertise(service)
                    onNotice(.advertised(name: advertisement.name))
                } catch {
                    onNotice(.advertisingFailed(reason: "\(error)"))
                }
            }
        }
        if configuration.discoverDirectories {
            let events = await mdns.browse(.wot, subtype: ServiceType.directorySubtype)
            let task = Task { [weak self] in
                for await event in events {
                    guard case .added(let service) = event, let url = service.descriptionURL,
                        let origin = ServiceURL(url)?.origin
                    else { continue }
                    self?.onNotice(.directoryFound(origin))
                    self?.register(in: origin)
                }
            }
            state.withLock { $0.browse = task }
        }
    }

    private func register(in directory: String) {
        let agents = server.agents
        let ttl = server.configuration.registrationTTL
        let onNotice = self.onNotice
        state.withLock { state in
            guard state.tasks[directory] == nil else { return }
            state.tasks[directory] = Task {
                let client: DirectoryClient
                do {
                    var made = try DirectoryClient(url: directory, httpClient: server.configuration.directoryHTTPClient ?? .shared)
                    // Credentials go to the directories named in the configuration only, never to ones that
                    // announced themselves on the local network (anyone can announce).
                    if server.configuration.directories.contains(directory) {
                        made.authorization = server.configuration.directoryCredentials.directoryAuthorization
                    }
                    client = made
                } catch {
                    onNotice(.registrationFailed(directory: directory, reason: "\(error)"))
                    return
                }
                await withTaskGroup(of: Void.self) { group in
                    for agent in agents {
                        group.addTask {
                            let document = await agent.currentDescription().jsonValue
                            while !Task.isCancelled {
                                do {
                                    try await client.keepRegistered(document, ttl: ttl) { event in
                                        switch event {
                                        case .registered(let id): onNotice(.registered(directory: directory, id: id))
                                        case .renewalFailed(_, let error):
                                            onNotice(.registrationFailed(directory: directory, reason: error.detail))
                                        case .deregistered(let id): onNotice(.deregistered(directory: directory, id: id))
                                        case .renewed, .deregistrationFailed: break
                                        }
                                    }
                                } catch {
                                    onNotice(.registrationFailed(directory: directory, reason: "\(error)"))
                                    // The first registration failed (directory not up yet?): try again.
                                    try? await Task.sleep(for: .seconds(min(ttl / 4, 5)))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Joins the DHT and publishes each agent's signed description; the node stays to answer `lmos_who` and
    /// re-publish.
    private func publish(on dht: DHTPublishing) {
        let agents = server.agents
        let onNotice = self.onNotice
        let logger = server.logger
        let task = Task { [self] in
            let node: DHTNode
            do {
                node = try await DHTNode.start(
                    DHTNodeConfiguration(host: dht.host, port: dht.port, bootstrap: dht.bootstrap), logger: logger)
            } catch {
                onNotice(.dhtFailed(reason: "\(error)"))
                return
            }
            dhtState.withLock { $0.node = node }
            for (index, agent) in agents.enumerated() {
                guard !Task.isCancelled else { return }
                do {
                    let signed = try EddsaJcs2022.sign(await agent.currentDescription().jsonValue, with: dht.key)
                    let report = try await node.publish(signed, key: dht.key, localID: index == 0 ? nil : agent.id)
                    onNotice(.publishedOnDHT(did: report.did, pointer: report.pointerTarget.hex))
                } catch {
                    onNotice(.dhtFailed(reason: "\(error)"))
                }
            }
        }
        dhtState.withLock { $0.task = task }
    }

    /// Connects to the broker and exposes the agents there (the broker not answering is reported, not fatal).
    private func expose(through broker: String) async {
        guard let (host, port) = MQTTBrokerURL.endpoint(broker) else {
            onNotice(.mqttFailed(reason: "\(broker) is not an mqtt:// or mqtts:// URL with a host"))
            return
        }
        let exposer = MQTTThingExposer(
            host: server.host,
            configuration: MQTTClientConfiguration(
                host: host, port: port, clientID: "lmos-agent-" + UUIDv4.random(),
                tls: MQTTBrokerURL.isSecure(broker) ? MQTTTLS(caFile: server.configuration.mqttCAFile) : nil),
            logger: server.logger)
        do {
            try await exposer.start()
            mqttState.withLock { $0 = exposer }
            onNotice(.exposedOnMQTT(broker: broker))
        } catch {
            await exposer.stop()
            onNotice(.mqttFailed(reason: "\(error)"))
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let exposer = mqttState.withLock { state in
            defer { state = nil }
            return state
        }
        await exposer?.stop()
        let (dhtTask, dhtNode) = dhtState.withLock { state in
            defer { state = (nil, nil) }
            return (state.task, state.node)
        }
        dhtTask?.cancel()
        await dhtTask?.value
        await (dhtNode ?? dhtState.withLock { $0.node })?.stop()
        let (tasks, mdns, browse) = state.withLock { state in
            defer { state = ([:], nil, nil) }
            return (Array(state.tasks.values), state.mdns, state.browse)
        }
        browse?.cancel()
        await mdns?.shutdown()
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await server.host.cancelAllInvocations()
        for agent in server.agents { agent.finishSubscriptions() }
    }
}

/// The service group of a running server, so that ``AgentServer/shutdown()`` can stop it from elsewhere.
final class GroupControl: Sendable {
    private let state = Mutex<(group: ServiceGroup?, requested: Bool)>((nil, false))

    /// Remembers the group; true when a shutdown was asked for before it existed.
    func attach(_ group: ServiceGroup) -> Bool {
        state.withLock { state in
            state.group = group
            return state.requested
        }
    }

    func requestShutdown() -> ServiceGroup? {
        state.withLock { state in
            state.requested = true
            return state.group
        }
    }
}
