/// Why bytes are not a valid MQTT packet, or a packet cannot be encoded, with the MQTT 5 reason code a peer would
/// send for it (0x81 Malformed Packet, 0x82 Protocol Error, 0x95 Packet too large).
public struct MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The MQTT 5 reason code that fits (for a DISCONNECT to the peer).
    public let reasonCode: UInt8
    public let message: String

    public init(reasonCode: UInt8, message: String) {
        self.reasonCode = reasonCode
        self.message = message
    }

    public static func malformed(_ message: String) -> MQTTError { .init(reasonCode: 0x81, message: message) }
    public static func protocolError(_ message: String) -> MQTTError { .init(reasonCode: 0x82, message: message) }
    public static func tooLarge(_ message: String) -> MQTTError { .init(reasonCode: 0x95, message: message) }

    public var description: String { "MQTT: \(message)" }
}
