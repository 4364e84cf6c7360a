import LMOSMessaging

/// What a handler knows about the request it serves.
public struct InteractionContext: Sendable {
    /// The thing addressed.
    public let thingID: String
    /// The invocation's id, for actions: the correlation id of the `invokeAction`, or the id in the HTTP status URL.
    public let invocationID: String?
    /// The caller's trace, continued by a span of ours.
    public let trace: TraceContext?
    /// The transport the request came over.
    public let transport: Transport

    public init(thingID: String, invocationID: String? = nil, trace: TraceContext? = nil, transport: Transport) {
        self.thingID = thingID
        self.invocationID = invocationID
        self.trace = trace
        self.transport = transport
    }
}

/// A transport the bindings speak.
public enum Transport: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// WebSocket with the `lmosprotocol` sub-protocol.
    case webSocket = "ws"
    /// The WoT HTTP binding, with Server-Sent Events for events and observation.
    case http
    /// MQTT through a broker (WoT MQTT binding template; LMOS messages as payloads).
    case mqtt

    /// Reads `ws`/`websocket` and `http` (as `--via` takes them).
    public init?(name: String) {
        switch name.lowercased() {
        case "ws", "wss", "websocket": self = .webSocket
        case "http", "https": self = .http
        case "mqtt", "mqtts": self = .mqtt
        default: return nil
        }
    }

    public var description: String { rawValue }
}
