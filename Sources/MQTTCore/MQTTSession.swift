/// The client side of an MQTT session (sections 4.1-4.9) as a pure state machine: packets and time in, packets to
/// send and things to report out. It allocates packet ids, runs the QoS 1 and 2 flows both ways, keeps at most the
/// server's Receive Maximum of QoS > 0 publications in flight (queueing the rest), answers and sends keep-alive
/// pings, resolves inbound topic aliases, and after a reconnect resends what was not acknowledged (with DUP) when the
/// server kept the session. No I/O, no clock: the NIO client feeds it.
public struct MQTTSession: Sendable {
    /// What the connection should do, or what the application should hear.
    public enum Action: Sendable, Hashable {
        /// Write this packet.
        case send(MQTTPacket)
        /// An application message arrived (topic alias resolved, delivered once even under QoS 2 re-delivery).
        case deliver(MQTTPublish)
        /// CONNACK accepted the connection.
        case connected(MQTTConnAck)
        /// CONNACK refused the connection (the connection is closed after it).
        case rejected(MQTTConnAck)
        /// A QoS 1 or 2 publication finished: acknowledged with this reason code (>= 0x80: refused), or failed
        /// because the session ended (`nil`).
        case published(packetID: UInt16, reasonCode: UInt8?)
        /// SUBACK / UNSUBACK for a request.
        case subscribed(MQTTSubAck)
        case unsubscribed(MQTTSubAck)
        /// A SUBSCRIBE or UNSUBSCRIBE whose answer will never come (the session ended): ask again.
        case abandoned(packetID: UInt16)
        /// Close the connection: the server refused it, broke the protocol, or stopped answering pings.
        case close(reason: String)
    }

    /// Where the session stands.
    public enum State: Sendable, Hashable {
        case disconnected
        case connecting
        case connected
    }

    enum Outgoing: Sendable, Hashable {
        case awaitingPubAck(MQTTPublish)
        case awaitingPubRec(MQTTPublish)
        case awaitingPubComp
        case awaitingSubAck
        case awaitingUnsubAck
    }

    public let connect: MQTTConnect
    public private(set) var state: State = .disconnected
    /// Publications with QoS > 0 in flight at most: the server's Receive Maximum (MQTT 5), else 65,535.
    public private(set) var sendQuota: Int = 65_535
    /// Seconds between pings when nothing else is sent (the server's Server Keep Alive wins in MQTT 5).
    public private(set) var keepAlive: UInt16

    private var nextPacketID: UInt16 = 1
    private var outgoing: [UInt16: Outgoing] = [:]
    /// The order publications were sent in (resent in this order).
    private var outgoingOrder: [UInt16] = []
    private var queued: [MQTTPublish] = []
    /// QoS 2 publications received and not yet released (PUBREL) by the server: delivered once.
    private var incomingQoS2: Set<UInt16> = []
    private var topicAliases: [UInt16: String] = [:]
    private var lastSent: Double = 0
    private var pingSentAt: Double?

    public init(connect: MQTTConnect) {
        self.connect = connect
        keepAlive = connect.keepAlive
    }

    /// Whether the server may keep the session across connections (then unacknowledged work survives a drop).
    var sessionPersists: Bool {
        switch connect.version {
        case .v3_1_1: !connect.cleanStart
        case .v5: (connect.properties.sessionExpiryInterval ?? 0) > 0
        }
    }

    /// Publications waiting for a free slot.
    public var queuedCount: Int { queued.count }
    /// Requests awaiting an acknowledgement.
    public var inFlightCount: Int { outgoing.count }

    // MARK: Connection

    /// A new network connection is open: send CONNECT.
    public mutating func connectionOpened(now: Double) -> [Action] {
        state = .connecting
        pingSentAt = nil
        topicAliases = [:]
        lastSent = now
        return [.send(.connect(connect))]
    }

    /// The network connection is gone. Unless the session persists, what was in flight fails.
    public mutating func connectionLost() -> [Action] {
        state = .disconnected
        pingSentAt = nil
        guard !sessionPersists else { return [] }
        return failEverything()
    }

    private mutating func failEverything() -> [Action] {
        var actions: [Action] = []
        for (id, entry) in outgoing.sorted(by: { $0.key < $1.key }) where !outgoingOrder.contains(id) {
            if entry == .awaitingSubAck || entry == .awaitingUnsubAck { actions.append(.abandoned(packetID: id)) }
        }
        for id in outgoingOrder { actions.append(.published(packetID: id, reasonCode: nil)) }
        for publish in queued { if let id = publish.packetID { actions.append(.published(packetID: id, reasonCode: nil)) } }
        outgoing = [:]
        outgoingOrder = []
        queued = []
        reservedIDs = []
        incomingQoS2 = []
        return actions
    }

    // MARK: Requests

    /// Publishes a message. QoS > 0 gets a packet id (returned) and is sent when a slot is free.
    public mutating func publish(_ message: MQTTPublish, now: Double) throws(MQTTError) -> (packetID: UInt16?, actions: [Action]) {
        var message = message
        message.duplicate = false
        guard message.qos != .atMostOnce else {
            message.packetID = nil
            return (nil, state == .connected ? [sendNow(.publish(message), now: now)] : [])
        }
        let id = try allocatePacketID()
        message.packetID = id
        if state == .connected, inFlightPublications < sendQuota {
            outgoing[id] = Self.awaiting(message)
            outgoingOrder.append(id)
            return (id, [sendNow(.publish(message), now: now)])
        }
        // Keeps its id while it waits, so that the id is not handed out twice.
        queued.append(message)
        reservedIDs.insert(id)
        return (id, [])
    }

    static func awaiting(_ publish: MQTTPublish) -> Outgoing {
        publish.qos == .exactlyOnce ? .awaitingPubRec(publish) : .awaitingPubAck(publish)
    }

    /// Subscribes; the SUBACK comes back as `.subscribed`.
    public mutating func subscribe(
        _ subscriptions: [MQTTSubscription], properties: MQTTProperties = .init(), now: Double
    ) throws(MQTTError) -> (packetID: UInt16, actions: [Action]) {
        guard state == .connected else { throw .protocolError("not connected") }
        let id = try allocatePacketID()
        outgoing[id] = .awaitingSubAck
        return (id, [sendNow(.subscribe(MQTTSubscribe(packetID: id, subscriptions: subscriptions, properties: properties)), now: now)])
    }

    /// Unsubscribes; the UNSUBACK comes back as `.unsubscribed`.
    public mutating func unsubscribe(_ filters: [String], now: Double) throws(MQTTError) -> (packetID: UInt16, actions: [Action]) {
        guard state == .connected else { throw .protocolError("not connected") }
        let id = try allocatePacketID()
        outgoing[id] = .awaitingUnsubAck
        return (id, [sendNow(.unsubscribe(MQTTUnsubscribe(packetID: id, filters: filters)), now: now)])
    }

    /// A clean end: DISCONNECT (reason 0), after which the connection is closed by the caller.
    public mutating func disconnect() -> [Action] {
        guard state != .disconnected else { return [] }
        state = .disconnected
        return [.send(.disconnect(MQTTReasonPacket()))]
    }

    private var reservedIDs: Set<UInt16> = []

    private var inFlightPublications: Int {
        outgoing.values.reduce(0) { count, entry in
            switch entry {
            case .awaitingPubAck, .awaitingPubRec, .awaitingPubComp: count + 1
            case .awaitingSubAck, .awaitingUnsubAck: count
            }
        }
    }

    private mutating func allocatePacketID() throws(MQTTError) -> UInt16 {
        for _ in 0..<65_535 {
            let id = nextPacketID
            nextPacketID = nextPacketID == UInt16.max ? 1 : nextPacketID + 1
            if outgoing[id] == nil, !reservedIDs.contains(id) { return id }
        }
        throw .protocolError("all 65,535 packet ids are in use")
    }

    private mutating func sendNow(_ packet: MQTTPacket, now: Double) -> Action {
        lastSent = now
        return .send(packet)
    }

    // MARK: Receiving

    /// Handles a packet from the server.
    public mutating func receive(_ packet: MQTTPacket, now: Double) -> [Action] {
        if state == .connecting {
            guard case .connAck(let ack) = packet else {
                return fail("the server sent \(packet.type) before CONNACK")
            }
            return connectionAccepted(ack, now: now)
        }
        guard state == .connected else { return [] }
        switch packet {
        case .publish(let publish):
            return received(publish, now: now)
        case .pubAck(let ack):
            guard case .awaitingPubAck? = outgoing[ack.packetID] else { return [] }
            return finished(ack.packetID, reasonCode: ack.reasonCode, now: now)
        case .pubRec(let ack):
            guard case .awaitingPubRec? = outgoing[ack.packetID] else {
                // A PUBREC for a flow already released: answer again, as the standard asks.
                if case .awaitingPubComp? = outgoing[ack.packetID] {
                    return [sendNow(.pubRel(MQTTAck(packetID: ack.packetID)), now: now)]
                }
                return [sendNow(.pubRel(MQTTAck(packetID: ack.packetID, reasonCode: connect.version == .v5 ? 0x92 : 0)), now: now)]
            }
            if ack.reasonCode >= 0x80 { return finished(ack.packetID, reasonCode: ack.reasonCode, now: now) }
            outgoing[ack.packetID] = .awaitingPubComp
            return [sendNow(.pubRel(MQTTAck(packetID: ack.packetID)), now: now)]
        case .pubComp(let ack):
            guard case .awaitingPubComp? = outgoing[ack.packetID] else { return [] }
            return finished(ack.packetID, reasonCode: ack.reasonCode, now: now)
        case .pubRel(let ack):
            incomingQoS2.remove(ack.packetID)
            return [sendNow(.pubComp(MQTTAck(packetID: ack.packetID)), now: now)]
        case .subAck(let ack):
            guard case .awaitingSubAck? = outgoing[ack.packetID] else { return [] }
            outgoing[ack.packetID] = nil
            return [.subscribed(ack)]
        case .unsubAck(let ack):
            guard case .awaitingUnsubAck? = outgoing[ack.packetID] else { return [] }
            outgoing[ack.packetID] = nil
            return [.unsubscribed(ack)]
        case .pingResp:
            pingSentAt = nil
            return []
        case .disconnect(let packet):
            state = .disconnected
            return [.close(reason: "the server disconnected (reason 0x\(String(packet.reasonCode, radix: 16)))")]
        case .connAck, .connect, .subscribe, .unsubscribe, .pingReq, .auth:
            return fail("the server sent \(packet.type)")
        }
    }

    private mutating func fail(_ reason: String) -> [Action] {
        state = .disconnected
        var actions: [Action] = []
        if connect.version == .v5 { actions.append(.send(.disconnect(MQTTReasonPacket(reasonCode: 0x82)))) }
        actions.append(.close(reason: reason))
        return actions
    }

    private mutating func connectionAccepted(_ ack: MQTTConnAck, now: Double) -> [Action] {
        guard ack.isAccepted else {
            state = .disconnected
            return [
                .rejected(ack), .close(reason: "the server refused the connection (code 0x\(String(ack.reasonCode, radix: 16)))"),
            ]
        }
        state = .connected
        sendQuota = Int(ack.properties.receiveMaximum ?? 65_535)
        if case .twoByteInteger(let seconds)? = ack.properties[.serverKeepAlive] { keepAlive = seconds }
        var actions: [Action] = [.connected(ack)]
        if ack.sessionPresent {
            // Resend what the server has not acknowledged, in order, DUP set; PUBREL for released QoS 2.
            for id in outgoingOrder {
                switch outgoing[id] {
                case .awaitingPubAck(var publish)?, .awaitingPubRec(var publish)?:
                    publish.duplicate = true
                    actions.append(sendNow(.publish(publish), now: now))
                case .awaitingPubComp?:
                    actions.append(sendNow(.pubRel(MQTTAck(packetID: id)), now: now))
                default:
                    break
                }
            }
        } else {
            // The server has no session. Publications not yet acknowledged start over (first in line, same ids);
            // a QoS 2 one the server had received (PUBREC) counts as delivered; SUBSCRIBE / UNSUBSCRIBE answers
            // will not come.
            incomingQoS2 = []
            var restart: [MQTTPublish] = []
            for id in outgoingOrder {
                switch outgoing[id] {
                case .awaitingPubAck(var publish)?, .awaitingPubRec(var publish)?:
                    publish.duplicate = false
                    restart.append(publish)
                    reservedIDs.insert(id)
                case .awaitingPubComp?:
                    actions.append(.published(packetID: id, reasonCode: 0))
                default:
                    break
                }
            }
            for (id, entry) in outgoing.sorted(by: { $0.key < $1.key }) where !outgoingOrder.contains(id) {
                if entry == .awaitingSubAck || entry == .awaitingUnsubAck { actions.append(.abandoned(packetID: id)) }
            }
            outgoing = [:]
            outgoingOrder = []
            queued = restart + queued
        }
        actions += releaseQueued(now: now)
        return actions
    }

    private mutating func received(_ publish: MQTTPublish, now: Double) -> [Action] {
        var publish = publish
        if let alias = publish.properties.topicAlias {
            if publish.topic.isEmpty {
                guard let topic = topicAliases[alias] else { return fail("unknown topic alias \(alias)") }
                publish.topic = topic
            } else {
                topicAliases[alias] = publish.topic
            }
        }
        switch publish.qos {
        case .atMostOnce:
            return [.deliver(publish)]
        case .atLeastOnce:
            guard let id = publish.packetID else { return [] }
            return [.deliver(publish), sendNow(.pubAck(MQTTAck(packetID: id)), now: now)]
        case .exactlyOnce:
            guard let id = publish.packetID else { return [] }
            let first = incomingQoS2.insert(id).inserted
            let acknowledge = sendNow(.pubRec(MQTTAck(packetID: id)), now: now)
            return first ? [.deliver(publish), acknowledge] : [acknowledge]
        }
    }

    private mutating func finished(_ id: UInt16, reasonCode: UInt8, now: Double) -> [Action] {
        outgoing[id] = nil
        outgoingOrder.removeAll { $0 == id }
        return [.published(packetID: id, reasonCode: reasonCode)] + releaseQueued(now: now)
    }

    private mutating func releaseQueued(now: Double) -> [Action] {
        var actions: [Action] = []
        while state == .connected, !queued.isEmpty, inFlightPublications < sendQuota {
            let publish = queued.removeFirst()
            guard let id = publish.packetID else { continue }
            reservedIDs.remove(id)
            outgoing[id] = Self.awaiting(publish)
            outgoingOrder.append(id)
            actions.append(sendNow(.publish(publish), now: now))
        }
        return actions
    }

    // MARK: Time

    /// Keep-alive: a PINGREQ when nothing was sent for `keepAlive` seconds; close when its PINGRESP is
    /// `keepAlive` seconds late. Call at least every second or so.
    public mutating func tick(now: Double) -> [Action] {
        guard state == .connected, keepAlive > 0 else { return [] }
        let interval = Double(keepAlive)
        if let pingSentAt {
            if now - pingSentAt >= interval {
                state = .disconnected
                return [.close(reason: "no PINGRESP within \(keepAlive) s")]
            }
            return []
        }
        guard now - lastSent >= interval else { return [] }
        pingSentAt = now
        return [sendNow(.pingReq, now: now)]
    }
}
