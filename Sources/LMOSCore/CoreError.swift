/// An error from an `LMOSCore` codec: what was wrong and where.
///
/// Errors compare equal by ``code`` so tests can expect a specific kind; ``description`` gives the position and the
/// reason in words a person can act on.
public struct CoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }

        /// JSON text that does not follow RFC 8259.
        public static let invalidJSON = Code("invalid JSON")
        /// CBOR bytes that do not follow RFC 8949, or that end early.
        public static let invalidCBOR = Code("invalid CBOR")
        /// A CBOR item that has no JSON equivalent (a non-string map key, an unknown simple value).
        public static let unsupportedCBOR = Code("unsupported CBOR")
        /// Input larger or deeper than the configured limit.
        public static let limitExceeded = Code("limit exceeded")
        /// A value that the JSON Canonicalization Scheme cannot represent (RFC 8785 section 3.2.2.3).
        public static let notCanonicalizable = Code("not canonicalizable")

        public var description: String { name }
    }

    /// Where the problem is.
    public enum Location: Sendable, Hashable, CustomStringConvertible {
        /// In text: 1-based line and column (in Unicode scalars), and the 0-based byte offset.
        case text(line: Int, column: Int, offset: Int)
        /// In binary input: the 0-based byte offset.
        case byte(offset: Int)
        /// In a value: a JSON Pointer (RFC 6901) to the member.
        case value(pointer: String)

        public var description: String {
            switch self {
            case .text(let line, let column, _): return "line \(line), column \(column)"
            case .byte(let offset): return "byte \(offset)"
            case .value(let pointer): return pointer.isEmpty ? "the top-level value" : pointer
            }
        }
    }

    /// The kind of problem.
    public let code: Code
    /// Where the problem is.
    public let location: Location
    /// What is wrong, in words.
    public let reason: String

    public init(_ code: Code, at location: Location, _ reason: String) {
        self.code = code
        self.location = location
        self.reason = reason
    }

    /// The 1-based line, for text input.
    public var line: Int? {
        if case .text(let line, _, _) = location { return line }
        return nil
    }

    /// The 1-based column, for text input.
    public var column: Int? {
        if case .text(_, let column, _) = location { return column }
        return nil
    }

    public var description: String { "\(code) at \(location): \(reason)" }

    public static func == (lhs: CoreError, rhs: CoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
