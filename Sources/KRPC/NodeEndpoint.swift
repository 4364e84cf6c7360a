/// An IPv4 address and UDP port, as DHT messages carry them ("compact IP-address/port info", BEP 5: 4 bytes of
/// address, 2 bytes of port, network order).
public struct NodeEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The address, most significant byte first (127.0.0.1 = 0x7F000001).
    public var address: UInt32
    public var port: UInt16

    public init(address: UInt32, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// An endpoint from dotted-quad text (`localhost` is 127.0.0.1) and a port.
    public init?(host: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        let text = host == "localhost" ? "127.0.0.1" : host
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var address: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt8(part),
                part == "0" || !part.hasPrefix("0")
            else { return nil }
            address = address << 8 | UInt32(octet)
        }
        self.init(address: address, port: UInt16(port))
    }

    /// `HOST:PORT` text, for example `127.0.0.1:6881`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
        self.init(host: String(text[..<colon]), port: port)
    }

    /// The 6-byte compact form.
    public init?(compact bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        let array = Array(bytes)
        address = UInt32(array[0]) << 24 | UInt32(array[1]) << 16 | UInt32(array[2]) << 8 | UInt32(array[3])
        port = UInt16(array[4]) << 8 | UInt16(array[5])
    }

    /// The 6-byte compact form.
    public var compact: [UInt8] {
        [
            UInt8(truncatingIfNeeded: address >> 24), UInt8(truncatingIfNeeded: address >> 16),
            UInt8(truncatingIfNeeded: address >> 8), UInt8(truncatingIfNeeded: address),
            UInt8(truncatingIfNeeded: port >> 8), UInt8(truncatingIfNeeded: port),
        ]
    }

    /// Dotted-quad address text.
    public var host: String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }

    public var description: String { "\(host):\(port)" }
}

/// A node as `find_node` answers carry it: id and endpoint ("compact node info", 26 bytes).
public struct NodeInfo: Sendable, Hashable {
    public var id: NodeID
    public var endpoint: NodeEndpoint

    public init(id: NodeID, endpoint: NodeEndpoint) {
        self.id = id
        self.endpoint = endpoint
    }

    /// Parses concatenated 26-byte entries; `nil` when the length is not a multiple of 26.
    public static func parseCompact(_ bytes: [UInt8]) -> [NodeInfo]? {
        guard bytes.count % 26 == 0 else { return nil }
        var nodes: [NodeInfo] = []
        nodes.reserveCapacity(bytes.count / 26)
        var index = 0
        while index < bytes.count {
            if let id = NodeID(bytes: bytes[index..<(index + 20)]),
                let endpoint = NodeEndpoint(compact: bytes[(index + 20)..<(index + 26)]),
                endpoint.port != 0
            {
                nodes.append(NodeInfo(id: id, endpoint: endpoint))
            }
            index += 26
        }
        return nodes
    }

    /// Concatenated 26-byte entries.
    public static func compact(_ nodes: [NodeInfo]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(nodes.count * 26)
        for node in nodes {
            bytes.append(contentsOf: node.id.bytes)
            bytes.append(contentsOf: node.endpoint.compact)
        }
        return bytes
    }
}
