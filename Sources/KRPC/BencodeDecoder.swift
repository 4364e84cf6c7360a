/// Reads bencoded bytes (BEP 3), strictly: integers in their one canonical form (no leading zeros, no `-0`, within
/// 64 bits), string lengths without leading zeros, dictionary keys unique, nothing after the value, nesting at most
/// `maximumDepth` deep. Dictionary keys that arrive out of order are accepted (some DHT clients send them so) and
/// sorted; that changes no signature check, because BEP 44 signatures are checked over the verbatim bytes, which
/// `Bencode.span(of:in:)` finds.
public enum Bencode {
    /// The deepest nesting accepted: DHT messages need 4; this leaves room and keeps recursion bounded.
    public static let maximumDepth = 32

    /// Decodes one complete value.
    public static func decode(_ bytes: some Collection<UInt8>) throws(BencodeError) -> BencodeValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(BencodeError) -> BencodeValue in
            var reader = Reader(buffer: buffer)
            let value = try reader.value(depth: 0)
            guard reader.position == buffer.count else {
                throw BencodeError(offset: reader.position, reason: "trailing bytes after the value")
            }
            return value
        }
    }

    /// The canonical bencoding of a value.
    public static func encode(_ value: BencodeValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        write(value, into: &output)
        return output
    }

    /// Appends the canonical bencoding of a value.
    public static func write(_ value: BencodeValue, into output: inout [UInt8]) {
        switch value {
        case .integer(let number):
            output.append(UInt8(ascii: "i"))
            output.append(contentsOf: String(number).utf8)
            output.append(UInt8(ascii: "e"))
        case .bytes(let bytes):
            writeString(bytes, into: &output)
        case .list(let elements):
            output.append(UInt8(ascii: "l"))
            for element in elements { write(element, into: &output) }
            output.append(UInt8(ascii: "e"))
        case .dictionary(let dictionary):
            output.append(UInt8(ascii: "d"))
            for member in dictionary.members {
                writeString(member.key, into: &output)
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "e"))
        case .encoded(let bytes):
            output.append(contentsOf: bytes)
        }
    }

    static func writeString(_ bytes: [UInt8], into output: inout [UInt8]) {
        output.append(contentsOf: String(bytes.count).utf8)
        output.append(UInt8(ascii: ":"))
        output.append(contentsOf: bytes)
    }

    /// The byte range of the value found by following dictionary keys `path` from the top-level value, exactly as
    /// it appears in `bytes` (for signatures over received bytes). `nil` when a key is missing or a step is not a
    /// dictionary; throws when the bytes are malformed before the value is found.
    public static func span(of path: [String], in bytes: [UInt8]) throws(BencodeError) -> Range<Int>? {
        try bytes.withUnsafeBufferPointer { (buffer) throws(BencodeError) -> Range<Int>? in
            var reader = Reader(buffer: buffer)
            var start = 0
            for key in path {
                let wanted = Array(key.utf8)
                guard reader.peek() == UInt8(ascii: "d") else { return nil }
                reader.position += 1
                var found = false
                while reader.peek() != UInt8(ascii: "e") {
                    let name = try reader.string()
                    if name.elementsEqual(wanted) {
                        found = true
                        break
                    }
                    try reader.skip(depth: 1)
                }
                guard found else { return nil }
                start = reader.position
            }
            try reader.skip(depth: 0)
            return start..<reader.position
        }
    }

    struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var position = 0

        init(buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        func peek() -> UInt8? { position < buffer.count ? buffer[position] : nil }

        func fail(_ reason: String) -> BencodeError { BencodeError(offset: position, reason: reason) }

        mutating func value(depth: Int) throws(BencodeError) -> BencodeValue {
            guard depth <= Bencode.maximumDepth else { throw fail("nested deeper than \(Bencode.maximumDepth)") }
            guard let byte = peek() else { throw fail("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "i"):
                return .integer(try integer())
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .bytes(Array(try string()))
            case UInt8(ascii: "l"):
                position += 1
                var elements: [BencodeValue] = []
                while true {
                    guard let next = peek() else { throw fail("unterminated list") }
                    if next == UInt8(ascii: "e") { break }
                    elements.append(try value(depth: depth + 1))
                }
                position += 1
                return .list(elements)
            case UInt8(ascii: "d"):
                position += 1
                var members: [BencodeDictionary.Member] = []
                var sorted = true
                while true {
                    guard let next = peek() else { throw fail("unterminated dictionary") }
                    if next == UInt8(ascii: "e") { break }
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) else {
                        throw fail("a dictionary key must be a byte string")
                    }
                    let keyOffset = position
                    let key = Array(try string())
                    if let last = members.last {
                        if last.key == key { throw BencodeError(offset: keyOffset, reason: "duplicate dictionary key") }
                        if !last.key.lexicographicallyPrecedes(key) { sorted = false }
                    }
                    members.append(.init(key: key, value: try value(depth: depth + 1)))
                }
                position += 1
                if !sorted {
                    members.sort { $0.key.lexicographicallyPrecedes($1.key) }
                    for index in members.indices.dropFirst() where members[index - 1].key == members[index].key {
                        throw fail("duplicate dictionary key")
                    }
                }
                return .dictionary(BencodeDictionary(sortedMembers: members))
            default:
                throw fail("unexpected byte 0x\(String(byte, radix: 16)) where a value starts")
            }
        }

        /// `i<digits>e`, canonical form only.
        mutating func integer() throws(BencodeError) -> Int64 {
            position += 1  // "i"
            let start = position
            var negative = false
            if peek() == UInt8(ascii: "-") {
                negative = true
                position += 1
            }
            let digitsStart = position
            var magnitude: UInt64 = 0
            while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else {
                    throw BencodeError(offset: start, reason: "integer beyond 64 bits")
                }
                magnitude = sum
                position += 1
            }
            let digitCount = position - digitsStart
            guard digitCount > 0 else { throw fail("an integer needs digits") }
            guard peek() == UInt8(ascii: "e") else { throw fail("an integer ends with 'e'") }
            if buffer[digitsStart] == UInt8(ascii: "0") && (digitCount > 1 || negative) {
                throw BencodeError(offset: start, reason: "integer not in canonical form (leading zero or -0)")
            }
            position += 1
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else {
                    throw BencodeError(offset: start, reason: "integer beyond 64 bits")
                }
                return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            }
            guard magnitude <= UInt64(Int64.max) else { throw BencodeError(offset: start, reason: "integer beyond 64 bits") }
            return Int64(magnitude)
        }

        /// `<length>:<bytes>`.
        mutating func string() throws(BencodeError) -> UnsafeBufferPointer<UInt8>.SubSequence {
            let start = position
            var length = 0
            while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                length = length * 10 + Int(byte - UInt8(ascii: "0"))
                guard length <= buffer.count else { throw BencodeError(offset: start, reason: "string longer than the input") }
                position += 1
            }
            guard position > start else { throw fail("a string starts with its length") }
            guard peek() == UInt8(ascii: ":") else { throw fail("a string length ends with ':'") }
            if buffer[start] == UInt8(ascii: "0") && position - start > 1 {
                throw BencodeError(offset: start, reason: "string length with a leading zero")
            }
            position += 1
            guard length <= buffer.count - position else {
                throw BencodeError(offset: start, reason: "string longer than the input")
            }
            defer { position += length }
            return buffer[position..<(position + length)]
        }

        /// Moves past one value, checking it as `value(depth:)` would, without building it.
        mutating func skip(depth: Int) throws(BencodeError) {
            _ = try value(depth: depth)
        }
    }
}
