import MQTTCore
import Testing

/// The client session state machine: connect, QoS flows both ways, in-flight limits, keep-alive, reconnects.
@Suite struct MQTTSessionTests {
    func connected(
        _ version: MQTTProtocolVersion = .v5, cleanStart: Bool = true, sessionExpiry: UInt32? = nil,
        receiveMaximum: UInt16? = nil, keepAlive: UInt16 = 30
    ) -> MQTTSession {
        var properties = MQTTProperties()
        properties.sessionExpiryInterval = sessionExpiry
        var session = MQTTSession(
            connect: MQTTConnect(version: version, clientID: "c", cleanStart: cleanStart, keepAlive: keepAlive, properties: properties))
        #expect(session.connectionOpened(now: 0) == [.send(.connect(session.connect))])
        var ack = MQTTConnAck()
        ack.properties.receiveMaximum = receiveMaximum
        let actions = session.receive(.connAck(ack), now: 0)
        #expect(actions.first == .connected(ack))
        #expect(session.state == .connected)
        return session
    }

    func sent(_ actions: [MQTTSession.Action]) -> [MQTTPacket] {
        actions.compactMap { if case .send(let packet) = $0 { return packet } else { return nil } }
    }

    @Test func qosOneAndTwoOutbound() throws {
        var session = connected()
        let (none, zero) = try session.publish(MQTTPublish(topic: "t", payload: [0]), now: 1)
        #expect(none == nil)
        #expect(sent(zero) == [.publish(MQTTPublish(topic: "t", payload: [0]))])

        let (one, first) = try session.publish(MQTTPublish(topic: "t", payload: [1], qos: .atLeastOnce), now: 1)
        let id1 = try #require(one)
        #expect(sent(first) == [.publish(MQTTPublish(topic: "t", payload: [1], qos: .atLeastOnce, packetID: id1))])
        #expect(session.receive(.pubAck(MQTTAck(packetID: id1)), now: 2) == [.published(packetID: id1, reasonCode: 0)])
        // A second PUBACK for the same id is ignored.
        #expect(session.receive(.pubAck(MQTTAck(packetID: id1)), now: 2).isEmpty)

        let (two, _) = try session.publish(MQTTPublish(topic: "t", payload: [2], qos: .exactlyOnce), now: 3)
        let id2 = try #require(two)
        #expect(id2 != id1)
        #expect(session.receive(.pubRec(MQTTAck(packetID: id2)), now: 4) == [.send(.pubRel(MQTTAck(packetID: id2)))])
        #expect(session.receive(.pubComp(MQTTAck(packetID: id2)), now: 5) == [.published(packetID: id2, reasonCode: 0)])
        #expect(session.inFlightCount == 0)

        // A refusal in PUBREC ends the flow (MQTT 5).
        let (three, _) = try session.publish(MQTTPublish(topic: "t", payload: [3], qos: .exactlyOnce), now: 6)
        let id3 = try #require(three)
        #expect(session.receive(.pubRec(MQTTAck(packetID: id3, reasonCode: 0x87)), now: 7) == [.published(packetID: id3, reasonCode: 0x87)])
    }

    @Test func qosTwoInboundIsDeliveredOnce() {
        var session = connected()
        let message = MQTTPublish(topic: "in", payload: [9], qos: .exactlyOnce, packetID: 77)
        #expect(session.receive(.publish(message), now: 1) == [.deliver(message), .send(.pubRec(MQTTAck(packetID: 77)))])
        // The server did not see our PUBREC and sends again (DUP): acknowledged, not delivered twice.
        var again = message
        again.duplicate = true
        #expect(session.receive(.publish(again), now: 2) == [.send(.pubRec(MQTTAck(packetID: 77)))])
        #expect(session.receive(.pubRel(MQTTAck(packetID: 77)), now: 3) == [.send(.pubComp(MQTTAck(packetID: 77)))])
        // After PUBREL the id may carry a new message.
        #expect(session.receive(.publish(message), now: 4).first == .deliver(message))

        let once = MQTTPublish(topic: "in", payload: [1], qos: .atLeastOnce, packetID: 5)
        #expect(session.receive(.publish(once), now: 5) == [.deliver(once), .send(.pubAck(MQTTAck(packetID: 5)))])
    }

    @Test func receiveMaximumQueuesTheRest() throws {
        var session = connected(receiveMaximum: 2)
        #expect(session.sendQuota == 2)
        var ids: [UInt16] = []
        var sentCount = 0
        for index in 0..<5 {
            let (id, actions) = try session.publish(MQTTPublish(topic: "t", payload: [UInt8(index)], qos: .atLeastOnce), now: 1)
            ids.append(try #require(id))
            sentCount += sent(actions).count
        }
        #expect(Set(ids).count == 5)
        #expect(sentCount == 2)
        #expect(session.queuedCount == 3)
        let next = session.receive(.pubAck(MQTTAck(packetID: ids[0])), now: 2)
        #expect(next.first == .published(packetID: ids[0], reasonCode: 0))
        #expect(sent(next) == [.publish(MQTTPublish(topic: "t", payload: [2], qos: .atLeastOnce, packetID: ids[2]))])
        #expect(session.queuedCount == 2)
    }

    @Test func keepAlivePingsAndGivesUp() {
        var session = connected(keepAlive: 10)
        #expect(session.tick(now: 5).isEmpty)
        #expect(session.tick(now: 10) == [.send(.pingReq)])
        #expect(session.tick(now: 15).isEmpty)
        #expect(session.receive(.pingResp, now: 16).isEmpty)
        #expect(session.tick(now: 20) == [.send(.pingReq)])
        guard case .close? = session.tick(now: 30).first else {
            Issue.record("expected a close after a missing PINGRESP")
            return
        }
        #expect(session.state == .disconnected)
    }

    @Test func aPersistentSessionResendsWithDupAfterReconnect() throws {
        var session = connected(.v3_1_1, cleanStart: false)
        let (one, _) = try session.publish(MQTTPublish(topic: "t", payload: [1], qos: .atLeastOnce), now: 1)
        let (two, _) = try session.publish(MQTTPublish(topic: "t", payload: [2], qos: .exactlyOnce), now: 1)
        let (three, _) = try session.publish(MQTTPublish(topic: "t", payload: [3], qos: .exactlyOnce), now: 1)
        let id1 = try #require(one), id2 = try #require(two), id3 = try #require(three)
        _ = session.receive(.pubRec(MQTTAck(packetID: id3)), now: 2)
        #expect(session.connectionLost().isEmpty)
        _ = session.connectionOpened(now: 3)
        let resent = sent(session.receive(.connAck(MQTTConnAck(sessionPresent: true)), now: 3))
        #expect(
            resent == [
                .publish(MQTTPublish(topic: "t", payload: [1], qos: .atLeastOnce, duplicate: true, packetID: id1)),
                .publish(MQTTPublish(topic: "t", payload: [2], qos: .exactlyOnce, duplicate: true, packetID: id2)),
                .pubRel(MQTTAck(packetID: id3)),
            ])
    }

    @Test func withoutTheSessionInFlightWorkStartsOverOrFails() throws {
        // The server lost the session: unacknowledged publications are sent again as new ones.
        var kept = connected(.v5, cleanStart: false, sessionExpiry: 60)
        let (one, _) = try kept.publish(MQTTPublish(topic: "t", payload: [1], qos: .atLeastOnce), now: 1)
        let id1 = try #require(one)
        let (sub, _) = try kept.subscribe([MQTTSubscription(filter: "a/#")], now: 1)
        _ = kept.connectionLost()
        _ = kept.connectionOpened(now: 2)
        let actions = kept.receive(.connAck(MQTTConnAck(sessionPresent: false)), now: 2)
        #expect(actions.contains(.abandoned(packetID: sub)))
        #expect(sent(actions) == [.publish(MQTTPublish(topic: "t", payload: [1], qos: .atLeastOnce, packetID: id1))])

        // A clean session fails what was in flight when the connection drops.
        var clean = connected()
        let (two, _) = try clean.publish(MQTTPublish(topic: "t", payload: [2], qos: .atLeastOnce), now: 1)
        let id2 = try #require(two)
        #expect(clean.connectionLost() == [.published(packetID: id2, reasonCode: nil)])
    }

    @Test func protocolViolationsAndRefusalsClose() {
        var session = MQTTSession(connect: MQTTConnect(version: .v5, clientID: "c"))
        _ = session.connectionOpened(now: 0)
        let early = session.receive(.pingResp, now: 0)
        #expect(early.contains(.send(.disconnect(MQTTReasonPacket(reasonCode: 0x82)))))
        #expect(session.state == .disconnected)

        var refused = MQTTSession(connect: MQTTConnect(version: .v3_1_1, clientID: "c"))
        _ = refused.connectionOpened(now: 0)
        let refusal = refused.receive(.connAck(MQTTConnAck(reasonCode: 5)), now: 0)
        #expect(refusal.first == .rejected(MQTTConnAck(reasonCode: 5)))
        guard case .close? = refusal.last else {
            Issue.record("a refused CONNACK closes")
            return
        }
    }

    @Test func inboundTopicAliasesResolve() {
        var session = connected()
        var first = MQTTPublish(topic: "lmos/a/events/e", payload: [1])
        first.properties.topicAlias = 3
        #expect(session.receive(.publish(first), now: 1) == [.deliver(first)])
        var second = MQTTPublish(topic: "", payload: [2])
        second.properties.topicAlias = 3
        guard case .deliver(let delivered)? = session.receive(.publish(second), now: 2).first else {
            Issue.record("not delivered")
            return
        }
        #expect(delivered.topic == "lmos/a/events/e")
        var unknown = MQTTPublish(topic: "", payload: [3])
        unknown.properties.topicAlias = 9
        guard case .send(.disconnect)? = session.receive(.publish(unknown), now: 3).first else {
            Issue.record("an unknown alias is a protocol error")
            return
        }
    }

    @Test func packetIDsWrapAndSkipOnesInUse() throws {
        var session = connected()
        let (held, _) = try session.publish(MQTTPublish(topic: "t", payload: [], qos: .atLeastOnce), now: 0)
        var last: UInt16 = 0
        for _ in 0..<70_000 {
            let (id, _) = try session.publish(MQTTPublish(topic: "t", payload: [], qos: .atLeastOnce), now: 0)
            let value = try #require(id)
            #expect(value != held)
            #expect(value != 0)
            _ = session.receive(.pubAck(MQTTAck(packetID: value)), now: 0)
            last = value
        }
        #expect(last != 0)
        #expect(session.inFlightCount == 1)
    }
}
