import MQTTCore

/// TLS for the connection to the broker (`mqtts://`): the server's certificate is verified against the system's
/// trust roots or `caFile`, for the host name connected to (or `serverName`); a client certificate is optional.
public struct MQTTTLS: Sendable, Hashable {
    /// PEM file of the certificate authorities to trust instead of the system's.
    public var caFile: String?
    /// PEM files of a client certificate and its key, for brokers that ask for one.
    public var certificateFile: String?
    public var privateKeyFile: String?
    /// The name to verify and send as SNI (default: the host connected to; none for an IP address).
    public var serverName: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, privateKeyFile: String? = nil, serverName: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.serverName = serverName
    }
}

/// How an ``MQTTClient`` connects and behaves when the connection drops.
public struct MQTTClientConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var version: MQTTProtocolVersion
    public var clientID: String
    /// Clean Session (3.1.1) / Clean Start (5): start without the server's stored session.
    public var cleanStart: Bool
    /// MQTT 5 Session Expiry Interval in seconds (0: the session ends with the connection).
    public var sessionExpiry: UInt32
    public var keepAlive: UInt16
    public var username: String?
    public var password: [UInt8]?
    public var will: MQTTConnect.Will?
    /// Seconds to wait for TCP and CONNACK.
    public var connectTimeout: Double
    /// Reconnect after the connection drops, waiting `minimumBackoff` seconds, doubling up to `maximumBackoff`.
    public var reconnect: Bool
    public var minimumBackoff: Double
    public var maximumBackoff: Double
    /// The largest packet accepted from the server.
    public var maximumPacketSize: Int
    /// TLS (nil: plain TCP).
    public var tls: MQTTTLS?

    public init(
        host: String = "127.0.0.1", port: Int = 1883, version: MQTTProtocolVersion = .v5, clientID: String,
        cleanStart: Bool = true, sessionExpiry: UInt32 = 0, keepAlive: UInt16 = 30, username: String? = nil,
        password: [UInt8]? = nil, will: MQTTConnect.Will? = nil, connectTimeout: Double = 5, reconnect: Bool = true,
        minimumBackoff: Double = 0.25, maximumBackoff: Double = 30, maximumPacketSize: Int = 1 << 20,
        tls: MQTTTLS? = nil
    ) {
        self.host = host
        self.port = port
        self.version = version
        self.clientID = clientID
        self.cleanStart = cleanStart
        self.sessionExpiry = sessionExpiry
        self.keepAlive = keepAlive
        self.username = username
        self.password = password
        self.will = will
        self.connectTimeout = connectTimeout
        self.reconnect = reconnect
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        self.maximumPacketSize = maximumPacketSize
        self.tls = tls
    }

    var connect: MQTTConnect {
        var properties = MQTTProperties()
        if version == .v5 {
            if sessionExpiry > 0 { properties.sessionExpiryInterval = sessionExpiry }
            properties.maximumPacketSize = UInt32(clamping: maximumPacketSize)
        }
        return MQTTConnect(
            version: version, clientID: clientID, cleanStart: cleanStart, keepAlive: keepAlive, will: will,
            username: username, password: password, properties: properties)
    }
}

/// Why an MQTT operation failed.
public enum MQTTClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// TCP could not connect, or CONNACK did not come in time.
    case connectionFailed(String)
    /// CONNACK refused the connection with this code.
    case refused(UInt8)
    /// The connection is down and the operation cannot wait for it (QoS 0, subscribe).
    case notConnected
    /// The session ended before the operation was acknowledged.
    case connectionLost
    /// The server (or the request) broke the protocol.
    case protocolError(MQTTError)
    /// ``MQTTClient/disconnect()`` was called.
    case closed

    public var description: String {
        switch self {
        case .connectionFailed(let reason): "cannot connect to the MQTT broker: \(reason)"
        case .refused(let code): "the MQTT broker refused the connection (code 0x\(String(code, radix: 16)))"
        case .notConnected: "not connected to the MQTT broker"
        case .connectionLost: "the connection to the MQTT broker was lost before the acknowledgement"
        case .protocolError(let error): "\(error)"
        case .closed: "the MQTT client was closed"
        }
    }
}
