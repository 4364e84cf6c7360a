import Foundation
import LMOSAgent
import LMOSBindings
import LMOSCore
import LMOSDescription
import LMOSMessaging
import LMOSTestSupport
import MQTTCore
import MQTTNIO
import Testing

/// The example agent exposed through a real mosquitto broker, talked to by our own MQTT client with hand-made LMOS
/// messages (the consumer side of MQTT comes with issue 8's second part).
@Suite(.enabled(if: Mosquitto.available || Mosquitto.mustRun))
struct MQTTBindingTests {
    func invoke(_ action: String, thing: String, client: MQTTClient, replies: String, correlation: [UInt8]) async throws {
        let request = Message(
            thingID: thing, correlationID: UUIDv4.random(),
            body: .invokeAction(action: action, input: ["messages": [["role": "user", "content": "over mqtt"]]]))
        var properties = MQTTProperties()
        properties.responseTopic = replies
        properties.correlationData = correlation
        try await client.publish(
            MQTTThingExposer.topic(thing: thing, kind: "actions", name: action), payload: request.jsonBytes(),
            qos: .atLeastOnce, properties: properties)
    }

    @Test func actionsEventsAndPropertiesOverMQTT() async throws {
        let broker = try await Mosquitto()
        let id = "urn:uuid:" + UUIDv4.random()
        let running = try await RunningAgent.start(
            [.example(id: id, wordDelay: .milliseconds(5))],
            configuration: AgentServerConfiguration(port: 0, mqttBroker: "mqtt://127.0.0.1:\(broker.port)"))
        defer { Task { await running.stop() } }

        // The description names the MQTT forms (WoT MQTT binding terms) and stays valid.
        let description = try await running.consumed().description
        let chatForms = try #require(description.action("chat")).forms
        let mqtt = try #require(chatForms.first { $0.href?.hasPrefix("mqtt://") == true })
        #expect(mqtt.json["mqv:topic"] == .string(MQTTThingExposer.topic(thing: id, kind: "actions", name: "chat")))
        #expect(mqtt.json["mqv:controlPacket"] == "publish")
        #expect(description.context?[1]?["mqv"] == .string(ThingDescription.mqttVocabulary))
        #expect(description.validate().isEmpty, "\(description.validate())")

        let client = try await MQTTClient.connect(
            MQTTClientConfiguration(port: broker.port, clientID: "tester", connectTimeout: 3))
        defer { Task { await client.disconnect() } }
        // The retained reading of a property is there at once.
        let persona = await client.messages(matching: MQTTThingExposer.topic(thing: id, kind: "properties", name: "persona"))
        try await client.subscribe([MQTTSubscription(filter: "lmos/+/properties/#", qos: .atLeastOnce)])
        let reading = try #require(await first(persona))
        #expect(reading.retain)
        guard case .propertyReading(let name, let value, _) = try body(reading) else {
            Issue.record("not a property reading")
            return
        }
        #expect(name == "persona" && value == "helpful")

        let events = await client.messages(matching: MQTTThingExposer.topic(thing: id, kind: "events", name: "messageReceived"))
        try await client.subscribe([MQTTSubscription(filter: "lmos/+/events/#", qos: .atLeastOnce)])
        let replies = await client.messages(matching: "replies/tester")
        try await client.subscribe([MQTTSubscription(filter: "replies/tester", qos: .atLeastOnce)])

        // Request-response: one final status, correlation data echoed.
        try await invoke("chat", thing: id, client: client, replies: "replies/tester", correlation: [1, 2, 3])
        let reply = try #require(await first(replies))
        #expect(reply.properties.correlationData == [1, 2, 3])
        guard case .actionStatus(let report) = try body(reply) else {
            Issue.record("not an action status")
            return
        }
        #expect(report.status == .completed)
        #expect(report.output?["messages"]?[0]?["content"] == "(helpful) You said: over mqtt")
        let event = try #require(await first(events))
        guard case .event(let eventName, _, _) = try body(event) else {
            Issue.record("not an event")
            return
        }
        #expect(eventName == "messageReceived")

        // Request-multiple-responses: running statuses with partial outputs, then completed.
        try await invoke("chat-stream", thing: id, client: client, replies: "replies/tester", correlation: [9])
        var statuses: [ActionState] = []
        var iterator = replies.makeAsyncIterator()
        while statuses.last != .completed, statuses.count < 50, let next = await iterator.next() {
            #expect(next.properties.correlationData == [9])
            guard case .actionStatus(let report) = try body(next) else { continue }
            statuses.append(report.status)
        }
        #expect(statuses.filter { $0 == .running }.count >= 2)
        #expect(statuses.last == .completed)

        // Not JSON: a problem comes back on the response topic.
        var properties = MQTTProperties()
        properties.responseTopic = "replies/tester"
        try await client.publish(
            MQTTThingExposer.topic(thing: id, kind: "actions", name: "chat"), payload: Array("nope".utf8), qos: .atLeastOnce,
            properties: properties)
        let problemReply = try #require(await first(replies))
        guard case .error(let problem) = try body(problemReply) else {
            Issue.record("expected an error message")
            return
        }
        #expect(problem.status == 400)
    }

    /// The agent through a broker that speaks TLS only (`mqtts://`, verified against the test's CA).
    @Test func overTLS() async throws {
        let broker = try await Mosquitto(tls: true)
        let id = "urn:uuid:" + UUIDv4.random()
        let running = try await RunningAgent.start(
            [.example(id: id, wordDelay: .milliseconds(1))],
            configuration: AgentServerConfiguration(
                port: 0, mqttBroker: "mqtts://127.0.0.1:\(broker.port)", mqttCAFile: broker.caFile))
        defer { Task { await running.stop() } }
        let description = try await running.consumed().description
        #expect(description.action("chat")?.forms.contains { $0.href?.hasPrefix("mqtts://") == true } == true)
        var configuration = MQTTClientConfiguration(port: broker.port, clientID: "tls-tester", connectTimeout: 3)
        configuration.tls = MQTTTLS(caFile: broker.caFile)
        let client = try await MQTTClient.connect(configuration)
        defer { Task { await client.disconnect() } }
        let replies = await client.messages(matching: "replies/tls")
        try await client.subscribe([MQTTSubscription(filter: "replies/tls", qos: .atLeastOnce)])
        try await invoke("chat", thing: id, client: client, replies: "replies/tls", correlation: [7])
        let reply = try #require(await first(replies))
        guard case .actionStatus(let report) = try body(reply) else {
            Issue.record("not an action status")
            return
        }
        #expect(report.status == .completed)
    }

    /// `ConsumedThing` picks the MQTT forms when asked (`via: .mqtt`): the same API as over HTTP and WebSocket.
    @Test func theConsumerTalksOverMQTT() async throws {
        let broker = try await Mosquitto()
        let id = "urn:uuid:" + UUIDv4.random()
        let running = try await RunningAgent.start(
            [.example(id: id, wordDelay: .milliseconds(20))],
            configuration: AgentServerConfiguration(port: 0, mqttBroker: "mqtt://127.0.0.1:\(broker.port)"))
        defer { Task { await running.stop() } }
        let thing = try await running.consumed()
        defer { Task { await thing.close() } }
        #expect(try await thing.readProperty("persona", via: .mqtt) == "helpful")
        let events = try await thing.subscribeEvent("messageReceived", via: .mqtt)
        let output = try await thing.invokeAction("chat", input: ["messages": [["role": "user", "content": "hello"]]], via: .mqtt)
        #expect(output?["messages"]?[0]?["content"] == "(helpful) You said: hello")
        var eventIterator = events.makeAsyncIterator()
        #expect(try await eventIterator.next()?["content"] == "hello")

        let stream = try await thing.invokeActionStreaming(
            "chat-stream", input: ["messages": [["role": "user", "content": "one two three four"]]], via: .mqtt)
        var states: [ActionState] = []
        for try await status in stream.statuses { states.append(status.status) }
        #expect(states.filter { $0 == .running }.count >= 2)
        #expect(states.last == .completed)

        // Cancel over MQTT: the final status is a failed "Cancelled".
        let long = try await thing.invokeActionStreaming(
            "chat-stream", input: ["messages": [["role": "user", "content": .string(String(repeating: "word ", count: 200))]]],
            via: .mqtt)
        var last: ActionStatusReport?
        var running2 = 0
        for try await status in long.statuses {
            last = status
            if status.status == .running {
                running2 += 1
                if running2 == 2 { try await long.cancel("enough") }
            }
        }
        #expect(last?.status == .failed)
        #expect(last?.error?.title == "Cancelled")

        // No MQTT form for a write: a clear error.
        await #expect(throws: BindingError.self) { try await thing.writeProperty("persona", "terse", via: .mqtt) }
    }

    /// An independent MQTT 5 client, Python paho-mqtt (`Peers/mqtt_paho_peer.py`), talks to `lmos example agent
    /// --mqtt` through mosquitto: retained readings, request-response and request-multiple-responses, events, errors.
    @Test(.enabled(if: PahoPeer.available || Mosquitto.mustRun))
    func pahoTalksToTheAgentThroughMosquitto() async throws {
        let broker = try await Mosquitto()
        let id = "urn:uuid:" + UUIDv4.random()
        let agent = try BackgroundProcess(
            try lmosBinary(), ["example", "agent", "--port", "0", "--id", id, "--mqtt", "mqtt://127.0.0.1:\(broker.port)"])
        defer { agent.terminate() }
        _ = try await agent.line(timeout: 20) { $0.hasPrefix("exposed through MQTT broker") }
        let result = try Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", PythonPeers.peers.appendingPathComponent("mqtt_paho_peer.py").path, "--broker",
             "127.0.0.1:\(broker.port)", "--thing-id", id])
        #expect(result.status == 0, "\(result.stderr)\n\(result.output.suffix(2000))")
        let last = result.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("ok ") && last.hasSuffix(" checks"), "\(result.output.suffix(500))")
    }

    /// The LMOS message body a publication carries (an error for an undecodable request has an empty thingID,
    /// which `Message.decode` refuses: it is read as JSON then).
    func body(_ publish: MQTTPublish) throws -> Message.Body {
        do {
            return try Message.decode(publish.payload).0.body
        } catch {
            let json = try JSONValue(parsing: publish.payload)
            guard json["messageType"] == "error", case .object(let object) = json, let problem = ProblemDetails(json: object)
            else {
                Issue.record("not an LMOS message: \(String(decoding: publish.payload, as: UTF8.self))")
                throw error
            }
            return .error(problem)
        }
    }

    func first(_ stream: AsyncStream<MQTTPublish>) async -> MQTTPublish? {
        await withTaskGroup(of: MQTTPublish?.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return nil
            }
            let result = await group.next() ?? nil
            group.cancelAll()
            return result
        }
    }
}

enum PahoPeer {
    static let available: Bool = {
        guard let result = try? Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import paho.mqtt.client"])
        else { return false }
        return result.status == 0
    }()
}

extension MQTTBindingTests {
    /// `lmos call --via mqtt` and `lmos subscribe --via mqtt` against `lmos example agent --mqtt`.
    @Test func theCLITalksOverMQTT() async throws {
        let broker = try await Mosquitto()
        let (executable, arguments) = unblockingSignals(
            try lmosBinary(), ["example", "agent", "--port", "0", "--mqtt", "mqtt://127.0.0.1:\(broker.port)"])
        let agent = try BackgroundProcess(executable, arguments)
        defer { agent.terminate() }
        _ = try await agent.line(timeout: 20) { $0.hasPrefix("exposed through MQTT broker") }
        let description = try await agent.line(timeout: 20) { $0.hasPrefix("description: ") }
        let url = String(description.dropFirst("description: ".count))
        let called = try Subprocess.run(
            try lmosBinary(),
            ["call", url, "chat", "--input", #"{"messages":[{"role":"user","content":"cli"}]}"#, "--via", "mqtt"])
        #expect(called.status == 0, "\(called.stderr)")
        #expect(called.output.contains("(helpful) You said: cli"))
        let streamed = try Subprocess.run(
            try lmosBinary(),
            ["call", url, "chat-stream", "--input", #"{"messages":[{"role":"user","content":"a b c"}]}"#, "--stream", "--via", "mqtt"])
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(streamed.output.split(separator: "\n").count >= 3)
        let read = try Subprocess.run(try lmosBinary(), ["subscribe", url, "persona", "--property", "--via", "mqtt", "--count", "1"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.output.contains("helpful"))
        let refused = try Subprocess.run(try lmosBinary(), ["write", url, "persona", #""terse""#, "--via", "mqtt"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no mqtt form"))
        #expect(try Subprocess.run(try lmosBinary(), ["call", url, "chat", "--via", "pigeon"]).status == 64)
        #expect(await agent.signal(SIGINT) == 0)
    }
}
