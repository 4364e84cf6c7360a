import LMOSCore
import LMOSMessaging
import MQTTCore
import MQTTNIO
import Synchronization

/// An `mqtt://host[:port]` broker URL.
public enum MQTTBrokerURL {
    /// The host and port of an `mqtt://` (port 1883 by default) or `mqtts://` (8883) URL; nil for anything else.
    public static func endpoint(_ url: String) -> (host: String, port: Int)? {
        let secure = isSecure(url)
        guard secure || url.lowercased().hasPrefix("mqtt://") else { return nil }
        let defaultPort = secure ? 8883 : 1883
        var rest = url.dropFirst(secure ? "mqtts://".count : "mqtt://".count)
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard !rest.isEmpty else { return nil }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.isEmpty { return (host, defaultPort) }
            guard after.hasPrefix(":"), let port = Int(after.dropFirst()), (1...65535).contains(port) else { return nil }
            return (host, port)
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { return nil }
        guard parts.count == 2 else { return (String(parts[0]), defaultPort) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(parts[0]), port)
    }

    /// Whether the URL asks for TLS (`mqtts://`).
    public static func isSecure(_ url: String) -> Bool { url.lowercased().hasPrefix("mqtts://") }
}

/// The consumer side of the MQTT binding: one MQTT 5 client per broker, with a reply topic of its own. Requests
/// are LMOS messages published to an affordance's topic with that Response Topic and the correlation id as
/// Correlation Data; replies are routed back by correlation id. Topics (events, property readings) are subscribed
/// to as streams of LMOS messages.
public actor MQTTBindingConnection {
    let client: MQTTClient
    /// Where the things answer this connection.
    public let replyTopic: String
    private var waiters: [String: AsyncThrowingStream<Message, any Error>.Continuation] = [:]
    private var router: Task<Void, Never>?

    init(client: MQTTClient, replyTopic: String) {
        self.client = client
        self.replyTopic = replyTopic
    }

    /// Connects to the broker at `url` (`mqtts://`: TLS, verified against `caFile` or the system's roots) and
    /// subscribes to a reply topic of its own.
    public static func connect(to url: String, caFile: String? = nil) async throws(BindingError) -> MQTTBindingConnection {
        guard let (host, port) = MQTTBrokerURL.endpoint(url) else {
            throw BindingError("\(url) is not an mqtt:// or mqtts:// URL with a host")
        }
        let clientID = "lmos-consumer-" + UUIDv4.random()
        let client: MQTTClient
        do {
            client = try await MQTTClient.connect(
                MQTTClientConfiguration(
                    host: host, port: port, clientID: clientID, tls: MQTTBrokerURL.isSecure(url) ? MQTTTLS(caFile: caFile) : nil))
        } catch {
            throw BindingError("\(url): \(error)")
        }
        let connection = MQTTBindingConnection(client: client, replyTopic: "lmos/replies/\(clientID)")
        do {
            try await connection.start()
        } catch {
            await client.disconnect()
            throw BindingError("\(url): \(error)")
        }
        return connection
    }

    private func start() async throws(MQTTClientError) {
        let replies = await client.messages(matching: replyTopic)
        try await client.subscribe([MQTTSubscription(filter: replyTopic, qos: .atLeastOnce)])
        router = Task { [weak self] in
            for await reply in replies {
                guard let message = try? Message.decode(reply.payload).0 else {
                    // A problem about an unreadable request names no thing; route it by correlation data.
                    await self?.routeUndecodable(reply)
                    continue
                }
                await self?.route(message)
            }
            await self?.finishAll()
        }
    }

    private func route(_ message: Message) {
        guard let id = message.correlationID, let waiter = waiters[id] else { return }
        waiter.yield(message)
    }

    private func routeUndecodable(_ reply: MQTTPublish) {
        guard let data = reply.properties.correlationData, let id = String(validating: data, as: UTF8.self),
            let waiter = waiters[id], let json = try? JSONValue(parsing: reply.payload), case .object(let object) = json,
            let problem = ProblemDetails(json: object)
        else { return }
        waiter.finish(throwing: BindingError(problem: problem))
        waiters[id] = nil
    }

    private func finishAll() {
        for (_, waiter) in waiters { waiter.finish(throwing: BindingError("the MQTT connection ended")) }
        waiters = [:]
    }

    /// Publishes a request and returns the replies that carry its correlation id.
    public func send(_ message: Message, topic: String) async throws(BindingError) -> AsyncThrowingStream<Message, any Error> {
        let id = message.replyCorrelationID
        let (stream, continuation) = AsyncThrowingStream<Message, any Error>.makeStream()
        waiters[id] = continuation
        do {
            try await post(message, topic: topic)
        } catch {
            waiters[id] = nil
            throw error
        }
        return stream
    }

    /// Publishes a message whose replies, if any, nobody waits for here (a cancel: the invocation's own stream
    /// gets the final status).
    public func post(_ message: Message, topic: String) async throws(BindingError) {
        var properties = MQTTProperties()
        properties.responseTopic = replyTopic
        properties.correlationData = Array(message.replyCorrelationID.utf8)
        properties.contentType = "application/json"
        do {
            try await client.publish(topic, payload: message.jsonBytes(), qos: .atLeastOnce, properties: properties)
        } catch {
            throw BindingError("cannot publish to \(topic): \(error)")
        }
    }

    /// Stops routing replies of one request.
    public func stopListening(to correlationID: String) {
        waiters.removeValue(forKey: correlationID)?.finish()
    }

    /// The LMOS messages published on `topic` (retained ones first), from now on.
    public func messages(on topic: String) async throws(BindingError) -> AsyncStream<Message> {
        let publications = await client.messages(matching: topic)
        do {
            try await client.subscribe([MQTTSubscription(filter: topic, qos: .atLeastOnce)])
        } catch {
            throw BindingError("cannot subscribe to \(topic): \(error)")
        }
        return AsyncStream { continuation in
            let task = Task {
                for await publication in publications {
                    if let message = try? Message.decode(publication.payload).0 { continuation.yield(message) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Disconnects.
    public func close() async {
        router?.cancel()
        finishAll()
        await client.disconnect()
    }
}
