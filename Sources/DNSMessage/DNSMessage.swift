/// A DNS message (RFC 1035 section 4.1) as mDNS uses it (RFC 6762 section 18).
///
/// Read one with ``init(bytes:)`` and write one with ``serialized()``; both are pure and never trap on any input.
public struct DNSMessage: Sendable, Hashable, CustomStringConvertible {
    /// The query identifier; zero in multicast mDNS messages (RFC 6762 section 18.1).
    public var id: UInt16
    /// The header flags.
    public var flags: Flags
    /// The question section.
    public var questions: [Question]
    /// The answer section (in a query: the known answers, RFC 6762 section 7.1).
    public var answers: [ResourceRecord]
    /// The authority section (in a probe: the records the prober proposes, RFC 6762 section 8.2).
    public var authorities: [ResourceRecord]
    /// The additional section.
    public var additionals: [ResourceRecord]

    public init(
        id: UInt16 = 0, flags: Flags, questions: [Question] = [], answers: [ResourceRecord] = [],
        authorities: [ResourceRecord] = [], additionals: [ResourceRecord] = []
    ) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// A multicast query.
    public static func query(_ questions: [Question], knownAnswers: [ResourceRecord] = [], authorities: [ResourceRecord] = []) -> DNSMessage {
        DNSMessage(flags: Flags(), questions: questions, answers: knownAnswers, authorities: authorities)
    }

    /// An authoritative response (RFC 6762 section 18.2, 18.4).
    public static func response(id: UInt16 = 0, questions: [Question] = [], answers: [ResourceRecord], additionals: [ResourceRecord] = []) -> DNSMessage {
        DNSMessage(
            id: id, flags: Flags(isResponse: true, authoritativeAnswer: true), questions: questions, answers: answers,
            additionals: additionals)
    }

    /// Whether this is a query (QR bit clear).
    public var isQuery: Bool { !flags.isResponse }

    /// Every record of the answer, authority and additional sections.
    public var allRecords: [ResourceRecord] { answers + authorities + additionals }

    public var description: String {
        var lines = ["\(flags.isResponse ? "response" : "query") id=\(id) opcode=\(flags.opcode) rcode=\(flags.responseCode)"]
        lines += questions.map { "  ? \($0)" }
        lines += answers.map { "  an \($0)" }
        lines += authorities.map { "  ns \($0)" }
        lines += additionals.map { "  ar \($0)" }
        return lines.joined(separator: "\n")
    }

    /// The 16 bits of header flags (RFC 1035 section 4.1.1).
    public struct Flags: Sendable, Hashable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        public init(isResponse: Bool = false, authoritativeAnswer: Bool = false) {
            rawValue = (isResponse ? 0x8000 : 0) | (authoritativeAnswer ? 0x0400 : 0)
        }

        /// QR: a response rather than a query.
        public var isResponse: Bool { rawValue & 0x8000 != 0 }
        /// OPCODE; mDNS messages with a non-zero opcode are ignored (RFC 6762 section 18.3).
        public var opcode: UInt8 { UInt8((rawValue >> 11) & 0x0F) }
        /// AA: authoritative answer.
        public var authoritativeAnswer: Bool { rawValue & 0x0400 != 0 }
        /// TC: in an mDNS query, more known answers follow in another packet (RFC 6762 section 7.2).
        public var truncated: Bool {
            get { rawValue & 0x0200 != 0 }
            set { rawValue = newValue ? rawValue | 0x0200 : rawValue & ~0x0200 }
        }
        /// RCODE; mDNS messages with a non-zero response code are ignored (RFC 6762 section 18.11).
        public var responseCode: UInt8 { UInt8(rawValue & 0x000F) }
    }
}
