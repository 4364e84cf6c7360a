/// CONNECT (section 3.1): the first packet a client sends.
public struct MQTTConnect: Sendable, Hashable {
    /// The message the server publishes when the client goes away without DISCONNECT.
    public struct Will: Sendable, Hashable {
        public var topic: String
        public var payload: [UInt8]
        public var qos: MQTTQoS
        public var retain: Bool
        /// MQTT 5 will properties (Will Delay Interval, Message Expiry, Content Type, Response Topic...).
        public var properties: MQTTProperties

        public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false, properties: MQTTProperties = .init()) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
            self.properties = properties
        }
    }

    public var version: MQTTProtocolVersion
    public var clientID: String
    /// Clean Session (3.1.1) / Clean Start (5).
    public var cleanStart: Bool
    /// Seconds; 0 turns keep-alive off.
    public var keepAlive: UInt16
    public var will: Will?
    public var username: String?
    public var password: [UInt8]?
    public var properties: MQTTProperties

    public init(
        version: MQTTProtocolVersion, clientID: String, cleanStart: Bool = true, keepAlive: UInt16 = 60,
        will: Will? = nil, username: String? = nil, password: [UInt8]? = nil, properties: MQTTProperties = .init()
    ) {
        self.version = version
        self.clientID = clientID
        self.cleanStart = cleanStart
        self.keepAlive = keepAlive
        self.will = will
        self.username = username
        self.password = password
        self.properties = properties
    }

    func encode(into writer: inout WireWriter) throws(MQTTError) {
        if version == .v3_1_1, password != nil, username == nil {
            throw .protocolError("MQTT 3.1.1 allows a password only with a username")
        }
        if let will { try MQTTTopic.validateName(will.topic) }
        try writer.string("MQTT")
        writer.byte(version.rawValue)
        var flags: UInt8 = 0
        if username != nil { flags |= 0x80 }
        if password != nil { flags |= 0x40 }
        if let will {
            flags |= 0x04 | will.qos.rawValue << 3
            if will.retain { flags |= 0x20 }
        }
        if cleanStart { flags |= 0x02 }
        writer.byte(flags)
        writer.twoByteInteger(keepAlive)
        if version == .v5 { try writer.properties(properties) }
        try writer.string(clientID)
        if let will {
            if version == .v5 { try writer.properties(will.properties) }
            try writer.string(will.topic)
            try writer.binary(will.payload)
        }
        if let username { try writer.string(username) }
        if let password { try writer.binary(password) }
    }

    static func decode(_ reader: inout WireReader) throws(MQTTError) -> MQTTConnect {
        let name = try reader.string()
        guard name == "MQTT" else { throw .protocolError("protocol name is \(name), not MQTT") }
        let level = try reader.byte()
        guard let version = MQTTProtocolVersion(rawValue: level) else {
            throw .init(reasonCode: 0x84, message: "unsupported protocol level \(level)")
        }
        let flags = try reader.byte()
        guard flags & 0x01 == 0 else { throw .malformed("the reserved connect flag is set") }
        let hasWill = flags & 0x04 != 0
        let willQoSBits = (flags >> 3) & 0x03
        guard let willQoS = MQTTQoS(rawValue: willQoSBits) else { throw .malformed("will QoS 3") }
        if !hasWill, willQoSBits != 0 || flags & 0x20 != 0 {
            throw .malformed("will QoS or retain set without a will")
        }
        if version == .v3_1_1, flags & 0x40 != 0, flags & 0x80 == 0 {
            throw .malformed("password flag without username flag")
        }
        let keepAlive = try reader.twoByteInteger()
        let properties = version == .v5 ? try reader.properties() : MQTTProperties()
        let clientID = try reader.string()
        var will: Will?
        if hasWill {
            let willProperties = version == .v5 ? try reader.properties() : MQTTProperties()
            let topic = try reader.string()
            try MQTTTopic.validateName(topic)
            will = Will(
                topic: topic, payload: try reader.binary(), qos: willQoS, retain: flags & 0x20 != 0,
                properties: willProperties)
        }
        let username = flags & 0x80 != 0 ? try reader.string() : nil
        let password = flags & 0x40 != 0 ? try reader.binary() : nil
        return MQTTConnect(
            version: version, clientID: clientID, cleanStart: flags & 0x02 != 0, keepAlive: keepAlive, will: will,
            username: username, password: password, properties: properties)
    }
}

/// CONNACK (section 3.2).
public struct MQTTConnAck: Sendable, Hashable {
    public var sessionPresent: Bool
    /// The 3.1.1 return code (0 accepted, 1-5 refused) or the MQTT 5 reason code (0 success, >= 0x80 refused).
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(sessionPresent: Bool = false, reasonCode: UInt8 = 0, properties: MQTTProperties = .init()) {
        self.sessionPresent = sessionPresent
        self.reasonCode = reasonCode
        self.properties = properties
    }

    /// Whether the server accepted the connection.
    public var isAccepted: Bool { reasonCode == 0 }

    func encode(into writer: inout WireWriter, version: MQTTProtocolVersion) throws(MQTTError) {
        writer.byte(sessionPresent ? 1 : 0)
        writer.byte(reasonCode)
        if version == .v5 { try writer.properties(properties) }
    }

    static func decode(_ reader: inout WireReader, version: MQTTProtocolVersion) throws(MQTTError) -> MQTTConnAck {
        let flags = try reader.byte()
        guard flags & 0xFE == 0 else { throw .malformed("reserved CONNACK flags set") }
        let code = try reader.byte()
        let properties = version == .v5 ? try reader.properties() : MQTTProperties()
        return MQTTConnAck(sessionPresent: flags & 1 == 1, reasonCode: code, properties: properties)
    }
}
