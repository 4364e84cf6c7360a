/// The protocol level in CONNECT: 4 for MQTT 3.1.1, 5 for MQTT 5.0.
public enum MQTTProtocolVersion: UInt8, Sendable, Hashable {
    case v3_1_1 = 4
    case v5 = 5
}

/// A delivery guarantee.
public enum MQTTQoS: UInt8, Sendable, Hashable, Comparable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2

    public static func < (left: MQTTQoS, right: MQTTQoS) -> Bool { left.rawValue < right.rawValue }
}

/// The control packet types (the high nibble of the first byte).
public enum MQTTPacketType: UInt8, Sendable, Hashable {
    case connect = 1, connAck, publish, pubAck, pubRec, pubRel, pubComp, subscribe, subAck, unsubscribe, unsubAck
    case pingReq, pingResp, disconnect, auth
}
