/// Why a JSONPath query was refused, and where.
///
/// RFC 9535 section 2.1 requires an error for every query that is not well-formed (does not follow the ABNF) or not
/// valid (an integer outside the I-JSON range, or a function expression that is not well-typed). Such errors carry
/// the ``offset`` in the query where it stopped making sense. Errors compare equal by ``code`` so tests can expect a
/// specific kind; ``description`` is a one-line message a person can act on, e.g.
/// `unexpected ']' at offset 7: expected a selector`.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }

        /// The query does not follow the JSONPath grammar (RFC 9535, the ABNF of section 2).
        public static let syntax = Code("syntax error")
        /// An integer outside the I-JSON range [-(2^53)+1, 2^53-1] (RFC 9535 section 2.1).
        public static let integerOutOfRange = Code("integer out of range")
        /// A function that RFC 9535 section 2.4 does not define.
        public static let unknownFunction = Code("unknown function")
        /// A function expression or comparison that is not well-typed (RFC 9535 section 2.4.3), or a query compared
        /// that is not a singular query (section 2.3.5.1).
        public static let notWellTyped = Code("not well-typed")
        /// A query longer or more deeply nested than this implementation accepts, a regular expression too large to
        /// match in bounded time, or an evaluation that needed more work than it was allowed.
        public static let limitExceeded = Code("limit exceeded")

        public var description: String { name }
    }

    /// The kind of problem.
    public let code: Code
    /// The 0-based offset, in Unicode scalars, of the place in the query where the problem was found; `nil` for an
    /// evaluation that ran out of its work limit.
    public let offset: Int?
    /// What is wrong (without the offset).
    public let reason: String
    /// What was expected or how to fix it, if there is something useful to say.
    public let hint: String?

    init(_ code: Code, at offset: Int?, _ reason: String, hint: String? = nil) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.hint = hint
    }

    /// `<reason> at offset <n>: <hint>`.
    public var description: String {
        var text = reason
        if let offset { text += " at offset \(offset)" }
        if let hint { text += ": \(hint)" }
        return text
    }

    public static func == (lhs: JSONPathError, rhs: JSONPathError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
