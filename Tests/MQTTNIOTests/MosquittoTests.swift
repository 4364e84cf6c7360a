import Foundation
import MQTTCore
import MQTTNIO
import LMOSTestSupport
import Testing

/// Our MQTT client against a real mosquitto broker started by each test.
@Suite(.enabled(if: Mosquitto.available || Mosquitto.mustRun))
struct MosquittoTests {
    @Test(arguments: [MQTTProtocolVersion.v3_1_1, .v5])
    func deliversAtEveryQoS(version: MQTTProtocolVersion) async throws {
        let broker = try await Mosquitto()
        let subscriber = try await MQTTClient.connect(broker.configuration("sub", version: version))
        let publisher = try await MQTTClient.connect(broker.configuration("pub", version: version))
        defer { Task { await subscriber.disconnect(); await publisher.disconnect() } }
        let messages = await subscriber.messages(matching: "test/#")
        let granted = try await subscriber.subscribe([MQTTSubscription(filter: "test/#", qos: .exactlyOnce)])
        #expect(granted.reasonCodes == [2])
        var iterator = messages.makeAsyncIterator()
        for qos in [MQTTQoS.atMostOnce, .atLeastOnce, .exactlyOnce] {
            let code = try await publisher.publish("test/\(qos.rawValue)", payload: Array("q\(qos.rawValue)".utf8), qos: qos)
            #expect(code == 0)
            let message = try #require(await iterator.next())
            #expect(message.topic == "test/\(qos.rawValue)")
            #expect(message.payload == Array("q\(qos.rawValue)".utf8))
            #expect(message.qos == qos)
        }
        // Many in flight at once, all acknowledged, all delivered in order.
        try await withThrowingTaskGroup(of: UInt8.self) { group in
            for index in 0..<200 {
                group.addTask { try await publisher.publish("test/many", payload: [UInt8(index)], qos: .atLeastOnce) }
            }
            for try await code in group { #expect(code == 0) }
        }
        var seen = 0
        while seen < 200, let message = await iterator.next() {
            #expect(message.topic == "test/many")
            seen += 1
        }
        #expect(seen == 200)
        let unsubscribed = try await subscriber.unsubscribe(["test/#"])
        #expect(unsubscribed.packetID > 0)
    }

    @Test func retainedMessagesAndWildcards() async throws {
        let broker = try await Mosquitto()
        let publisher = try await MQTTClient.connect(broker.configuration("pub"))
        defer { Task { await publisher.disconnect() } }
        try await publisher.publish("lmos/urn:a/properties/mood", payload: Array("calm".utf8), qos: .atLeastOnce, retain: true)
        let late = try await MQTTClient.connect(broker.configuration("late"))
        defer { Task { await late.disconnect() } }
        let properties = await late.messages(matching: "lmos/+/properties/#")
        try await late.subscribe([MQTTSubscription(filter: "lmos/+/properties/#", qos: .atLeastOnce)])
        let retained = try #require(await next(properties))
        #expect(retained.retain)
        #expect(retained.payload == Array("calm".utf8))

        let events = await late.messages(matching: "lmos/+/events/#")
        try await late.subscribe([MQTTSubscription(filter: "lmos/+/events/#")])
        try await publisher.publish("lmos/urn:a/actions/chat", payload: [1])
        try await publisher.publish("lmos/urn:a/events/said", payload: [2])
        let event = try #require(await next(events))
        #expect(event.topic == "lmos/urn:a/events/said")
    }

    @Test func mqtt5RequestResponsePropertiesPassThrough() async throws {
        let broker = try await Mosquitto()
        let responder = try await MQTTClient.connect(broker.configuration("responder"))
        let requester = try await MQTTClient.connect(broker.configuration("requester"))
        defer { Task { await responder.disconnect(); await requester.disconnect() } }
        let requests = await responder.messages(matching: "lmos/agent/actions/chat")
        try await responder.subscribe([MQTTSubscription(filter: "lmos/agent/actions/chat", qos: .atLeastOnce)])
        let replies = await requester.messages(matching: "replies/requester")
        try await requester.subscribe([MQTTSubscription(filter: "replies/requester", qos: .atLeastOnce)])
        var properties = MQTTProperties()
        properties.responseTopic = "replies/requester"
        properties.correlationData = [0xCA, 0xFE]
        properties.contentType = "application/json"
        try await requester.publish("lmos/agent/actions/chat", payload: Array("{}".utf8), qos: .atLeastOnce, properties: properties)
        let request = try #require(await next(requests))
        #expect(request.properties.responseTopic == "replies/requester")
        #expect(request.properties.correlationData == [0xCA, 0xFE])
        #expect(request.properties.contentType == "application/json")
        var reply = MQTTProperties()
        reply.correlationData = request.properties.correlationData
        try await responder.publish(try #require(request.properties.responseTopic), payload: [1], qos: .atLeastOnce, properties: reply)
        #expect(try #require(await next(replies)).properties.correlationData == [0xCA, 0xFE])
    }

    @Test func reconnectsAfterTheBrokerRestartsAndSubscribesAgain() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration("survivor")
        configuration.minimumBackoff = 0.1
        configuration.maximumBackoff = 0.5
        let survivor = try await MQTTClient.connect(configuration)
        defer { Task { await survivor.disconnect() } }
        let messages = await survivor.messages(matching: "after/restart")
        try await survivor.subscribe([MQTTSubscription(filter: "after/restart", qos: .atLeastOnce)])
        await broker.stop()
        try await Task.sleep(for: .milliseconds(300))
        #expect(await survivor.isConnected == false)
        // A QoS 1 message published while the broker is away waits and goes out after the reconnect.
        let waiting = Task { try await survivor.publish("after/restart", payload: [8], qos: .atLeastOnce) }
        try await Task.sleep(for: .milliseconds(800))
        try await broker.start()
        let deadline = Date().addingTimeInterval(10)
        while await !survivor.isConnected, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(await survivor.isConnected)
        #expect(try await waiting.value == 0)
        #expect(await next(messages)?.payload == [8])
        // The broker kept nothing (persistence off): our client subscribed again by itself.
        let publisher = try await MQTTClient.connect(broker.configuration("pub2"))
        defer { Task { await publisher.disconnect() } }
        var received: MQTTPublish?
        for _ in 0..<20 where received == nil {
            try await publisher.publish("after/restart", payload: [7], qos: .atLeastOnce)
            received = await next(messages, within: 0.5)
        }
        #expect(received?.payload == [7])
    }

    @Test(arguments: [MQTTProtocolVersion.v3_1_1, .v5])
    func aPersistentSessionGetsWhatWasPublishedWhileAway(version: MQTTProtocolVersion) async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration("persistent", version: version)
        configuration.cleanStart = false
        configuration.sessionExpiry = 300
        let first = try await MQTTClient.connect(configuration)
        try await first.subscribe([MQTTSubscription(filter: "offline/#", qos: .atLeastOnce)])
        await first.disconnect()
        let publisher = try await MQTTClient.connect(broker.configuration("pub", version: version))
        defer { Task { await publisher.disconnect() } }
        try await publisher.publish("offline/1", payload: [1], qos: .atLeastOnce)
        try await publisher.publish("offline/2", payload: [2], qos: .atLeastOnce)
        // Back with the same client id and no clean start: the broker kept the subscription and the messages.
        let again = try await MQTTClient.connect(configuration)
        defer { Task { await again.disconnect() } }
        let messages = await again.messages(matching: "offline/#")
        #expect(await next(messages)?.payload == [1])
        #expect(await next(messages)?.payload == [2])
        // A clean start forgets it all.
        await again.disconnect()
        var clean = configuration
        clean.cleanStart = true
        let fresh = try await MQTTClient.connect(clean)
        defer { Task { await fresh.disconnect() } }
        try await publisher.publish("offline/3", payload: [3], qos: .atLeastOnce)
        #expect(await next(await fresh.messages(matching: "offline/#"), within: 0.5) == nil)
    }

    @Test func theWillIsPublishedWhenAClientVanishes() async throws {
        let broker = try await Mosquitto()
        let watcher = try await MQTTClient.connect(broker.configuration("watcher"))
        defer { Task { await watcher.disconnect() } }
        let wills = await watcher.messages(matching: "wills/#")
        try await watcher.subscribe([MQTTSubscription(filter: "wills/#", qos: .atLeastOnce)])
        var configuration = broker.configuration("mortal", version: .v3_1_1)
        configuration.will = MQTTConnect.Will(topic: "wills/mortal", payload: Array("gone".utf8), qos: .atLeastOnce)
        configuration.reconnect = false
        let mortal = try await MQTTClient.connect(configuration)
        // Another connection with the same client id takes the session over: the broker drops the first one
        // without a DISCONNECT from it, so its will goes out.
        var usurper = configuration
        usurper.will = nil
        let successor = try await MQTTClient.connect(usurper)
        defer { Task { await successor.disconnect(); await mortal.disconnect() } }
        #expect(await next(wills)?.payload == Array("gone".utf8))
        // A client that says goodbye (DISCONNECT) leaves no will.
        await successor.disconnect()
        var polite = broker.configuration("polite")
        polite.will = MQTTConnect.Will(topic: "wills/polite", payload: [1])
        let leaving = try await MQTTClient.connect(polite)
        await leaving.disconnect()
        #expect(await next(wills, within: 0.5) == nil)
    }

    @Test func passwordAuthentication() async throws {
        let broker = try await Mosquitto(users: ["agent": "s3cret"])
        var good = broker.configuration("good")
        good.username = "agent"
        good.password = Array("s3cret".utf8)
        let client = try await MQTTClient.connect(good)
        #expect(await client.isConnected)
        await client.disconnect()

        for version in [MQTTProtocolVersion.v3_1_1, .v5] {
            var bad = broker.configuration("bad", version: version)
            bad.username = "agent"
            bad.password = Array("wrong".utf8)
            do {
                _ = try await MQTTClient.connect(bad)
                Issue.record("a wrong password was accepted")
            } catch {
                // 3.1.1: 4 or 5 (bad credentials / not authorized); 5: 0x86 or 0x87.
                guard case .refused(let code) = error else {
                    Issue.record("expected a refusal, got \(error)")
                    continue
                }
                #expect(version == .v5 ? code >= 0x80 : (code == 4 || code == 5))
            }
        }
    }

    @Test func tlsWithPasswordAndTheRightCAOnly() async throws {
        let broker = try await Mosquitto(users: ["agent": "s3cret"], tls: true)
        var configuration = broker.configuration("tls")
        configuration.username = "agent"
        configuration.password = Array("s3cret".utf8)
        configuration.tls = MQTTTLS(caFile: broker.caFile)
        let client = try await MQTTClient.connect(configuration)
        let messages = await client.messages(matching: "secure/#")
        try await client.subscribe([MQTTSubscription(filter: "secure/#", qos: .atLeastOnce)])
        try await client.publish("secure/x", payload: [42], qos: .atLeastOnce)
        #expect(await next(messages)?.payload == [42])
        await client.disconnect()

        // Another CA: the broker's certificate does not verify.
        let other = try Subprocess.temporaryDirectory(prefix: "lmos-other-ca")
        defer { try? FileManager.default.removeItem(at: other) }
        let stranger = try Mosquitto.makeCertificates(in: other, name: "other")
        var wrongCA = configuration
        wrongCA.tls = MQTTTLS(caFile: stranger.ca)
        wrongCA.reconnect = false
        await #expect(throws: MQTTClientError.self) { _ = try await MQTTClient.connect(wrongCA) }
        // Plain MQTT to a TLS listener: no CONNACK.
        var plain = configuration
        plain.tls = nil
        plain.reconnect = false
        plain.connectTimeout = 1
        await #expect(throws: MQTTClientError.self) { _ = try await MQTTClient.connect(plain) }
    }

    @Test func anUnreachableBrokerIsAnErrorNotARetryLoop() async throws {
        let port = try Mosquitto.freePort()
        do {
            _ = try await MQTTClient.connect(MQTTClientConfiguration(port: port, clientID: "nobody", connectTimeout: 2))
            Issue.record("connected to nothing")
        } catch {
            guard case .connectionFailed = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
        }
    }
}
