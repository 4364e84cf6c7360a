/// One topic filter of a SUBSCRIBE with its options (section 3.8.3.1).
public struct MQTTSubscription: Sendable, Hashable {
    /// MQTT 5 Retain Handling: when retained messages are sent for this subscription.
    public enum RetainHandling: UInt8, Sendable, Hashable {
        case sendOnSubscribe = 0
        case sendOnNewSubscribe = 1
        case doNotSend = 2
    }

    public var filter: String
    public var qos: MQTTQoS
    /// MQTT 5: do not receive our own publications.
    public var noLocal: Bool
    /// MQTT 5: keep the RETAIN flag as published.
    public var retainAsPublished: Bool
    public var retainHandling: RetainHandling

    public init(
        filter: String, qos: MQTTQoS = .atMostOnce, noLocal: Bool = false, retainAsPublished: Bool = false,
        retainHandling: RetainHandling = .sendOnSubscribe
    ) {
        self.filter = filter
        self.qos = qos
        self.noLocal = noLocal
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
    }
}

/// SUBSCRIBE (section 3.8).
public struct MQTTSubscribe: Sendable, Hashable {
    public var packetID: UInt16
    public var subscriptions: [MQTTSubscription]
    /// MQTT 5: Subscription Identifier, User Properties.
    public var properties: MQTTProperties

    public init(packetID: UInt16, subscriptions: [MQTTSubscription], properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.subscriptions = subscriptions
        self.properties = properties
    }

    func encode(into writer: inout WireWriter, version: MQTTProtocolVersion) throws(MQTTError) {
        guard packetID != 0 else { throw .protocolError("packet id 0") }
        guard !subscriptions.isEmpty else { throw .protocolError("SUBSCRIBE needs at least one topic filter") }
        writer.twoByteInteger(packetID)
        if version == .v5 { try writer.properties(properties) }
        for subscription in subscriptions {
            try MQTTTopic.validateFilter(subscription.filter)
            try writer.string(subscription.filter)
            var options = subscription.qos.rawValue
            if version == .v5 {
                if subscription.noLocal { options |= 0x04 }
                if subscription.retainAsPublished { options |= 0x08 }
                options |= subscription.retainHandling.rawValue << 4
            }
            writer.byte(options)
        }
    }

    static func decode(_ reader: inout WireReader, version: MQTTProtocolVersion) throws(MQTTError) -> MQTTSubscribe {
        let id = try reader.twoByteInteger()
        guard id != 0 else { throw .malformed("packet id 0") }
        let properties = version == .v5 ? try reader.properties() : MQTTProperties()
        var subscriptions: [MQTTSubscription] = []
        while !reader.isAtEnd {
            let filter = try reader.string()
            try MQTTTopic.validateFilter(filter)
            let options = try reader.byte()
            guard let qos = MQTTQoS(rawValue: options & 0x03) else { throw .malformed("subscription QoS 3") }
            if version == .v3_1_1 {
                guard options & 0xFC == 0 else { throw .malformed("reserved subscription option bits set") }
                subscriptions.append(MQTTSubscription(filter: filter, qos: qos))
            } else {
                guard options & 0xC0 == 0, let handling = MQTTSubscription.RetainHandling(rawValue: (options >> 4) & 0x03)
                else { throw .malformed("reserved subscription option bits set") }
                subscriptions.append(
                    MQTTSubscription(
                        filter: filter, qos: qos, noLocal: options & 0x04 != 0, retainAsPublished: options & 0x08 != 0,
                        retainHandling: handling))
            }
        }
        guard !subscriptions.isEmpty else { throw .protocolError("SUBSCRIBE without a topic filter") }
        return MQTTSubscribe(packetID: id, subscriptions: subscriptions, properties: properties)
    }
}

/// SUBACK (section 3.9) and UNSUBACK (section 3.11): a packet id and one code per filter (granted QoS or failure;
/// UNSUBACK has codes only in MQTT 5).
public struct MQTTSubAck: Sendable, Hashable {
    public var packetID: UInt16
    public var reasonCodes: [UInt8]
    public var properties: MQTTProperties

    public init(packetID: UInt16, reasonCodes: [UInt8], properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.reasonCodes = reasonCodes
        self.properties = properties
    }

    func encode(into writer: inout WireWriter, version: MQTTProtocolVersion, codes: Bool = true) throws(MQTTError) {
        writer.twoByteInteger(packetID)
        if version == .v5 { try writer.properties(properties) }
        if codes { writer.bytes.append(contentsOf: reasonCodes) }
    }

    static func decode(_ reader: inout WireReader, version: MQTTProtocolVersion, codes: Bool = true) throws(MQTTError) -> MQTTSubAck {
        let id = try reader.twoByteInteger()
        let properties = version == .v5 ? try reader.properties() : MQTTProperties()
        let reasonCodes = codes ? reader.rest() : []
        if version == .v3_1_1, codes {
            guard reasonCodes.allSatisfy({ $0 <= 2 || $0 == 0x80 }) else { throw .malformed("SUBACK return code not 0, 1, 2 or 0x80") }
        }
        if !codes, !reader.isAtEnd { throw .malformed("UNSUBACK longer than its packet id") }
        return MQTTSubAck(packetID: id, reasonCodes: reasonCodes, properties: properties)
    }
}

/// UNSUBSCRIBE (section 3.10).
public struct MQTTUnsubscribe: Sendable, Hashable {
    public var packetID: UInt16
    public var filters: [String]
    public var properties: MQTTProperties

    public init(packetID: UInt16, filters: [String], properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.filters = filters
        self.properties = properties
    }

    func encode(into writer: inout WireWriter, version: MQTTProtocolVersion) throws(MQTTError) {
        guard packetID != 0 else { throw .protocolError("packet id 0") }
        guard !filters.isEmpty else { throw .protocolError("UNSUBSCRIBE needs at least one topic filter") }
        writer.twoByteInteger(packetID)
        if version == .v5 { try writer.properties(properties) }
        for filter in filters {
            try MQTTTopic.validateFilter(filter)
            try writer.string(filter)
        }
    }

    static func decode(_ reader: inout WireReader, version: MQTTProtocolVersion) throws(MQTTError) -> MQTTUnsubscribe {
        let id = try reader.twoByteInteger()
        guard id != 0 else { throw .malformed("packet id 0") }
        let properties = version == .v5 ? try reader.properties() : MQTTProperties()
        var filters: [String] = []
        while !reader.isAtEnd {
            let filter = try reader.string()
            try MQTTTopic.validateFilter(filter)
            filters.append(filter)
        }
        guard !filters.isEmpty else { throw .protocolError("UNSUBSCRIBE without a topic filter") }
        return MQTTUnsubscribe(packetID: id, filters: filters, properties: properties)
    }
}

/// DISCONNECT (section 3.14) and AUTH (section 3.15, MQTT 5): a reason code and properties, both optional on the
/// wire.
public struct MQTTReasonPacket: Sendable, Hashable {
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(reasonCode: UInt8 = 0, properties: MQTTProperties = .init()) {
        self.reasonCode = reasonCode
        self.properties = properties
    }

    func encode(into writer: inout WireWriter, version: MQTTProtocolVersion) throws(MQTTError) {
        guard version == .v5, reasonCode != 0 || !properties.isEmpty else { return }
        writer.byte(reasonCode)
        if !properties.isEmpty { try writer.properties(properties) }
    }

    static func decode(_ reader: inout WireReader, version: MQTTProtocolVersion) throws(MQTTError) -> MQTTReasonPacket {
        var packet = MQTTReasonPacket()
        if version == .v3_1_1 {
            guard reader.isAtEnd else { throw .malformed("a 3.1.1 DISCONNECT has no body") }
            return packet
        }
        if !reader.isAtEnd { packet.reasonCode = try reader.byte() }
        if !reader.isAtEnd { packet.properties = try reader.properties() }
        return packet
    }
}
