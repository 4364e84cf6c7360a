import AsyncHTTPClient
import LMOSAuth
import LMOSBindings
import LMOSCore
import LMOSDescription
import LMOSMessaging
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// A thing to talk to through its description: picks a form for each operation among the transports it speaks
/// (WebSocket `lmosprotocol`, HTTP), in the description's order or the one asked for, and gives one API for both.
///
/// ```swift
/// let agent = try await ConsumedThing.fetch("http://127.0.0.1:8080/.well-known/wot")
/// let reply = try await agent.invokeAction("chat", input: ["messages": [["role": "user", "content": "Hi"]]])
/// for try await status in try await agent.invokeActionStreaming("chat-stream", input: request).statuses { ... }
/// for try await data in try await agent.subscribeEvent("messageReceived") { ... }
/// ```
public final class ConsumedThing: Sendable {
    /// The description.
    public let description: ThingDescription
    /// Where it was fetched from, if it was.
    public let url: String?
    /// The `thingID` that messages carry: the description's `id`, else its URL.
    public let thingID: String
    let http: HTTPBindingClient
    let sockets: WebSocketPool
    let brokers: MQTTPool

    /// - Parameters:
    ///   - credentials: what satisfies the security the description declares (a token, client credentials for
    ///     the OAuth 2.0 client-credentials grant, basic credentials, an API key); applied to every request.
    ///   - httpClient: the HTTP client; its TLS settings apply to `https` forms.
    ///   - tlsConfiguration: TLS settings for `wss` forms (a custom CA, a client certificate).
    public init(
        description: ThingDescription, url: String? = nil, credentials: Credentials = .none,
        httpClient: HTTPClient = HTTPBindingClient.sharedHTTPClient, tlsConfiguration: TLSConfiguration? = nil
    ) {
        self.description = description
        self.url = url
        thingID = description.id ?? url ?? ""
        let security = Result { () throws(SecuritySchemeError) in try DeclaredSecurity(description: description.json) }
        // Credentials go to the origin the description came from (or, for a description given directly, to the
        // origins its forms name: the caller vouches for it), over TLS or to loopback only.
        let trusted = Self.credentialOrigins(description: description, url: url)
        let authorization: @Sendable (String) async throws(BindingError) -> RequestAuthorization = {
            (target: String) async throws(BindingError) -> RequestAuthorization in
            let declared: DeclaredSecurity
            switch security {
            case .success(let value): declared = value
            case .failure(let error): throw BindingError("the description's security cannot be used: \(error.description)")
            }
            if declared.isOpen { return .none }
            guard let origin = URLOrigin(target), trusted.contains(where: { $0.sameSite(as: origin) }) else {
                throw BindingError("not sending credentials to \(URLOrigin(target)?.description ?? target): the description came from \(trusted.map(\.description).joined(separator: ", "))")
            }
            guard origin.mayCarryCredentials else {
                throw BindingError("not sending credentials to \(origin) over a plain connection: use https/wss (plain only to loopback)")
            }
            do throws(CredentialsError) {
                let applied = try await credentials.apply(to: declared)
                return RequestAuthorization(headers: applied.headers, query: applied.query)
            } catch {
                throw BindingError("\(description.id ?? url ?? "the thing") is secured: \(error.description)")
            }
        }
        http = HTTPBindingClient(httpClient: httpClient, authorization: authorization)
        sockets = WebSocketPool(authorization: authorization, tlsConfiguration: tlsConfiguration)
        brokers = MQTTPool()
    }

    /// Where credentials may go: the origin `url` (where the description was read), else every origin the
    /// description's forms and `base` name.
    static func credentialOrigins(description: ThingDescription, url: String?) -> [URLOrigin] {
        if let url, let origin = URLOrigin(url) { return [origin] }
        var origins: [URLOrigin] = []
        if let base = description.json["base"]?.stringValue, let origin = URLOrigin(base) { origins.append(origin) }
        for group in ["properties", "actions", "events"] {
            for member in description.json[group]?.objectValue ?? JSONObject() {
                for form in member.value["forms"]?.arrayValue ?? [] {
                    if let href = form["href"]?.stringValue, let origin = URLOrigin(href) { origins.append(origin) }
                }
            }
        }
        return origins
    }

    /// Fetches the description at `url` (a host URL means its `/.well-known/wot`). Descriptions are public; the
    /// credentials are used for the interactions.
    public static func fetch(
        _ url: String, credentials: Credentials = .none, httpClient: HTTPClient = HTTPBindingClient.sharedHTTPClient,
        tlsConfiguration: TLSConfiguration? = nil
    ) async throws(BindingError) -> ConsumedThing {
        var target = url
        if let schemeEnd = url.firstRange(of: "://"), !url[schemeEnd.upperBound...].contains("/") {
            target = url + "/.well-known/wot"
        }
        let value = try await HTTPBindingClient(httpClient: httpClient).get(target)
        let description: ThingDescription
        do {
            description = try ThingDescription(value)
        } catch {
            throw BindingError("\(target) is not a Thing Description: \(error)")
        }
        return ConsumedThing(
            description: description, url: target, credentials: credentials, httpClient: httpClient,
            tlsConfiguration: tlsConfiguration)
    }

    /// Closes the WebSockets and MQTT connections this thing opened.
    public func close() async {
        await sockets.closeAll()
        await brokers.closeAll()
    }

    // MARK: Actions

    /// An invocation under way: its statuses from `pending` (when reported) to the final one, and a way to cancel.
    public struct Invocation: Sendable {
        /// Every status as it comes; ends after the final one.
        public let statuses: AsyncThrowingStream<ActionStatusReport, any Error>
        /// Asks the thing to cancel the invocation; the final `failed` status follows in ``statuses``.
        public let cancel: @Sendable (_ reason: String?) async throws(BindingError) -> Void
    }

    /// Invokes an action and waits for its output; a `failed` status is thrown as a ``BindingError`` with the
    /// thing's problem.
    public func invokeAction(_ name: String, input: JSONValue? = nil, via transport: Transport? = nil, trace: TraceContext? = nil)
        async throws(BindingError) -> JSONValue?
    {
        let target = try target(action: name, operation: "invokeaction", via: transport)
        if target.transport == .http {
            switch try await http.invoke(target.href, input: input, trace: trace) {
            case .output(let output): return output
            case .accepted(let statusURL): return try await poll(statusURL, action: name, trace: trace)
            }
        }
        let invocation =
            target.transport == .mqtt
            ? try await invokeOverMQTT(name, input: input, target: target, trace: trace)
            : try await invokeOverWebSocket(name, input: input, href: target.href, trace: trace)
        return try await Self.finalOutput(of: invocation.statuses)
    }

    /// Invokes an action and follows it: `pending`, each `running` status with its partial output, the final one.
    public func invokeActionStreaming(
        _ name: String, input: JSONValue? = nil, via transport: Transport? = nil, trace: TraceContext? = nil
    ) async throws(BindingError) -> Invocation {
        let target = try target(action: name, operation: "invokeaction", via: transport)
        if target.transport == .webSocket {
            return try await invokeOverWebSocket(name, input: input, href: target.href, trace: trace)
        }
        if target.transport == .mqtt {
            return try await invokeOverMQTT(name, input: input, target: target, trace: trace)
        }
        let events = try await http.events(target.href, method: .POST, body: input, trace: trace)
        let (statuses, continuation) = AsyncThrowingStream<ActionStatusReport, any Error>.makeStream()
        let statusURL = StatusURL()
        let task = Task {
            do {
                for try await event in events {
                    guard let (report, href) = ActionStatusJSON.decode(event.data, action: name) else { continue }
                    if let href { statusURL.set(HTTPBindingClient.resolveLocation(href, against: target.href)) }
                    continuation.yield(report)
                    if report.status.isFinal { break }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: BindingError("the status stream of \(name) broke: \(error)"))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        let client = http
        return Invocation(statuses: statuses) { _ throws(BindingError) in
            guard let url = statusURL.get() else { throw BindingError("the thing has not named the invocation yet") }
            _ = try await client.delete(url, trace: trace)
        }
    }

    private func invokeOverWebSocket(_ name: String, input: JSONValue?, href: String, trace: TraceContext?)
        async throws(BindingError) -> Invocation
    {
        let connection = try await sockets.connection(to: href)
        let correlationID = UUIDv4.random()
        let request = Message(
            thingID: thingID, correlationID: correlationID, trace: trace, body: .invokeAction(action: name, input: input))
        let replies = try await connection.send(request)
        let statuses = Self.statuses(of: replies, action: name, closed: "the WebSocket closed") {
            await connection.stopListening(to: correlationID)
        }
        let thingID = self.thingID
        return Invocation(statuses: statuses) { reason throws(BindingError) in
            try await connection.post(
                Message(
                    thingID: thingID, correlationID: correlationID, trace: trace,
                    body: .cancelAction(action: name, reason: reason)))
        }
    }

    /// MQTT 5 request-response: the request on the action's topic, the statuses on this consumer's reply topic.
    private func invokeOverMQTT(_ name: String, input: JSONValue?, target: FormTarget, trace: TraceContext?)
        async throws(BindingError) -> Invocation
    {
        let connection = try await brokers.connection(to: target.href)
        let topic = target.topic ?? ""
        let correlationID = UUIDv4.random()
        let request = Message(
            thingID: thingID, correlationID: correlationID, trace: trace, body: .invokeAction(action: name, input: input))
        let replies = try await connection.send(request, topic: topic)
        let statuses = Self.statuses(of: replies, action: name, closed: "the MQTT connection ended") {
            await connection.stopListening(to: correlationID)
        }
        let thingID = self.thingID
        return Invocation(statuses: statuses) { reason throws(BindingError) in
            try await connection.post(
                Message(
                    thingID: thingID, correlationID: correlationID, trace: trace,
                    body: .cancelAction(action: name, reason: reason)),
                topic: topic)
        }
    }

    /// The action statuses among an invocation's replies, ending with the final one (or the thing's problem);
    /// `done` runs when no more replies are wanted.
    static func statuses(
        of replies: AsyncThrowingStream<Message, any Error>, action name: String, closed: String,
        done: @escaping @Sendable () async -> Void
    ) -> AsyncThrowingStream<ActionStatusReport, any Error> {
        let (statuses, continuation) = AsyncThrowingStream<ActionStatusReport, any Error>.makeStream()
        let task = Task {
            do {
                for try await reply in replies {
                    switch reply.body {
                    case .actionStatus(let report):
                        continuation.yield(report)
                        if report.status.isFinal {
                            continuation.finish()
                            await done()
                            return
                        }
                    case .error(let problem):
                        continuation.finish(throwing: BindingError(problem: problem))
                        await done()
                        return
                    default:
                        continue
                    }
                }
                continuation.finish(throwing: BindingError("\(closed) before \(name) ended"))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return statuses
    }

    /// The LMOS messages on a topic, mapped by `pick` (nil: skipped).
    private func topicValues(
        _ target: FormTarget, _ pick: @escaping @Sendable (Message.Body) -> JSONValue?
    ) async throws(BindingError) -> AsyncThrowingStream<JSONValue, any Error> {
        let connection = try await brokers.connection(to: target.href)
        let messages = try await connection.messages(on: target.topic ?? "")
        let (values, continuation) = AsyncThrowingStream<JSONValue, any Error>.makeStream()
        let task = Task {
            for await message in messages {
                if let value = pick(message.body) { continuation.yield(value) }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return values
    }

    static func finalOutput(of statuses: AsyncThrowingStream<ActionStatusReport, any Error>) async throws(BindingError)
        -> JSONValue?
    {
        do {
            for try await report in statuses where report.status.isFinal {
                if report.status == .failed {
                    throw BindingError(problem: report.error ?? .internalError("the action failed"))
                }
                return report.output
            }
        } catch let error as BindingError {
            throw error
        } catch {
            throw BindingError("\(error)")
        }
        throw BindingError("the invocation ended without a final status")
    }

    private func poll(_ statusURL: String, action: String, trace: TraceContext?) async throws(BindingError) -> JSONValue? {
        var delay = 50
        while true {
            let value = try await http.get(statusURL, trace: trace)
            guard let (report, _) = ActionStatusJSON.decode(value, action: action) else {
                throw BindingError("\(statusURL) did not answer with an action status")
            }
            if report.status == .completed { return report.output }
            if report.status == .failed { throw BindingError(problem: report.error ?? .internalError("the action failed")) }
            do {
                try await Task.sleep(for: .milliseconds(delay))
            } catch {
                throw BindingError("cancelled")
            }
            delay = min(delay * 2, 1000)
        }
    }

    // MARK: Properties

    /// Reads a property.
    public func readProperty(_ name: String, via transport: Transport? = nil, trace: TraceContext? = nil)
        async throws(BindingError) -> JSONValue
    {
        let target = try target(property: name, operation: "readproperty", via: transport)
        if target.transport == .http { return try await http.get(target.href, trace: trace) }
        if target.transport == .mqtt {
            // The retained reading on the property's topic.
            let readings = try await topicValues(target) { body in
                if case .propertyReading(let property, let value, _) = body, property == name { return value }
                return nil
            }
            return try await Self.first(of: readings, within: .seconds(5), what: "a reading of \(name) on its MQTT topic")
        }
        let reply = try await request(
            href: target.href, .readProperty(name: name), trace: trace)
        guard case .propertyReading(_, let value, _) = reply.body else {
            throw BindingError("expected a propertyReading, got \(reply.body.messageType)")
        }
        return value
    }

    /// Writes a property; returns the value the thing now holds when it says (WebSocket).
    @discardableResult
    public func writeProperty(_ name: String, _ value: JSONValue, via transport: Transport? = nil, trace: TraceContext? = nil)
        async throws(BindingError) -> JSONValue?
    {
        let target = try target(property: name, operation: "writeproperty", via: transport)
        if target.transport == .http {
            try await http.put(target.href, value, trace: trace)
            return nil
        }
        let reply = try await request(href: target.href, .writeProperty(name: name, value: value), trace: trace)
        guard case .propertyReading(_, let stored, _) = reply.body else { return nil }
        return stored
    }

    /// A property's new values as they change, until the stream is dropped (then the thing is told).
    public func observeProperty(_ name: String, via transport: Transport? = nil, trace: TraceContext? = nil)
        async throws(BindingError) -> AsyncThrowingStream<JSONValue, any Error>
    {
        let target = try target(property: name, operation: "observeproperty", via: transport)
        if target.transport == .http { return try await values(of: http.events(target.href, trace: trace)) }
        if target.transport == .mqtt {
            return try await topicValues(target) { body in
                if case .propertyReading(let property, let value, _) = body, property == name { return value }
                return nil
            }
        }
        return try await subscription(
            href: target.href, start: .observeProperty(name: name), stop: .unobserveProperty(name: name), trace: trace
        ) { body in
            if case .propertyReading(let property, let value, _) = body, property == name { return value }
            return nil
        }
    }

    // MARK: Events

    /// An event's occurrences (their data), until the stream is dropped (then the thing is told).
    public func subscribeEvent(_ name: String, via transport: Transport? = nil, trace: TraceContext? = nil)
        async throws(BindingError) -> AsyncThrowingStream<JSONValue, any Error>
    {
        let target = try target(event: name, operation: "subscribeevent", via: transport)
        if target.transport == .http { return try await values(of: http.events(target.href, trace: trace)) }
        if target.transport == .mqtt {
            return try await topicValues(target) { body in
                if case .event(let event, let data, _) = body, event == name { return data ?? .null }
                return nil
            }
        }
        return try await subscription(
            href: target.href, start: .subscribeEvent(event: name), stop: .unsubscribeEvent(event: name), trace: trace
        ) { body in
            if case .event(let event, let data, _) = body, event == name { return data ?? .null }
            return nil
        }
    }

    // MARK: Plumbing

    private func request(href: String, _ body: Message.Body, trace: TraceContext?) async throws(BindingError) -> Message {
        let connection = try await sockets.connection(to: href)
        let message = Message(thingID: thingID, correlationID: UUIDv4.random(), trace: trace, body: body)
        let replies = try await connection.send(message)
        defer { Task { await connection.stopListening(to: message.replyCorrelationID) } }
        do {
            for try await reply in replies {
                if case .error(let problem) = reply.body { throw BindingError(problem: problem) }
                return reply
            }
        } catch let error as BindingError {
            throw error
        } catch {
            throw BindingError("\(error)")
        }
        throw BindingError("the WebSocket closed before \(thingID) answered")
    }

    private func subscription(
        href: String, start: Message.Body, stop: Message.Body, trace: TraceContext?,
        extract: @escaping @Sendable (Message.Body) -> JSONValue?
    ) async throws(BindingError) -> AsyncThrowingStream<JSONValue, any Error> {
        let connection = try await sockets.connection(to: href)
        let correlationID = UUIDv4.random()
        let replies = try await connection.send(
            Message(thingID: thingID, correlationID: correlationID, trace: trace, body: start))
        let (values, continuation) = AsyncThrowingStream<JSONValue, any Error>.makeStream()
        let task = Task {
            do {
                for try await reply in replies {
                    if case .error(let problem) = reply.body {
                        continuation.finish(throwing: BindingError(problem: problem))
                        return
                    }
                    if let value = extract(reply.body) { continuation.yield(value) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        let thingID = self.thingID
        continuation.onTermination = { _ in
            task.cancel()
            Task {
                try? await connection.post(Message(thingID: thingID, correlationID: correlationID, body: stop))
                await connection.stopListening(to: correlationID)
            }
        }
        return values
    }

    private func values(of events: AsyncThrowingStream<(type: String, data: JSONValue), any Error>)
        -> AsyncThrowingStream<JSONValue, any Error>
    {
        let (values, continuation) = AsyncThrowingStream<JSONValue, any Error>.makeStream()
        let task = Task {
            do {
                for try await event in events { continuation.yield(event.data) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return values
    }
}

/// Where an HTTP invocation can be cancelled, once the thing has said.
private final class StatusURL: Sendable {
    private let value = Mutex<String?>(nil)
    func set(_ url: String) { value.withLock { $0 = url } }
    func get() -> String? { value.withLock { $0 } }
}

extension ConsumedThing {
    /// The first value of a stream, or an error after `timeout`.
    static func first(
        of values: AsyncThrowingStream<JSONValue, any Error>, within timeout: Duration, what: String
    ) async throws(BindingError) -> JSONValue {
        let result = await withTaskGroup(of: JSONValue?.self) { group in
            group.addTask {
                var iterator = values.makeAsyncIterator()
                return try? await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let result else { throw BindingError("no \(what) within \(timeout)") }
        return result
    }
}
