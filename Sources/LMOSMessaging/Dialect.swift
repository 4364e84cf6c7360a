/// The two spellings of LMOS messages in use (PROTOCOL.md section 6).
public enum Dialect: Sendable, Hashable {
    /// The LMOS Communication Protocol page: `thingID`, `messageID`, `correlationID`; property messages name the
    /// property in `name` and carry a reading's value in `value`.
    case lmos
    /// kotlin-wot, which the LMOS Kotlin SDK speaks: `thingId`, `messageId`, `correlationId`; `property` and
    /// `data`; `subscribeevent` in lower case; only final action statuses (`completed`, `failed`).
    case kotlinWoT

    var thingIDKey: String { self == .lmos ? "thingID" : "thingId" }
    var messageIDKey: String { self == .lmos ? "messageID" : "messageId" }
    var correlationIDKey: String { self == .lmos ? "correlationID" : "correlationId" }
    var propertyNameKey: String { self == .lmos ? "name" : "property" }
    var propertyValueKey: String { self == .lmos ? "value" : "data" }
}
