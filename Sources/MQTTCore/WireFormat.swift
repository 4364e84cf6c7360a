/// The Variable Byte Integer of MQTT (section 1.5.5): 7 bits per byte, least significant first, at most 4 bytes.
public enum VariableByteInteger {
    /// 268,435,455: the largest value 4 bytes hold.
    public static let maximum: UInt32 = 268_435_455

    static func write(_ value: UInt32, into output: inout [UInt8]) {
        var remaining = min(value, maximum)
        repeat {
            var byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            output.append(byte)
        } while remaining > 0
    }

    static func size(of value: UInt32) -> Int {
        value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4
    }
}

/// Reads the data types of MQTT (section 1.5) from a packet's bytes, with typed errors and no traps.
struct WireReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        position = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    mutating func byte() throws(MQTTError) -> UInt8 {
        guard position < end else { throw .malformed("packet ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func twoByteInteger() throws(MQTTError) -> UInt16 {
        UInt16(try byte()) << 8 | UInt16(try byte())
    }

    mutating func fourByteInteger() throws(MQTTError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(try byte()) }
        return value
    }

    mutating func variableByteInteger() throws(MQTTError) -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        for index in 0..<4 {
            let byte = try self.byte()
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                // The minimum number of bytes must be used (a trailing 0x00 continuation is malformed).
                if index > 0 && byte == 0 { throw .malformed("variable byte integer not in its shortest form") }
                return value
            }
            shift += 7
        }
        throw .malformed("variable byte integer longer than 4 bytes")
    }

    mutating func binary() throws(MQTTError) -> [UInt8] {
        let length = Int(try twoByteInteger())
        guard length <= remaining else { throw .malformed("binary data longer than the packet") }
        defer { position += length }
        return Array(bytes[position..<(position + length)])
    }

    /// A UTF-8 Encoded String (section 1.5.4): well-formed UTF-8 without U+0000.
    mutating func string() throws(MQTTError) -> String {
        let data = try binary()
        guard let text = String(validating: data, as: UTF8.self) else { throw .malformed("string is not valid UTF-8") }
        guard !data.contains(0) else { throw .malformed("string contains U+0000") }
        return text
    }

    mutating func rest() -> [UInt8] {
        defer { position = end }
        return Array(bytes[position..<end])
    }

    /// MQTT 5 properties: a length, then identifier-value pairs.
    mutating func properties() throws(MQTTError) -> MQTTProperties {
        let length = Int(try variableByteInteger())
        guard length <= remaining else { throw .malformed("properties longer than the packet") }
        var inner = WireReader(bytes, from: position, to: position + length)
        position += length
        var properties = MQTTProperties()
        while !inner.isAtEnd {
            let raw = try inner.variableByteInteger()
            guard raw <= 0xFF, let identifier = MQTTProperties.Identifier(rawValue: UInt8(raw)) else {
                throw .malformed("unknown property identifier \(raw)")
            }
            let value: MQTTProperties.Value
            switch identifier.wireType {
            case .byte: value = .byte(try inner.byte())
            case .two: value = .twoByteInteger(try inner.twoByteInteger())
            case .four: value = .fourByteInteger(try inner.fourByteInteger())
            case .variable: value = .variableByteInteger(try inner.variableByteInteger())
            case .string: value = .string(try inner.string())
            case .binary: value = .binary(try inner.binary())
            case .pair: value = .stringPair(try inner.string(), try inner.string())
            }
            try properties.append(identifier, value)
        }
        return properties
    }
}

/// Writes the data types of MQTT.
struct WireWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func twoByteInteger(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func fourByteInteger(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func variableByteInteger(_ value: UInt32) { VariableByteInteger.write(value, into: &bytes) }

    mutating func binary(_ data: [UInt8]) throws(MQTTError) {
        guard data.count <= 65_535 else { throw .malformed("binary data longer than 65,535 bytes") }
        twoByteInteger(UInt16(data.count))
        bytes.append(contentsOf: data)
    }

    mutating func string(_ text: String) throws(MQTTError) {
        let data = Array(text.utf8)
        guard !data.contains(0) else { throw .malformed("string contains U+0000") }
        try binary(data)
    }

    mutating func properties(_ properties: MQTTProperties) throws(MQTTError) {
        var inner = WireWriter()
        for (identifier, value) in properties.entries {
            inner.variableByteInteger(UInt32(identifier.rawValue))
            switch value {
            case .byte(let number): inner.byte(number)
            case .twoByteInteger(let number): inner.twoByteInteger(number)
            case .fourByteInteger(let number): inner.fourByteInteger(number)
            case .variableByteInteger(let number): inner.variableByteInteger(number)
            case .string(let text): try inner.string(text)
            case .binary(let data): try inner.binary(data)
            case .stringPair(let name, let text):
                try inner.string(name)
                try inner.string(text)
            }
        }
        guard inner.bytes.count <= Int(VariableByteInteger.maximum) else { throw .tooLarge("properties too long") }
        variableByteInteger(UInt32(inner.bytes.count))
        bytes.append(contentsOf: inner.bytes)
    }
}
