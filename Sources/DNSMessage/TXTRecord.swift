/// DNS-SD key/value attributes carried in a TXT record (RFC 6763 section 6).
///
/// Each string is `key=value`, `key=` (empty value) or `key` (a boolean attribute, present). Keys are printable
/// US-ASCII without `=`, compared without case; when a key repeats, the first one counts (section 6.4). A record
/// with no attributes is a single empty string on the wire (section 6.1).
public struct TXTRecord: Sendable, Hashable, CustomStringConvertible {
    /// The attributes in wire order.
    public private(set) var entries: [(key: String, value: [UInt8]?)]

    /// An empty set of attributes.
    public init() { entries = [] }

    /// Attributes with text values, in order, for example `[("td", "/.well-known/wot"), ("type", "Thing")]`.
    public init(_ pairs: [(String, String)]) throws(DNSMessageError) {
        entries = []
        for (key, value) in pairs { try set(key, Array(value.utf8)) }
    }

    /// Reads the strings of a TXT record, skipping empty strings and strings that begin with `=` (section 6.4) and
    /// keeping the first of repeated keys.
    public init(strings: [[UInt8]]) {
        entries = []
        for string in strings where !string.isEmpty && string[0] != UInt8(ascii: "=") {
            let equals = string.firstIndex(of: UInt8(ascii: "="))
            let keyBytes = equals.map { Array(string[..<$0]) } ?? string
            guard keyBytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { continue }
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard !entries.contains(where: { $0.key.lowercased() == key.lowercased() }) else {
                continue
            }
            entries.append((key, equals.map { Array(string[($0 + 1)...]) }))
        }
    }

    /// Sets `key` to `value` (nil: a boolean attribute), replacing an earlier value of the same key.
    ///
    /// - Throws: ``DNSMessageError`` when the key is empty, not printable ASCII, contains `=`, or the string would be
    ///   longer than 255 bytes.
    public mutating func set(_ key: String, _ value: [UInt8]?) throws(DNSMessageError) {
        let keyBytes = Array(key.utf8)
        guard !keyBytes.isEmpty, keyBytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E && $0 != UInt8(ascii: "=") }) else {
            throw DNSMessageError(.invalidTXT, "TXT key '\(key)' must be non-empty printable ASCII without '='")
        }
        let length = keyBytes.count + (value.map { $0.count + 1 } ?? 0)
        guard length <= 255 else {
            throw DNSMessageError(.invalidTXT, "TXT attribute '\(key)' is \(length) bytes long; at most 255 fit")
        }
        if let index = entries.firstIndex(where: { $0.key.lowercased() == key.lowercased() }) {
            entries[index] = (key, value)
        } else {
            entries.append((key, value))
        }
    }

    /// The value of `key` as UTF-8 text (empty for a boolean attribute), or nil when absent.
    public subscript(key: String) -> String? {
        guard let entry = entries.first(where: { $0.key.lowercased() == key.lowercased() }) else { return nil }
        return String(decoding: entry.value ?? [], as: UTF8.self)
    }

    /// The wire strings; a single empty string when there are no attributes.
    public var strings: [[UInt8]] {
        guard !entries.isEmpty else { return [[]] }
        return entries.map { entry in Array(entry.key.utf8) + (entry.value.map { [UInt8(ascii: "=")] + $0 } ?? []) }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.strings == rhs.strings }
    public func hash(into hasher: inout Hasher) { hasher.combine(strings) }

    public var description: String {
        entries.map { $0.key + ($0.value.map { "=" + String(decoding: $0, as: UTF8.self) } ?? "") }
            .joined(separator: " ")
    }
}
