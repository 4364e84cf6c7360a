/// MQTT 5 properties (section 2.2.2.2): identifiers with typed values, kept in the order given. Only User Property
/// and Subscription Identifier may appear more than once.
public struct MQTTProperties: Sendable, Hashable {
    /// A property's value, by its wire type.
    public enum Value: Sendable, Hashable {
        case byte(UInt8)
        case twoByteInteger(UInt16)
        case fourByteInteger(UInt32)
        case variableByteInteger(UInt32)
        case string(String)
        case binary([UInt8])
        case stringPair(String, String)
    }

    /// The property identifiers of MQTT 5.0 and the wire type of each.
    public enum Identifier: UInt8, Sendable, Hashable, CaseIterable {
        case payloadFormatIndicator = 0x01
        case messageExpiryInterval = 0x02
        case contentType = 0x03
        case responseTopic = 0x08
        case correlationData = 0x09
        case subscriptionIdentifier = 0x0B
        case sessionExpiryInterval = 0x11
        case assignedClientIdentifier = 0x12
        case serverKeepAlive = 0x13
        case authenticationMethod = 0x15
        case authenticationData = 0x16
        case requestProblemInformation = 0x17
        case willDelayInterval = 0x18
        case requestResponseInformation = 0x19
        case responseInformation = 0x1A
        case serverReference = 0x1C
        case reasonString = 0x1F
        case receiveMaximum = 0x21
        case topicAliasMaximum = 0x22
        case topicAlias = 0x23
        case maximumQoS = 0x24
        case retainAvailable = 0x25
        case userProperty = 0x26
        case maximumPacketSize = 0x27
        case wildcardSubscriptionAvailable = 0x28
        case subscriptionIdentifierAvailable = 0x29
        case sharedSubscriptionAvailable = 0x2A

        enum WireType { case byte, two, four, variable, string, binary, pair }

        var wireType: WireType {
            switch self {
            case .payloadFormatIndicator, .requestProblemInformation, .requestResponseInformation, .maximumQoS,
                .retainAvailable, .wildcardSubscriptionAvailable, .subscriptionIdentifierAvailable,
                .sharedSubscriptionAvailable:
                .byte
            case .serverKeepAlive, .receiveMaximum, .topicAliasMaximum, .topicAlias: .two
            case .messageExpiryInterval, .sessionExpiryInterval, .willDelayInterval, .maximumPacketSize: .four
            case .subscriptionIdentifier: .variable
            case .contentType, .responseTopic, .assignedClientIdentifier, .authenticationMethod,
                .responseInformation, .serverReference, .reasonString:
                .string
            case .correlationData, .authenticationData: .binary
            case .userProperty: .pair
            }
        }

        var mayRepeat: Bool { self == .userProperty || self == .subscriptionIdentifier }
    }

    /// The properties in order.
    public private(set) var entries: [(identifier: Identifier, value: Value)] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Adds a property (checks the value's wire type).
    public mutating func append(_ identifier: Identifier, _ value: Value) throws(MQTTError) {
        guard Self.fits(value, identifier.wireType) else {
            throw .malformed("property \(identifier) has the wrong type of value")
        }
        if !identifier.mayRepeat, entries.contains(where: { $0.identifier == identifier }) {
            throw .protocolError("property \(identifier) appears twice")
        }
        entries.append((identifier, value))
    }

    /// Sets (replaces) a property that may appear once; `nil` removes it.
    public subscript(identifier: Identifier) -> Value? {
        get { entries.first { $0.identifier == identifier }?.value }
        set {
            entries.removeAll { $0.identifier == identifier }
            if let newValue, Self.fits(newValue, identifier.wireType) { entries.append((identifier, newValue)) }
        }
    }

    static func fits(_ value: Value, _ type: Identifier.WireType) -> Bool {
        switch (value, type) {
        case (.byte, .byte), (.twoByteInteger, .two), (.fourByteInteger, .four), (.string, .string),
            (.binary, .binary), (.stringPair, .pair):
            return true
        case (.variableByteInteger(let number), .variable):
            return number <= VariableByteInteger.maximum
        default:
            return false
        }
    }

    // MARK: Typed access to the common ones

    public var responseTopic: String? {
        get { if case .string(let text)? = self[.responseTopic] { return text } else { return nil } }
        set { self[.responseTopic] = newValue.map(Value.string) }
    }

    public var correlationData: [UInt8]? {
        get { if case .binary(let bytes)? = self[.correlationData] { return bytes } else { return nil } }
        set { self[.correlationData] = newValue.map(Value.binary) }
    }

    public var contentType: String? {
        get { if case .string(let text)? = self[.contentType] { return text } else { return nil } }
        set { self[.contentType] = newValue.map(Value.string) }
    }

    public var messageExpiryInterval: UInt32? {
        get { if case .fourByteInteger(let number)? = self[.messageExpiryInterval] { return number } else { return nil } }
        set { self[.messageExpiryInterval] = newValue.map(Value.fourByteInteger) }
    }

    public var sessionExpiryInterval: UInt32? {
        get { if case .fourByteInteger(let number)? = self[.sessionExpiryInterval] { return number } else { return nil } }
        set { self[.sessionExpiryInterval] = newValue.map(Value.fourByteInteger) }
    }

    public var receiveMaximum: UInt16? {
        get { if case .twoByteInteger(let number)? = self[.receiveMaximum] { return number } else { return nil } }
        set { self[.receiveMaximum] = newValue.map(Value.twoByteInteger) }
    }

    public var maximumPacketSize: UInt32? {
        get { if case .fourByteInteger(let number)? = self[.maximumPacketSize] { return number } else { return nil } }
        set { self[.maximumPacketSize] = newValue.map(Value.fourByteInteger) }
    }

    public var topicAlias: UInt16? {
        get { if case .twoByteInteger(let number)? = self[.topicAlias] { return number } else { return nil } }
        set { self[.topicAlias] = newValue.map(Value.twoByteInteger) }
    }

    public var reasonString: String? {
        get { if case .string(let text)? = self[.reasonString] { return text } else { return nil } }
        set { self[.reasonString] = newValue.map(Value.string) }
    }

    /// Every User Property, in order.
    public var userProperties: [(String, String)] {
        entries.compactMap { entry in
            if case .stringPair(let name, let value) = entry.value { return (name, value) }
            return nil
        }
    }

    public static func == (left: MQTTProperties, right: MQTTProperties) -> Bool {
        left.entries.count == right.entries.count
            && zip(left.entries, right.entries).allSatisfy { $0.identifier == $1.identifier && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.identifier)
            hasher.combine(entry.value)
        }
    }
}
