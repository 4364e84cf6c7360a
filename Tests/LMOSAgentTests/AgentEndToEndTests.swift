import LMOSAgent
import LMOSBindings
import LMOSConsumer
import LMOSCore
import LMOSDescription
import LMOSMessaging
import Testing

/// The example agent served in this process and consumed over both transports with the same API.
@Suite("Agent end to end")
struct AgentEndToEndTests {
    static let request: JSONValue = ["messages": [["role": "user", "content": "one two three", "format": "text"]]]

    @Test func theDescriptionHasAFormPerTransportOnEveryAffordanceAndIsValid() async throws {
        let running = try await RunningAgent.start([.example(wordDelay: .milliseconds(1))])
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        let description = thing.description
        #expect(description.validate().isEmpty, "\(description.validate())")
        #expect(description.isAgent)
        #expect(description.base == running.url + "/")
        let affordanceForms = description.properties.map(\.forms) + description.actions.map(\.forms) + description.events.map(\.forms)
        for forms in affordanceForms {
            #expect(forms.contains { $0.href?.hasPrefix("ws://") == true && $0.subprotocol == "lmosprotocol" })
            #expect(forms.contains { $0.href?.contains("://") == false })
        }
        // The same description at /.well-known/wot.
        let wellKnown = try await ConsumedThing.fetch(running.ready.origin)
        #expect(wellKnown.description.id == description.id)
        await thing.close()
    }

    @Test(arguments: [Transport.http, .webSocket])
    func chatAnswersOverEitherTransport(_ transport: Transport) async throws {
        let running = try await RunningAgent.start([.example(wordDelay: .milliseconds(1))])
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        let output = try await thing.invokeAction("chat", input: Self.request, via: transport)
        #expect(output?["messages"]?[0]?["content"] == "(helpful) You said: one two three")
        #expect(output?["messages"]?[0]?["role"] == "assistant")
        await thing.close()
    }

    @Test(arguments: [Transport.http, .webSocket])
    func streamingYieldsPartialsInOrder(_ transport: Transport) async throws {
        let running = try await RunningAgent.start([.example(wordDelay: .milliseconds(2))])
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        let invocation = try await thing.invokeActionStreaming("chat-stream", input: Self.request, via: transport)
        var statuses: [ActionStatusReport] = []
        for try await status in invocation.statuses { statuses.append(status) }
        #expect(statuses.first?.status == .pending)
        #expect(statuses.last?.status == .completed)
        let partials = statuses.filter { $0.status == .running }.compactMap { $0.output?["messages"]?[0]?["content"]?.stringValue }
        #expect(partials == ["(helpful)", " You", " said:", " one", " two", " three"])
        #expect(statuses.last?.output?["messages"]?[0]?["content"] == "(helpful) You said: one two three")
        // The non-streaming call of a streaming action waits for its end (HTTP: 201, then the status URL).
        let output = try await thing.invokeAction("chat-stream", input: Self.request, via: transport)
        #expect(output?["messages"]?[0]?["content"] == "(helpful) You said: one two three")
        await thing.close()
    }

    @Test(arguments: [Transport.http, .webSocket])
    func cancelStopsARunningAction(_ transport: Transport) async throws {
        let running = try await RunningAgent.start([.example(wordDelay: .milliseconds(100))])
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        let long: JSONValue = ["messages": [["role": "user", "content": .string(Array(repeating: "word", count: 200).joined(separator: " "))]]]
        let invocation = try await thing.invokeActionStreaming("chat-stream", input: long, via: transport)
        var statuses: [ActionStatusReport] = []
        let clock = ContinuousClock()
        let start = clock.now
        for try await status in invocation.statuses {
            statuses.append(status)
            if status.status == .running && statuses.filter({ $0.status == .running }).count == 2 {
                try await invocation.cancel("enough")
            }
        }
        #expect(clock.now - start < .seconds(5), "200 words at 100 ms would take 20 s")
        let final = try #require(statuses.last)
        #expect(final.status == .failed)
        #expect(final.error?.title == "Cancelled")
        // Stopped long before its 200 words (a busy machine may let a few more through before the cancel lands).
        #expect(statuses.filter { $0.status == .running }.count < 20)
        await thing.close()
    }

    @Test(arguments: [Transport.http, .webSocket])
    func propertiesAreReadWrittenAndObserved(_ transport: Transport) async throws {
        let agent = Agent.example(wordDelay: .milliseconds(1))
        let running = try await RunningAgent.start([agent])
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        #expect(try await thing.readProperty("persona", via: transport) == "helpful")
        let changes = try await thing.observeProperty("persona", via: transport)
        var iterator = changes.makeAsyncIterator()
        // Give the observation a moment to be registered before the write (HTTP: the stream is open once
        // headers arrive; WebSocket: the server handles messages in order, the write goes after).
        try await Task.sleep(for: .milliseconds(100))
        try await thing.writeProperty("persona", "grumpy", via: transport)
        #expect(try await iterator.next() == "grumpy")
        #expect(try await thing.readProperty("persona", via: transport) == "grumpy")
        #expect(agent.value(of: "persona") == "grumpy")
        // The schema is enforced by the agent; a read-only property has no form to write it with.
        do {
            try await thing.writeProperty("persona", 42, via: transport)
            Issue.record("a number was accepted for a string property")
        } catch {
            #expect(error.problem?.status == 400)
        }
        do {
            try await thing.writeProperty("conversations", 5, via: transport)
            Issue.record("a read-only property was written")
        } catch {
            #expect(error.description.contains("no \(transport) form for writeproperty"))
        }
        await thing.close()
    }

    @Test(arguments: [Transport.http, .webSocket])
    func eventsReachSubscribers(_ transport: Transport) async throws {
        let agent = Agent.example(wordDelay: .milliseconds(1))
        let running = try await RunningAgent.start(
            [agent], configuration: AgentServerConfiguration(port: 0, limits: BindingLimits(heartbeatInterval: 0.1)))
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        do {
            let events = try await thing.subscribeEvent("messageReceived", via: transport)
            for _ in 0..<100 where agent.subscriberCount(of: "messageReceived") == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(agent.subscriberCount(of: "messageReceived") == 1)
            _ = try await thing.invokeAction("chat", input: Self.request)
            var iterator = events.makeAsyncIterator()
            let event = try await iterator.next()
            #expect(event?["content"] == "one two three")
        }
        await thing.close()
        // Dropping the stream (and the socket) ends the subscription on the agent's side.
        for _ in 0..<100 where agent.subscriberCount(of: "messageReceived") > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(agent.subscriberCount(of: "messageReceived") == 0)
    }

    @Test(arguments: [Transport.http, .webSocket])
    func problemsComeBackAsProblems(_ transport: Transport) async throws {
        let running = try await RunningAgent.start([.example(wordDelay: .milliseconds(1))])
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        do {
            _ = try await thing.invokeAction("chat", input: ["messages": "not an array"], via: transport)
            Issue.record("bad input accepted")
        } catch {
            #expect(error.problem?.status == 400)
            #expect(error.description.contains("messages"))
        }
        do {
            _ = try await thing.invokeAction("chat", input: ["messages": []], via: transport)
            Issue.record("no user message accepted")
        } catch {
            #expect(error.problem?.status == 400)
        }
        await #expect(throws: BindingError.self) { try await thing.invokeAction("nope", via: transport) }
        await thing.close()
    }

    @Test func oneSocketServesManyThingsAndConcurrentInvocations() async throws {
        let first = Agent.example(id: "urn:test:first", wordDelay: .milliseconds(1))
        let second = Agent(id: "urn:test:second", title: "Second", kind: .tool)
        second.action("double", input: .integer(), output: .integer()) { input, _ in .integer((input?.integerValue ?? 0) * 2) }
        let running = try await RunningAgent.start([first, second])
        defer { Task { await running.stop() } }
        let connection = try await WebSocketConnection.connect(to: running.ready.webSocketURL)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let thing = index.isMultiple(of: 2) ? "urn:test:second" : "urn:test:first"
                    let body: Message.Body = index.isMultiple(of: 2)
                        ? .invokeAction(action: "double", input: .integer(Int64(index)))
                        : .readProperty(name: "persona")
                    let request = Message(thingID: thing, correlationID: UUIDv4.random(), body: body)
                    let replies = try await connection.send(request)
                    for try await reply in replies {
                        #expect(reply.correlationID == request.correlationID)
                        #expect(reply.thingID == thing)
                        if index.isMultiple(of: 2) {
                            #expect(reply.body == .actionStatus(ActionStatusReport(action: "double", status: .completed, output: .integer(Int64(index * 2)))) || {
                                if case .actionStatus(let report) = reply.body { return report.output == .integer(Int64(index * 2)) }
                                return false
                            }())
                        }
                        break
                    }
                    await connection.stopListening(to: request.replyCorrelationID)
                }
            }
            try await group.waitForAll()
        }
        let unknown = Message(thingID: "urn:test:nobody", body: .readProperty(name: "x"))
        for try await reply in try await connection.send(unknown) {
            guard case .error(let problem) = reply.body else { Issue.record("\(reply)"); break }
            #expect(problem.status == 404)
            #expect(reply.correlationID == unknown.messageID)
            break
        }
        await connection.close()
    }
}
