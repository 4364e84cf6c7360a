/// A resource record type (RFC 1035 section 3.2.2 and later RFCs). Open: any 16-bit value is a type.
public struct RecordType: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// An IPv4 address (RFC 1035).
    public static let a = RecordType(rawValue: 1)
    /// A pointer to another name; DNS-SD browsing (RFC 6763 section 4.1).
    public static let ptr = RecordType(rawValue: 12)
    /// Text strings; DNS-SD key/value attributes (RFC 6763 section 6).
    public static let txt = RecordType(rawValue: 16)
    /// An IPv6 address (RFC 3596).
    public static let aaaa = RecordType(rawValue: 28)
    /// A service location: priority, weight, port, target host (RFC 2782).
    public static let srv = RecordType(rawValue: 33)
    /// Next secure; in mDNS, the types a name has, for negative answers (RFC 6762 section 6.1).
    public static let nsec = RecordType(rawValue: 47)
    /// Any type, in questions only (RFC 1035 QTYPE `*`).
    public static let any = RecordType(rawValue: 255)

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .a: "A"
        case .ptr: "PTR"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        case .nsec: "NSEC"
        case .any: "ANY"
        default: "TYPE\(rawValue)"
        }
    }
}

/// A record class. mDNS uses only `IN`; the top bit of the class field is not part of it (see ``Question`` and
/// ``ResourceRecord``).
public struct RecordClass: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x7FFF }

    /// The Internet class.
    public static let internet = RecordClass(rawValue: 1)
    /// Any class, in questions only.
    public static let any = RecordClass(rawValue: 255)

    public var description: String { self == .internet ? "IN" : self == .any ? "ANY" : "CLASS\(rawValue)" }
}
