/// Why a DNS message or one of its parts could not be read or built.
///
/// Errors compare equal by ``code``, so tests can expect a specific kind; ``description`` says where and why.
public struct DNSMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of error.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        /// The message ends before a field it announces.
        public static let truncated = Code(name: "truncated")
        /// A compression pointer points forward, at itself, or into a loop.
        public static let badCompressionPointer = Code(name: "badCompressionPointer")
        /// A name or label is too long, empty, or uses a reserved label type.
        public static let invalidName = Code(name: "invalidName")
        /// Record data does not have the layout its type requires.
        public static let invalidRecordData = Code(name: "invalidRecordData")
        /// A TXT key or value breaks RFC 6763 section 6.
        public static let invalidTXT = Code(name: "invalidTXT")
        /// The message would be larger than 65535 bytes.
        public static let tooLarge = Code(name: "tooLarge")
        public var description: String { name }
    }

    /// The kind of error.
    public let code: Code
    /// What was wrong, and where (byte offset or field).
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
