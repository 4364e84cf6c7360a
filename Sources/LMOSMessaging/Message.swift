import LMOSCore

/// One LMOS message (PROTOCOL.md section 6): the common members every message has, and the members of its type.
///
/// ```swift
/// let request = Message(thingID: "urn:uuid:…", body: .invokeAction(action: "chat", input: ["messages": []]))
/// let bytes = request.jsonBytes(dialect: .lmos)
/// let (decoded, dialect) = try Message.decode(bytes)
/// ```
public struct Message: Sendable, Hashable {
    /// The id (URI) of the thing the message is about.
    public var thingID: String
    /// This message's own id (a UUIDv4).
    public var messageID: String
    /// Shared by the messages of one operation: a request and its replies, a subscription and its events.
    public var correlationID: String?
    /// W3C Trace Context carried with the message.
    public var trace: TraceContext?
    /// What the message says.
    public var body: Body

    /// A message with a new random `messageID`.
    public init(
        thingID: String, messageID: String = UUIDv4.random(), correlationID: String? = nil, trace: TraceContext? = nil,
        body: Body
    ) {
        self.thingID = thingID
        self.messageID = messageID
        self.correlationID = correlationID
        self.trace = trace
        self.body = body
    }

    /// The type-specific part of a message.
    public enum Body: Sendable, Hashable {
        /// Invoke an action; `input` absent when the action takes none.
        case invokeAction(action: String, input: JSONValue?)
        /// Cancel a running invocation (addressed by the message's `correlationID`).
        case cancelAction(action: String, reason: String?)
        /// Ask for the latest status of an invocation (addressed by the message's `correlationID`).
        case queryAction(action: String)
        /// The status of an invocation.
        case actionStatus(ActionStatusReport)
        /// Read one property.
        case readProperty(name: String)
        /// Read every readable property (kotlin-wot).
        case readAllProperties
        /// Read the named properties (kotlin-wot).
        case readMultipleProperties(names: [String])
        /// Write one property.
        case writeProperty(name: String, value: JSONValue)
        /// Write several properties at once.
        case writeMultipleProperties(values: JSONObject)
        /// One property's value.
        case propertyReading(name: String, value: JSONValue, timestamp: Timestamp?)
        /// Several properties' values.
        case propertyReadings(values: JSONObject, timestamp: Timestamp?)
        /// Start receiving a property's changes as `propertyReading` messages.
        case observeProperty(name: String)
        /// Stop observing a property.
        case unobserveProperty(name: String)
        /// Start receiving an event.
        case subscribeEvent(event: String)
        /// Stop receiving an event.
        case unsubscribeEvent(event: String)
        /// Start receiving every event of the thing.
        case subscribeAllEvents
        /// Stop receiving the thing's events.
        case unsubscribeAllEvents
        /// One occurrence of an event.
        case event(event: String, data: JSONValue?, timestamp: Timestamp?)
        /// A failure, as an RFC 7807 problem.
        case error(ProblemDetails)
        /// A confirmation with a human-readable text (kotlin-wot, after a subscription).
        case acknowledgement(message: String)

        /// The `messageType` in the LMOS dialect.
        public var messageType: String {
            switch self {
            case .invokeAction: "invokeAction"
            case .cancelAction: "cancelAction"
            case .queryAction: "queryAction"
            case .actionStatus: "actionStatus"
            case .readProperty: "readProperty"
            case .readAllProperties: "readAllProperties"
            case .readMultipleProperties: "readMultipleProperties"
            case .writeProperty: "writeProperty"
            case .writeMultipleProperties: "writeMultipleProperties"
            case .propertyReading: "propertyReading"
            case .propertyReadings: "propertyReadings"
            case .observeProperty: "observeProperty"
            case .unobserveProperty: "unobserveProperty"
            case .subscribeEvent: "subscribeEvent"
            case .unsubscribeEvent: "unsubscribeEvent"
            case .subscribeAllEvents: "subscribeAllEvents"
            case .unsubscribeAllEvents: "unsubscribeAllEvents"
            case .event: "event"
            case .error: "error"
            case .acknowledgement: "acknowledgement"
            }
        }

        /// Whether a consumer sends this (a request) rather than a thing (a reply or notification).
        public var isRequest: Bool {
            switch self {
            case .invokeAction, .cancelAction, .queryAction, .readProperty, .readAllProperties, .readMultipleProperties,
                .writeProperty, .writeMultipleProperties, .observeProperty, .unobserveProperty, .subscribeEvent,
                .unsubscribeEvent, .subscribeAllEvents, .unsubscribeAllEvents:
                true
            case .actionStatus, .propertyReading, .propertyReadings, .event, .error, .acknowledgement:
                false
            }
        }
    }

    /// The correlation id that replies to this message carry: its `correlationID` if it has one, else its
    /// `messageID`.
    public var replyCorrelationID: String { correlationID ?? messageID }

    /// A reply to this message: same thing, a new `messageID`, ``replyCorrelationID`` as its `correlationID`.
    public func reply(_ body: Body, trace: TraceContext? = nil) -> Message {
        Message(thingID: thingID, correlationID: replyCorrelationID, trace: trace ?? self.trace, body: body)
    }
}
