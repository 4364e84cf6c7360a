import LMOSCore
import LMOSMessaging
import Logging

/// One conversation in LMOS messages on the server side, whatever carries it: a WebSocket connection of the
/// `lmosprotocol` binding, or one MQTT request with its response topic. Reads requests in order, routes them by
/// `thingID`, answers in the dialect of each request, and forwards action statuses, property changes and events
/// until the peer unsubscribes or the conversation ends.
actor MessageSession {
    private let host: ThingHost
    private let transport: Transport
    /// Writes one message's JSON text to the peer.
    private let outbound: @Sendable (String) async throws -> Void
    private let logger: Logger
    private var subscriptions: [String: Task<Void, Never>] = [:]
    private var forwarders: [Int: Task<Void, Never>] = [:]
    private var nextForwarder = 0
    /// Invocations whose statuses this connection forwards, by correlation id.
    private var forwarding: Set<String> = []
    private var closed = false

    init(host: ThingHost, transport: Transport, logger: Logger, outbound: @escaping @Sendable (String) async throws -> Void) {
        self.host = host
        self.transport = transport
        self.outbound = outbound
        self.logger = logger
    }

    /// Handles one text or binary message.
    func receive(_ bytes: some Collection<UInt8>) async {
        let message: Message
        let dialect: Dialect
        do {
            (message, dialect) = try Message.decode(bytes, maximumSize: host.limits.maximumMessageSize)
        } catch {
            let reply = Message(
                thingID: error.thingID ?? "", correlationID: error.correlationID ?? error.messageID,
                body: .error(.badRequest(error.reason)))
            await send(reply, dialect: error.dialect)
            return
        }
        let trace = message.trace?.child()
        guard let entry = host.entry(id: message.thingID) else {
            await send(
                message.reply(.error(.notFound("this server exposes no thing with id \(message.thingID)")), trace: trace),
                dialect: dialect)
            return
        }
        let context = InteractionContext(
            thingID: message.thingID, invocationID: message.replyCorrelationID, trace: trace, transport: transport)
        do throws(ProblemDetails) {
            try await handle(message, dialect: dialect, entry: entry, context: context)
        } catch {
            await send(message.reply(.error(error), trace: trace), dialect: dialect)
        }
    }

    private func handle(_ message: Message, dialect: Dialect, entry: ThingHost.Entry, context: InteractionContext)
        async throws(ProblemDetails)
    {
        let thing = entry.thing
        let trace = context.trace
        switch message.body {
        case .invokeAction(let action, let input):
            let work = try await thing.prepareAction(action, input: input, context: context)
            let statuses = try await entry.runner.start(id: message.replyCorrelationID, action: action, work: work)
            // kotlin-wot knows only final statuses; a quick action is answered by its final status alone.
            let finalOnly = dialect == .kotlinWoT || !work.reportsProgress
            forward(statuses, request: message, dialect: dialect, trace: trace, finalOnly: finalOnly)
        case .queryAction(let action), .cancelAction(let action, _):
            var addressed = message.correlationID
            if addressed == nil { addressed = await entry.runner.latestInvocation(of: action) }
            guard let id = addressed else {
                throw .notFound("no invocation of \(action) to address: give its correlationID")
            }
            var report: ActionStatusReport
            if case .cancelAction(_, let reason) = message.body {
                switch await entry.runner.cancel(id: id, reason: reason) {
                case .cancelled(let final):
                    // The invocation's own status stream on this connection delivers the final status.
                    if forwarding.contains(id), final.action == action { return }
                    report = final
                case .alreadyEnded(let final): report = final
                case .unknown: throw .notFound("no invocation with correlation id \(id)")
                }
            } else {
                guard let invocation = await entry.runner.invocation(id: id) else {
                    throw .notFound("no invocation with correlation id \(id)")
                }
                report = invocation.report
            }
            guard report.action == action else {
                throw .badRequest("invocation \(id) is of action \(report.action), not \(action)")
            }
            if dialect == .kotlinWoT && report.status == .running {
                // kotlin-wot knows pending, completed and failed only.
                report.status = .pending
                report.output = nil
            }
            await send(
                Message(thingID: message.thingID, correlationID: id, trace: trace, body: .actionStatus(report)),
                dialect: dialect)
        case .readProperty(let name):
            let value = try await thing.readProperty(name, context: context)
            await send(message.reply(.propertyReading(name: name, value: value, timestamp: .now()), trace: trace), dialect: dialect)
        case .readAllProperties:
            let values = try await thing.readAllProperties(context: context)
            await send(message.reply(.propertyReadings(values: values, timestamp: .now()), trace: trace), dialect: dialect)
        case .readMultipleProperties(let names):
            var values = JSONObject()
            for name in names { values[name] = try await thing.readProperty(name, context: context) }
            await send(message.reply(.propertyReadings(values: values, timestamp: .now()), trace: trace), dialect: dialect)
        case .writeProperty(let name, let value):
            let stored = try await thing.writeProperty(name, value: value, context: context)
            await send(message.reply(.propertyReading(name: name, value: stored, timestamp: .now()), trace: trace), dialect: dialect)
        case .writeMultipleProperties(let values):
            var stored = JSONObject()
            for member in values {
                stored[member.key] = try await thing.writeProperty(member.key, value: member.value, context: context)
            }
            await send(message.reply(.propertyReadings(values: stored, timestamp: .now()), trace: trace), dialect: dialect)
        case .observeProperty(let name):
            let changes = try await thing.observeProperty(name)
            try subscribe(key: "\(message.thingID)\u{0}p\u{0}\(name)", message: message) { session in
                for await value in changes {
                    let reading = message.reply(.propertyReading(name: name, value: value, timestamp: .now()), trace: trace)
                    await session.send(reading, dialect: dialect)
                }
            }
        case .unobserveProperty(let name):
            unsubscribe(key: "\(message.thingID)\u{0}p\u{0}\(name)")
        case .subscribeEvent(let event):
            try await subscribe(event: event, thing: thing, message: message, dialect: dialect, trace: trace)
            if dialect == .kotlinWoT {
                await send(message.reply(.acknowledgement(message: "Subscribed to event: \(event)"), trace: trace), dialect: dialect)
            }
        case .subscribeAllEvents:
            for event in await thing.eventNames() {
                try await subscribe(event: event, thing: thing, message: message, dialect: dialect, trace: trace)
            }
        case .unsubscribeEvent(let event):
            unsubscribe(key: "\(message.thingID)\u{0}e\u{0}\(event)")
        case .unsubscribeAllEvents:
            for key in subscriptions.keys where key.hasPrefix("\(message.thingID)\u{0}e\u{0}") { unsubscribe(key: key) }
        case .actionStatus, .propertyReading, .propertyReadings, .event, .error, .acknowledgement:
            throw .badRequest("\(message.body.messageType) is sent by things, not to them")
        }
    }

    private func subscribe(
        event: String, thing: any ExposedThing, message: Message, dialect: Dialect, trace: TraceContext?
    ) async throws(ProblemDetails) {
        let occurrences = try await thing.subscribeEvent(event)
        try subscribe(key: "\(message.thingID)\u{0}e\u{0}\(event)", message: message) { session in
            for await data in occurrences {
                await session.send(message.reply(.event(event: event, data: data, timestamp: .now()), trace: trace), dialect: dialect)
            }
        }
    }

    private func subscribe(
        key: String, message: Message, _ body: @escaping @Sendable (MessageSession) async -> Void
    ) throws(ProblemDetails) {
        guard !closed else { return }
        if subscriptions[key] == nil, subscriptions.count >= host.limits.maximumSubscriptionsPerConnection {
            throw ProblemDetails(
                title: "Too Many Requests", status: 429,
                detail: "this connection holds \(subscriptions.count) subscriptions, the most allowed")
        }
        subscriptions.removeValue(forKey: key)?.cancel()
        subscriptions[key] = Task { [weak self] in
            guard let self else { return }
            await body(self)
        }
    }

    private func unsubscribe(key: String) {
        subscriptions.removeValue(forKey: key)?.cancel()
    }

    private func forward(
        _ statuses: AsyncStream<ActionStatusReport>, request: Message, dialect: Dialect, trace: TraceContext?,
        finalOnly: Bool
    ) {
        guard !closed else { return }
        let number = nextForwarder
        nextForwarder += 1
        let id = request.replyCorrelationID
        forwarding.insert(id)
        forwarders[number] = Task { [weak self] in
            for await report in statuses where !finalOnly || report.status.isFinal {
                await self?.send(request.reply(.actionStatus(report), trace: trace), dialect: dialect)
            }
            await self?.forwarderEnded(number, id: id)
        }
    }

    private func forwarderEnded(_ number: Int, id: String) {
        forwarders[number] = nil
        forwarding.remove(id)
    }

    func send(_ message: Message, dialect: Dialect) async {
        guard !closed else { return }
        do {
            try await outbound(message.jsonString(dialect: dialect))
        } catch {
            logger.debug("could not send a reply", metadata: ["transport": "\(transport)", "error": "\(error)"])
        }
    }

    /// Waits until the action statuses this session forwards have all been sent (a session that lives for one
    /// request, as over MQTT, is kept until then).
    func finishForwarding() async {
        while let task = forwarders.values.first {
            await task.value
        }
    }

    /// Ends every subscription and forwarding; invocations keep running and stay queryable.
    func close() {
        closed = true
        for task in subscriptions.values { task.cancel() }
        for task in forwarders.values { task.cancel() }
        subscriptions = [:]
        forwarders = [:]
    }
}
