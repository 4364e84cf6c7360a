/// A domain name: a sequence of labels, compared without regard to ASCII case (RFC 1035 section 2.3.3,
/// RFC 6762 section 16).
///
/// Labels are raw bytes. DNS-SD instance names (RFC 6763 section 4.1.1) are UTF-8 and may contain dots or spaces,
/// so build them with ``init(labels:)`` rather than by parsing a dotted string.
public struct DomainName: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The labels, most specific first, without the empty root label.
    public let labels: [[UInt8]]

    /// The longest a name may be on the wire, length bytes and root included (RFC 1035 section 2.3.4).
    public static let maximumWireLength = 255
    /// The longest a label may be (RFC 1035 section 2.3.4).
    public static let maximumLabelLength = 63

    /// A name from its labels.
    ///
    /// - Throws: ``DNSMessageError`` when a label is empty or longer than 63 bytes, or the name longer than 255.
    public init(labels: [[UInt8]]) throws(DNSMessageError) {
        var length = 1
        for label in labels {
            guard !label.isEmpty, label.count <= Self.maximumLabelLength else {
                throw DNSMessageError(.invalidName, "a label must be 1 to 63 bytes long, not \(label.count)")
            }
            length += label.count + 1
        }
        guard length <= Self.maximumWireLength else {
            throw DNSMessageError(.invalidName, "a name must be at most 255 bytes long on the wire, not \(length)")
        }
        self.labels = labels
    }

    /// A name from UTF-8 labels, for example `["Weather Agent", "_wot", "_tcp", "local"]`.
    public init(_ labels: [String]) throws(DNSMessageError) {
        try self.init(labels: labels.map { Array($0.utf8) })
    }

    /// A name from its presentation form: labels separated by dots, `\.` and `\\` escaping a dot or backslash
    /// inside a label, `\DDD` a byte in decimal (RFC 1035 section 5.1, RFC 6763 section 4.3). A trailing dot is
    /// allowed.
    public init(parsing text: String) throws(DNSMessageError) {
        var labels: [[UInt8]] = []
        var current: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else {
                    throw DNSMessageError(.invalidName, "'\(text)' ends with a lone backslash")
                }
                if index + 2 < bytes.count, bytes[index...(index + 2)].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    let value = bytes[index...(index + 2)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
                    guard value <= 255 else { throw DNSMessageError(.invalidName, "'\(text)': \\\(value) is not a byte") }
                    current.append(UInt8(value))
                    index += 3
                    continue
                }
                current.append(bytes[index])
            } else if byte == UInt8(ascii: ".") {
                guard !current.isEmpty else {
                    throw DNSMessageError(.invalidName, "'\(text)' has an empty label")
                }
                labels.append(current)
                current = []
            } else {
                current.append(byte)
            }
            index += 1
        }
        if !current.isEmpty { labels.append(current) }
        try self.init(labels: labels)
    }

    /// The root name (no labels).
    public static let root = DomainName(uncheckedLabels: [])

    init(uncheckedLabels: [[UInt8]]) { self.labels = uncheckedLabels }

    /// The length of this name in uncompressed wire form.
    public var wireLength: Int { labels.reduce(1) { $0 + $1.count + 1 } }

    /// The presentation form: labels joined by dots, a trailing dot, dots and backslashes inside a label escaped,
    /// and bytes of a label that is not UTF-8 written as `\DDD`.
    public var description: String {
        labels.map { label in
            if let text = String(validating: label, as: UTF8.self) {
                return text.replacing("\\", with: "\\\\").replacing(".", with: "\\.")
            }
            return label.map { byte in
                switch byte {
                case UInt8(ascii: "."): "\\."
                case UInt8(ascii: "\\"): "\\\\"
                case 0x21...0x7E: String(Unicode.Scalar(byte))
                default: "\\" + String(repeating: "0", count: byte < 10 ? 2 : byte < 100 ? 1 : 0) + String(byte)
                }
            }.joined()
        }.joined(separator: ".") + "."
    }

    /// The first label as UTF-8 text (the instance name of a DNS-SD service instance name).
    public var firstLabel: String? { labels.first.map { String(decoding: $0, as: UTF8.self) } }

    /// This name without its first label.
    public var parent: DomainName { DomainName(uncheckedLabels: Array(labels.dropFirst())) }

    /// A name with `label` put in front of this one.
    public func prepending(_ label: String) throws(DNSMessageError) -> DomainName {
        try DomainName(labels: [Array(label.utf8)] + labels)
    }

    /// Whether this name ends with `suffix` (equal labels, ignoring ASCII case).
    public func hasSuffix(_ suffix: DomainName) -> Bool {
        guard suffix.labels.count <= labels.count else { return false }
        return zip(labels.suffix(suffix.labels.count), suffix.labels).allSatisfy { Self.equalIgnoringCase($0, $1) }
    }

    public static func == (lhs: DomainName, rhs: DomainName) -> Bool {
        lhs.labels.count == rhs.labels.count && zip(lhs.labels, rhs.labels).allSatisfy { equalIgnoringCase($0, $1) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(labels.count)
        for label in labels {
            hasher.combine(label.count)
            for byte in label { hasher.combine(Self.lowercased(byte)) }
        }
    }

    /// Canonical order for the probe tie-break (RFC 6762 section 8.2): bytes of the uncompressed wire form
    /// compared as unsigned numbers, ASCII letters uppercased.
    public static func < (lhs: DomainName, rhs: DomainName) -> Bool {
        lhs.canonicalWireForm.lexicographicallyPrecedes(rhs.canonicalWireForm)
    }

    /// The uncompressed wire form with ASCII letters uppercased (RFC 6762 section 8.2: "raw uncompressed
    /// data is compared with ... uppercase").
    var canonicalWireForm: [UInt8] {
        var bytes: [UInt8] = []
        for label in labels {
            bytes.append(UInt8(label.count))
            bytes.append(contentsOf: label.map(Self.uppercased))
        }
        bytes.append(0)
        return bytes
    }

    static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
    static func uppercased(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte }

    static func equalIgnoringCase(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { lowercased($0) == lowercased($1) }
    }
}
