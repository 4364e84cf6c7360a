/// The data of a resource record, decoded for the types mDNS / DNS-SD use and kept as bytes for the rest.
public enum RecordData: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address, 4 bytes in network order.
    case a(IPv4Address)
    /// An IPv6 address, 16 bytes in network order.
    case aaaa(IPv6Address)
    /// A pointer to a name (DNS-SD: a service type points to its instances).
    case ptr(DomainName)
    /// A service's location (RFC 2782).
    case srv(ServiceLocation)
    /// Character strings of up to 255 bytes each (DNS-SD: ``TXTRecord``).
    case txt([[UInt8]])
    /// The types that exist at the record's name (mDNS restricted form, RFC 6762 section 6.1).
    case nsec(next: DomainName, types: Set<RecordType>)
    /// Any other type, as its raw bytes. Names inside are not decompressed.
    case other(RecordType, [UInt8])

    /// The type these data belong to.
    public var type: RecordType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .ptr: .ptr
        case .srv: .srv
        case .txt: .txt
        case .nsec: .nsec
        case .other(let type, _): type
        }
    }

    public var description: String {
        switch self {
        case .a(let address): "\(address)"
        case .aaaa(let address): "\(address)"
        case .ptr(let name): "\(name)"
        case .srv(let location): "\(location.priority) \(location.weight) \(location.port) \(location.target)"
        case .txt(let strings): strings.map { "\"\(String(decoding: $0, as: UTF8.self))\"" }.joined(separator: " ")
        case .nsec(let next, let types): "\(next) \(types.sorted().map(\.description).joined(separator: " "))"
        case .other(_, let bytes): "\\# \(bytes.count)"
        }
    }
}

/// SRV record data (RFC 2782): where a service instance listens.
public struct ServiceLocation: Sendable, Hashable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    /// The host name that has the service's addresses.
    public var target: DomainName

    public init(priority: UInt16 = 0, weight: UInt16 = 0, port: UInt16, target: DomainName) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

/// An IPv4 address.
public struct IPv4Address: Sendable, Hashable, CustomStringConvertible {
    /// The 4 bytes in network order.
    public let bytes: [UInt8]

    /// An address from 4 bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 else { return nil }
        self.bytes = bytes
    }

    /// An address from dotted-quad text such as `192.168.1.10`.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        self.bytes = bytes
    }

    public var description: String { bytes.map(String.init).joined(separator: ".") }

    /// Whether this is a loopback address (127.0.0.0/8).
    public var isLoopback: Bool { bytes[0] == 127 }
    /// Whether this is a link-local address (169.254.0.0/16).
    public var isLinkLocal: Bool { bytes[0] == 169 && bytes[1] == 254 }
}

/// An IPv6 address.
public struct IPv6Address: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bytes in network order.
    public let bytes: [UInt8]

    /// An address from 16 bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// An address from its text form (RFC 4291 section 2.2, with `::`; no zone, no embedded IPv4).
    public init?(_ text: String) {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var values: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        self.bytes = all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// The text form with the longest run of zero groups written as `::` (RFC 5952).
    public var description: String {
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength { (bestStart, bestLength) = (index, end - index) }
                index = end
            } else {
                index += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        return hex[..<bestStart].joined(separator: ":") + "::" + hex[(bestStart + bestLength)...].joined(separator: ":")
    }

    /// Whether this is `::1`.
    public var isLoopback: Bool { bytes == Array(repeating: 0, count: 15) + [1] }
    /// Whether this is a link-local unicast address (fe80::/10).
    public var isLinkLocal: Bool { bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 }
}
