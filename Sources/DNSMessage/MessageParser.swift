extension DNSMessage {
    /// Reads a message from its wire form.
    ///
    /// Compression pointers must point strictly before every name part read so far, so a message cannot make the
    /// reader loop; names longer than 255 bytes, reserved label types and records that overrun their data are
    /// refused.
    ///
    /// - Throws: ``DNSMessageError`` naming the byte offset of the problem.
    public init(bytes: some Collection<UInt8>) throws(DNSMessageError) {
        var reader = MessageReader(bytes: Array(bytes))
        id = try reader.readUInt16()
        flags = Flags(rawValue: try reader.readUInt16())
        let counts = (try reader.readUInt16(), try reader.readUInt16(), try reader.readUInt16(), try reader.readUInt16())
        questions = []
        for _ in 0..<counts.0 {
            let name = try reader.readName()
            let type = RecordType(rawValue: try reader.readUInt16())
            let rawClass = try reader.readUInt16()
            questions.append(
                Question(name: name, type: type, recordClass: RecordClass(rawValue: rawClass), unicastResponse: rawClass & 0x8000 != 0))
        }
        answers = try reader.readRecords(count: counts.1)
        authorities = try reader.readRecords(count: counts.2)
        additionals = try reader.readRecords(count: counts.3)
    }
}

/// A cursor over a message's bytes.
struct MessageReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func readUInt8() throws(DNSMessageError) -> UInt8 {
        guard offset < bytes.count else { throw DNSMessageError(.truncated, "message ends at byte \(offset), expected more") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16() throws(DNSMessageError) -> UInt16 {
        UInt16(try readUInt8()) << 8 | UInt16(try readUInt8())
    }

    mutating func readUInt32() throws(DNSMessageError) -> UInt32 {
        UInt32(try readUInt16()) << 16 | UInt32(try readUInt16())
    }

    mutating func readBytes(_ count: Int) throws(DNSMessageError) -> [UInt8] {
        guard count <= bytes.count - offset else {
            throw DNSMessageError(.truncated, "message ends at byte \(bytes.count), \(count) bytes announced at \(offset)")
        }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads a possibly compressed name; the cursor ends after the name's bytes at the current position.
    mutating func readName() throws(DNSMessageError) -> DomainName {
        var labels: [[UInt8]] = []
        var wireLength = 1
        var position = offset
        var lowestStart = offset  // every pointer must go strictly before this
        var jumped = false
        while true {
            guard position < bytes.count else {
                throw DNSMessageError(.truncated, "name at byte \(offset) runs past the end of the message")
            }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    if !jumped { offset = position + 1 }
                    return DomainName(uncheckedLabels: labels)
                }
                let start = position + 1
                guard start + Int(length) <= bytes.count else {
                    throw DNSMessageError(.truncated, "label at byte \(position) runs past the end of the message")
                }
                wireLength += Int(length) + 1
                guard wireLength <= DomainName.maximumWireLength else {
                    throw DNSMessageError(.invalidName, "name at byte \(offset) is longer than 255 bytes")
                }
                labels.append(Array(bytes[start..<(start + Int(length))]))
                position = start + Int(length)
            case 0xC0:
                guard position + 1 < bytes.count else {
                    throw DNSMessageError(.truncated, "compression pointer at byte \(position) is cut off")
                }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < lowestStart else {
                    throw DNSMessageError(
                        .badCompressionPointer,
                        "compression pointer at byte \(position) points to \(target), not before \(lowestStart)")
                }
                if !jumped { offset = position + 2 }
                jumped = true
                lowestStart = target
                position = target
            default:
                throw DNSMessageError(.invalidName, "reserved label type 0x\(String(length, radix: 16)) at byte \(position)")
            }
        }
    }

    mutating func readRecords(count: UInt16) throws(DNSMessageError) -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        records.reserveCapacity(Int(min(count, 64)))
        for _ in 0..<count { records.append(try readRecord()) }
        return records
    }

    mutating func readRecord() throws(DNSMessageError) -> ResourceRecord {
        let name = try readName()
        let type = RecordType(rawValue: try readUInt16())
        let rawClass = try readUInt16()
        let ttl = try readUInt32()
        let length = Int(try readUInt16())
        let start = offset
        guard length <= bytes.count - start else {
            throw DNSMessageError(.truncated, "record data at byte \(start) announces \(length) bytes; the message ends first")
        }
        let end = start + length
        let data = try readRecordData(type: type, end: end)
        guard offset == end else {
            throw DNSMessageError(.invalidRecordData, "\(type) data at byte \(start) is \(offset - start) bytes, not the \(length) announced")
        }
        return ResourceRecord(
            name: name, ttl: ttl, data: data, cacheFlush: rawClass & 0x8000 != 0, recordClass: RecordClass(rawValue: rawClass))
    }

    mutating func readRecordData(type: RecordType, end: Int) throws(DNSMessageError) -> RecordData {
        let start = offset
        func checkInside(_ reader: MessageReader) throws(DNSMessageError) {
            guard reader.offset <= end else {
                throw DNSMessageError(.invalidRecordData, "\(type) data at byte \(start) runs past its length")
            }
        }
        switch type {
        case .a:
            guard let address = IPv4Address(bytes: try readBytes(end - start)) else {
                throw DNSMessageError(.invalidRecordData, "A data at byte \(start) is \(end - start) bytes, not 4")
            }
            return .a(address)
        case .aaaa:
            guard let address = IPv6Address(bytes: try readBytes(end - start)) else {
                throw DNSMessageError(.invalidRecordData, "AAAA data at byte \(start) is \(end - start) bytes, not 16")
            }
            return .aaaa(address)
        case .ptr:
            let name = try readName()
            try checkInside(self)
            return .ptr(name)
        case .srv:
            guard end - start >= 7 else {
                throw DNSMessageError(.invalidRecordData, "SRV data at byte \(start) is too short")
            }
            let priority = try readUInt16()
            let weight = try readUInt16()
            let port = try readUInt16()
            let target = try readName()
            try checkInside(self)
            return .srv(ServiceLocation(priority: priority, weight: weight, port: port, target: target))
        case .txt:
            var strings: [[UInt8]] = []
            while offset < end {
                let length = Int(try readUInt8())
                guard offset + length <= end else {
                    throw DNSMessageError(.invalidRecordData, "TXT string at byte \(offset - 1) runs past the record data")
                }
                strings.append(try readBytes(length))
            }
            return .txt(strings)
        case .nsec:
            let next = try readName()
            try checkInside(self)
            var types: Set<RecordType> = []
            while offset < end {
                let window = try readUInt8()
                let length = Int(try readUInt8())
                guard (1...32).contains(length), offset + length <= end else {
                    throw DNSMessageError(.invalidRecordData, "NSEC type bitmap at byte \(offset - 2) is malformed")
                }
                for (index, byte) in try readBytes(length).enumerated() {
                    for bit in 0..<8 where byte & (0x80 >> bit) != 0 {
                        types.insert(RecordType(rawValue: UInt16(window) << 8 | UInt16(index * 8 + bit)))
                    }
                }
            }
            return .nsec(next: next, types: types)
        default:
            return .other(type, try readBytes(end - start))
        }
    }
}
