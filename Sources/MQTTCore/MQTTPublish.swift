/// PUBLISH (section 3.3): an application message.
public struct MQTTPublish: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    public var retain: Bool
    /// DUP: a re-delivery of an earlier attempt (QoS > 0 only).
    public var duplicate: Bool
    /// Present for QoS 1 and 2 (non-zero).
    public var packetID: UInt16?
    /// MQTT 5: Response Topic, Correlation Data, Message Expiry, Content Type, Topic Alias, User Properties...
    public var properties: MQTTProperties

    public init(
        topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false, duplicate: Bool = false,
        packetID: UInt16? = nil, properties: MQTTProperties = .init()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.duplicate = duplicate
        self.packetID = packetID
        self.properties = properties
    }

    var flags: UInt8 { (duplicate ? 0x08 : 0) | qos.rawValue << 1 | (retain ? 0x01 : 0) }

    func encode(into writer: inout WireWriter, version: MQTTProtocolVersion) throws(MQTTError) {
        // An empty topic is allowed in MQTT 5 together with a Topic Alias.
        if !(version == .v5 && topic.isEmpty && properties.topicAlias != nil) { try MQTTTopic.validateName(topic) }
        guard qos == .atMostOnce || (packetID ?? 0) != 0 else { throw .protocolError("QoS \(qos.rawValue) needs a packet id") }
        guard !(qos == .atMostOnce && duplicate) else { throw .protocolError("DUP is set only for QoS 1 and 2") }
        try writer.string(topic)
        if qos != .atMostOnce, let packetID { writer.twoByteInteger(packetID) }
        if version == .v5 { try writer.properties(properties) }
        writer.bytes.append(contentsOf: payload)
    }

    static func decode(_ reader: inout WireReader, flags: UInt8, version: MQTTProtocolVersion) throws(MQTTError) -> MQTTPublish {
        guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else { throw .malformed("PUBLISH with QoS 3") }
        let duplicate = flags & 0x08 != 0
        guard !(qos == .atMostOnce && duplicate) else { throw .malformed("DUP set on a QoS 0 PUBLISH") }
        let topic = try reader.string()
        var packetID: UInt16?
        if qos != .atMostOnce {
            let id = try reader.twoByteInteger()
            guard id != 0 else { throw .malformed("packet id 0") }
            packetID = id
        }
        let properties = version == .v5 ? try reader.properties() : MQTTProperties()
        if !(version == .v5 && topic.isEmpty && properties.topicAlias != nil) { try MQTTTopic.validateName(topic) }
        return MQTTPublish(
            topic: topic, payload: reader.rest(), qos: qos, retain: flags & 0x01 != 0, duplicate: duplicate,
            packetID: packetID, properties: properties)
    }
}

/// PUBACK, PUBREC, PUBREL and PUBCOMP (sections 3.4-3.7): a packet id, and in MQTT 5 a reason code and properties.
public struct MQTTAck: Sendable, Hashable {
    public var packetID: UInt16
    /// 0 (success) unless the receiver says otherwise (MQTT 5).
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(packetID: UInt16, reasonCode: UInt8 = 0, properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.reasonCode = reasonCode
        self.properties = properties
    }

    func encode(into writer: inout WireWriter, version: MQTTProtocolVersion) throws(MQTTError) {
        guard packetID != 0 else { throw .protocolError("packet id 0") }
        writer.twoByteInteger(packetID)
        guard version == .v5, reasonCode != 0 || !properties.isEmpty else { return }
        writer.byte(reasonCode)
        if !properties.isEmpty { try writer.properties(properties) }
    }

    static func decode(_ reader: inout WireReader, version: MQTTProtocolVersion) throws(MQTTError) -> MQTTAck {
        let id = try reader.twoByteInteger()
        guard id != 0 else { throw .malformed("packet id 0") }
        var ack = MQTTAck(packetID: id)
        if version == .v5 {
            if !reader.isAtEnd { ack.reasonCode = try reader.byte() }
            if !reader.isAtEnd { ack.properties = try reader.properties() }
        }
        return ack
    }
}
