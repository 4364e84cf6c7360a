/// Why bytes or a JSON value are not an LMOS message.
public struct MessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for people.
    public let reason: String
    /// The request's ids when they could be read, so that an `error` reply can still be correlated.
    public let thingID: String?
    public let messageID: String?
    public let correlationID: String?
    /// The dialect the request seemed to be written in, for the `error` reply.
    public let dialect: Dialect

    init(
        _ reason: String, thingID: String? = nil, messageID: String? = nil, correlationID: String? = nil,
        dialect: Dialect = .lmos
    ) {
        self.reason = reason
        self.thingID = thingID
        self.messageID = messageID
        self.correlationID = correlationID
        self.dialect = dialect
    }

    public var description: String { reason }
}
