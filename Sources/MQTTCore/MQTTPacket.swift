/// One MQTT control packet, as MQTT 3.1.1 and 5.0 define it. Encoding and decoding depend on the protocol version
/// of the connection (CONNECT carries its own).
public enum MQTTPacket: Sendable, Hashable {
    case connect(MQTTConnect)
    case connAck(MQTTConnAck)
    case publish(MQTTPublish)
    case pubAck(MQTTAck)
    case pubRec(MQTTAck)
    case pubRel(MQTTAck)
    case pubComp(MQTTAck)
    case subscribe(MQTTSubscribe)
    case subAck(MQTTSubAck)
    case unsubscribe(MQTTUnsubscribe)
    /// UNSUBACK: reason codes only in MQTT 5.
    case unsubAck(MQTTSubAck)
    case pingReq
    case pingResp
    case disconnect(MQTTReasonPacket)
    /// AUTH (MQTT 5 only).
    case auth(MQTTReasonPacket)

    public var type: MQTTPacketType {
        switch self {
        case .connect: .connect
        case .connAck: .connAck
        case .publish: .publish
        case .pubAck: .pubAck
        case .pubRec: .pubRec
        case .pubRel: .pubRel
        case .pubComp: .pubComp
        case .subscribe: .subscribe
        case .subAck: .subAck
        case .unsubscribe: .unsubscribe
        case .unsubAck: .unsubAck
        case .pingReq: .pingReq
        case .pingResp: .pingResp
        case .disconnect: .disconnect
        case .auth: .auth
        }
    }

    /// The fixed header's flag nibble: PUBLISH's DUP/QoS/RETAIN, 0b0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE.
    var flags: UInt8 {
        switch self {
        case .publish(let publish): publish.flags
        case .pubRel, .subscribe, .unsubscribe: 0b0010
        default: 0
        }
    }

    /// The packet's bytes on a connection of `version` (a CONNECT uses its own).
    public func encoded(version: MQTTProtocolVersion) throws(MQTTError) -> [UInt8] {
        var body = WireWriter()
        switch self {
        case .connect(let connect): try connect.encode(into: &body)
        case .connAck(let ack): try ack.encode(into: &body, version: version)
        case .publish(let publish): try publish.encode(into: &body, version: version)
        case .pubAck(let ack), .pubRec(let ack), .pubRel(let ack), .pubComp(let ack):
            try ack.encode(into: &body, version: version)
        case .subscribe(let subscribe): try subscribe.encode(into: &body, version: version)
        case .subAck(let ack): try ack.encode(into: &body, version: version)
        case .unsubscribe(let unsubscribe): try unsubscribe.encode(into: &body, version: version)
        case .unsubAck(let ack): try ack.encode(into: &body, version: version, codes: version == .v5)
        case .pingReq, .pingResp: break
        case .disconnect(let packet): try packet.encode(into: &body, version: version)
        case .auth(let packet):
            guard version == .v5 else { throw .protocolError("AUTH exists only in MQTT 5") }
            try packet.encode(into: &body, version: version)
        }
        guard body.bytes.count <= Int(VariableByteInteger.maximum) else {
            throw .tooLarge("packet body of \(body.bytes.count) bytes exceeds 268,435,455")
        }
        var packet: [UInt8] = []
        packet.reserveCapacity(body.bytes.count + 5)
        packet.append(type.rawValue << 4 | flags)
        VariableByteInteger.write(UInt32(body.bytes.count), into: &packet)
        packet.append(contentsOf: body.bytes)
        return packet
    }

    /// Decodes one packet whose fixed header's first byte is `header` and whose remaining bytes are `body`.
    static func decode(header: UInt8, body: [UInt8], version: MQTTProtocolVersion) throws(MQTTError) -> MQTTPacket {
        guard let type = MQTTPacketType(rawValue: header >> 4) else { throw .malformed("packet type 0 is reserved") }
        let flags = header & 0x0F
        let expectedFlags: UInt8? =
            switch type {
            case .publish: nil
            case .pubRel, .subscribe, .unsubscribe: 0b0010
            default: 0
            }
        if let expectedFlags, flags != expectedFlags {
            throw .malformed("\(type) with fixed header flags \(flags)")
        }
        var reader = WireReader(body)
        let packet: MQTTPacket
        switch type {
        case .connect: packet = .connect(try MQTTConnect.decode(&reader))
        case .connAck: packet = .connAck(try MQTTConnAck.decode(&reader, version: version))
        case .publish: packet = .publish(try MQTTPublish.decode(&reader, flags: flags, version: version))
        case .pubAck: packet = .pubAck(try MQTTAck.decode(&reader, version: version))
        case .pubRec: packet = .pubRec(try MQTTAck.decode(&reader, version: version))
        case .pubRel: packet = .pubRel(try MQTTAck.decode(&reader, version: version))
        case .pubComp: packet = .pubComp(try MQTTAck.decode(&reader, version: version))
        case .subscribe: packet = .subscribe(try MQTTSubscribe.decode(&reader, version: version))
        case .subAck: packet = .subAck(try MQTTSubAck.decode(&reader, version: version))
        case .unsubscribe: packet = .unsubscribe(try MQTTUnsubscribe.decode(&reader, version: version))
        case .unsubAck: packet = .unsubAck(try MQTTSubAck.decode(&reader, version: version, codes: version == .v5))
        case .pingReq: packet = .pingReq
        case .pingResp: packet = .pingResp
        case .disconnect: packet = .disconnect(try MQTTReasonPacket.decode(&reader, version: version))
        case .auth:
            guard version == .v5 else { throw .malformed("AUTH in MQTT 3.1.1") }
            packet = .auth(try MQTTReasonPacket.decode(&reader, version: version))
        }
        guard reader.isAtEnd else { throw .malformed("\(type) has \(reader.remaining) bytes more than it holds") }
        return packet
    }
}

/// Cuts a byte stream into packets: append what the connection delivers, take whole packets out. Pure; never
/// traps on any input, and refuses packets above `maximumPacketSize` before buffering them.
public struct MQTTPacketParser: Sendable {
    /// The connection's protocol version (set it from CONNECT / CONNACK).
    public var version: MQTTProtocolVersion
    /// The largest whole packet accepted, fixed header included.
    public var maximumPacketSize: Int

    private var buffer: [UInt8] = []
    private var start = 0

    public init(version: MQTTProtocolVersion, maximumPacketSize: Int = 1 << 20) {
        self.version = version
        self.maximumPacketSize = maximumPacketSize
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 4096, start > buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received but not yet part of a whole packet.
    public var bufferedByteCount: Int { buffer.count - start }

    /// The next whole packet, or `nil` when more bytes are needed.
    public mutating func next() throws(MQTTError) -> MQTTPacket? {
        guard buffer.count - start >= 2 else { return nil }
        var length: UInt32 = 0
        var shift: UInt32 = 0
        var index = start + 1
        while true {
            guard index < buffer.count else { return nil }
            let byte = buffer[index]
            length |= UInt32(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 {
                if index - start - 1 > 1 && byte == 0 { throw .malformed("remaining length not in its shortest form") }
                break
            }
            shift += 7
            guard shift < 28 else { throw .malformed("remaining length longer than 4 bytes") }
        }
        let total = index - start + Int(length)
        guard total <= maximumPacketSize else {
            throw .tooLarge("a packet of \(total) bytes exceeds the maximum of \(maximumPacketSize)")
        }
        guard buffer.count - start >= total else { return nil }
        let header = buffer[start]
        let body = Array(buffer[index..<(start + total)])
        start += total
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return try MQTTPacket.decode(header: header, body: body, version: version)
    }
}
