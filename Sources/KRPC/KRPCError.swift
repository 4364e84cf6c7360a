/// A KRPC error message's code and text (BEP 5, BEP 44).
public struct KRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int64
    public var message: String

    public init(code: Int64, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "KRPC error \(code): \(message)" }

    /// 201 Generic Error.
    public static func generic(_ message: String) -> KRPCError { .init(code: 201, message: message) }
    /// 202 Server Error.
    public static func server(_ message: String) -> KRPCError { .init(code: 202, message: message) }
    /// 203 Protocol Error: malformed packet, invalid arguments, or bad token.
    public static func protocolError(_ message: String) -> KRPCError { .init(code: 203, message: message) }
    /// 204 Method Unknown.
    public static func methodUnknown(_ method: String) -> KRPCError {
        .init(code: 204, message: "method unknown: \(method)")
    }
    /// 205 message (`v` field) too big (BEP 44).
    public static let messageTooBig = KRPCError(code: 205, message: "message (v field) too big")
    /// 206 invalid signature (BEP 44).
    public static let invalidSignature = KRPCError(code: 206, message: "invalid signature")
    /// 207 salt (`salt` field) too big (BEP 44).
    public static let saltTooBig = KRPCError(code: 207, message: "salt (salt field) too big")
    /// 301 the CAS hash mismatched, re-read value and try again (BEP 44).
    public static let casMismatch = KRPCError(code: 301, message: "the CAS hash mismatched, re-read value and try again")
    /// 302 sequence number less than current (BEP 44).
    public static let sequenceNumberLessThanCurrent = KRPCError(code: 302, message: "sequence number less than current")
}

/// Why a datagram is not a KRPC message, with its transaction id when one could be read (so that a node can answer
/// with a 203 protocol error that the sender can match).
public struct KRPCDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let transactionID: [UInt8]?
    /// Whether the datagram was a query (then it deserves an error reply).
    public let isQuery: Bool
    public let reason: String

    public var description: String { "malformed KRPC message: \(reason)" }
}
