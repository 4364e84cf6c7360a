extension DNSMessage {
    /// The wire form, with names compressed (RFC 1035 section 4.1.4), also inside PTR and SRV data
    /// (RFC 6762 section 18.14). The NSEC next name is written in full.
    ///
    /// - Throws: ``DNSMessageError`` when a section holds more than 65535 entries or the message would exceed 65535
    ///   bytes.
    public func serialized() throws(DNSMessageError) -> [UInt8] {
        var writer = MessageWriter()
        writer.writeUInt16(id)
        writer.writeUInt16(flags.rawValue)
        for count in [questions.count, answers.count, authorities.count, additionals.count] {
            guard count <= Int(UInt16.max) else { throw DNSMessageError(.tooLarge, "a section holds \(count) entries") }
            writer.writeUInt16(UInt16(count))
        }
        for question in questions {
            writer.writeName(question.name)
            writer.writeUInt16(question.type.rawValue)
            writer.writeUInt16(question.recordClass.rawValue | (question.unicastResponse ? 0x8000 : 0))
        }
        for record in answers + authorities + additionals { writer.writeRecord(record) }
        guard writer.bytes.count <= 65535 else {
            throw DNSMessageError(.tooLarge, "the message would be \(writer.bytes.count) bytes long")
        }
        return writer.bytes
    }
}

/// Builds a message, remembering where each name suffix was written so later names can point to it.
struct MessageWriter {
    var bytes: [UInt8] = []
    private var suffixOffsets: [DomainName: Int] = [:]
    private let compresses: Bool

    init(compresses: Bool = true) {
        self.compresses = compresses
        bytes.reserveCapacity(512)
    }

    mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func writeUInt32(_ value: UInt32) {
        writeUInt16(UInt16(value >> 16))
        writeUInt16(UInt16(value & 0xFFFF))
    }

    mutating func writeName(_ name: DomainName, compress requested: Bool = true) {
        let compress = requested && compresses
        let labels = name.labels
        for index in labels.indices {
            let suffix = DomainName(uncheckedLabels: Array(labels[index...]))
            if compress, let offset = suffixOffsets[suffix] {
                writeUInt16(0xC000 | UInt16(offset))
                return
            }
            if compress, bytes.count <= 0x3FFF { suffixOffsets[suffix] = bytes.count }
            bytes.append(UInt8(labels[index].count))
            bytes.append(contentsOf: labels[index])
        }
        bytes.append(0)
    }

    mutating func writeRecord(_ record: ResourceRecord) {
        writeName(record.name)
        writeUInt16(record.type.rawValue)
        writeUInt16(record.recordClass.rawValue | (record.cacheFlush ? 0x8000 : 0))
        writeUInt32(record.ttl)
        let lengthOffset = bytes.count
        writeUInt16(0)
        writeRecordData(record.data)
        let length = bytes.count - lengthOffset - 2
        bytes[lengthOffset] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[lengthOffset + 1] = UInt8(truncatingIfNeeded: length)
    }

    mutating func writeRecordData(_ data: RecordData) {
        switch data {
        case .a(let address): bytes.append(contentsOf: address.bytes)
        case .aaaa(let address): bytes.append(contentsOf: address.bytes)
        case .ptr(let name): writeName(name)
        case .srv(let location):
            writeUInt16(location.priority)
            writeUInt16(location.weight)
            writeUInt16(location.port)
            writeName(location.target)
        case .txt(let strings):
            for string in strings.isEmpty ? [[]] : strings {
                let string = string.prefix(255)
                bytes.append(UInt8(string.count))
                bytes.append(contentsOf: string)
            }
        case .nsec(let next, let types):
            writeName(next, compress: false)
            bytes.append(contentsOf: Self.typeBitmap(types))
        case .other(_, let raw): bytes.append(contentsOf: raw)
        }
    }

    /// The NSEC type bitmap (RFC 4034 section 4.1.2): per 256-type window, the window number, the bitmap length,
    /// and the bitmap with trailing zero bytes left out.
    static func typeBitmap(_ types: Set<RecordType>) -> [UInt8] {
        var result: [UInt8] = []
        let byWindow = Dictionary(grouping: types, by: { UInt8($0.rawValue >> 8) })
        for window in byWindow.keys.sorted() {
            var bitmap = [UInt8](repeating: 0, count: 32)
            for type in byWindow[window] ?? [] {
                let low = Int(type.rawValue & 0xFF)
                bitmap[low / 8] |= 0x80 >> UInt8(low % 8)
            }
            let length = (bitmap.lastIndex(where: { $0 != 0 }) ?? 0) + 1
            result.append(window)
            result.append(UInt8(length))
            result.append(contentsOf: bitmap[..<length])
        }
        return result
    }
}

extension RecordData {
    /// The data in uncompressed wire form; RFC 6762 section 8.2 compares proposed records by these bytes.
    public var uncompressedWireForm: [UInt8] {
        var writer = MessageWriter(compresses: false)
        writer.writeRecordData(self)
        return writer.bytes
    }
}
