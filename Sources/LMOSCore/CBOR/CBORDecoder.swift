extension JSONValue {
    /// Decodes one CBOR data item (RFC 8949) into a JSON value, following the conversions of section 6.1.
    ///
    /// - Byte strings become base64url strings without padding; tags are read and their content kept;
    ///   `undefined`, NaN and infinities become `null`; integers beyond `Int64` become doubles.
    /// - Refused, with the byte offset: truncated or malformed input, reserved or unassigned encodings, invalid
    ///   UTF-8, duplicate or non-text map keys, nesting beyond `limits.maximumDepth`, and bytes after the item.
    public init(cbor bytes: some Collection<UInt8>, limits: DecodingLimits = .default) throws(CoreError) {
        let result: Result<JSONValue, CoreError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(CoreError) in try CBORDecoder.decode(buffer, limits: limits) }
        }
        if let result {
            self = try result.get()
        } else {
            let array = Array(bytes)
            self = try array.withUnsafeBufferPointer { buffer throws(CoreError) in
                try CBORDecoder.decode(buffer, limits: limits)
            }
        }
    }
}

struct CBORDecoder: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: DecodingLimits
    var position = 0
    var depth = 0

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(CoreError) -> JSONValue {
        if bytes.count > limits.maximumSize {
            throw CoreError(
                .limitExceeded, at: .byte(offset: limits.maximumSize),
                "input of \(bytes.count) bytes is larger than the limit of \(limits.maximumSize) bytes")
        }
        var decoder = CBORDecoder(bytes: bytes, limits: limits)
        guard !bytes.isEmpty else { throw decoder.truncated("a data item") }
        let value = try decoder.decodeItem()
        if decoder.position != bytes.count {
            throw CoreError(
                .invalidCBOR, at: .byte(offset: decoder.position),
                "\(bytes.count - decoder.position) unexpected bytes after the data item")
        }
        return value
    }

    func truncated(_ what: String) -> CoreError {
        CoreError(.invalidCBOR, at: .byte(offset: position), "input ends early, expected \(what)")
    }

    func malformed(_ reason: String, at offset: Int) -> CoreError {
        CoreError(.invalidCBOR, at: .byte(offset: offset), reason)
    }

    mutating func readByte(_ what: String) throws(CoreError) -> UInt8 {
        guard position < bytes.count else { throw truncated(what) }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readBigEndian(_ count: Int) throws(CoreError) -> UInt64 {
        guard count <= bytes.count - position else { throw truncated("\(count) argument bytes") }
        var value: UInt64 = 0
        for _ in 0..<count {
            value = value << 8 | UInt64(bytes[position])
            position += 1
        }
        return value
    }

    /// Reads the argument of an initial byte; `nil` means indefinite length (additional information 31).
    mutating func readArgument(_ additional: UInt8, at offset: Int) throws(CoreError) -> UInt64? {
        switch additional {
        case 0..<24: return UInt64(additional)
        case 24: return try readBigEndian(1)
        case 25: return try readBigEndian(2)
        case 26: return try readBigEndian(4)
        case 27: return try readBigEndian(8)
        case 31: return nil
        default: throw malformed("reserved additional information \(additional)", at: offset)
        }
    }

    mutating func enter(at offset: Int) throws(CoreError) {
        depth += 1
        if depth > limits.maximumDepth {
            throw CoreError(
                .limitExceeded, at: .byte(offset: offset),
                "nesting deeper than the limit of \(limits.maximumDepth) levels")
        }
    }

    func length(_ argument: UInt64, at offset: Int) throws(CoreError) -> Int {
        guard argument <= UInt64(bytes.count - position) else {
            throw CoreError(
                .invalidCBOR, at: .byte(offset: offset),
                "length \(argument) runs past the end of the input (\(bytes.count - position) bytes left)")
        }
        return Int(argument)
    }

    mutating func decodeItem() throws(CoreError) -> JSONValue {
        let offset = position
        let initial = try readByte("a data item")
        let additional = initial & 0x1F
        switch initial >> 5 {
        case 0:
            guard let argument = try readArgument(additional, at: offset) else {
                throw malformed("indefinite length is not allowed for integers", at: offset)
            }
            if let exact = Int64(exactly: argument) { return .integer(exact) }
            return .double(Double(argument))
        case 1:
            guard let argument = try readArgument(additional, at: offset) else {
                throw malformed("indefinite length is not allowed for integers", at: offset)
            }
            if let exact = Int64(exactly: argument) { return .integer(-1 - exact) }
            return .double(-1 - Double(argument))
        case 2:
            return .string(Base64URL.encode(try readBytes(additional: additional, at: offset)))
        case 3:
            return .string(try readText(additional: additional, at: offset))
        case 4:
            try enter(at: offset)
            defer { depth -= 1 }
            var elements: [JSONValue] = []
            if let argument = try readArgument(additional, at: offset) {
                // Each element takes at least one byte: a length beyond what is left is truncated input.
                let count = try length(argument, at: offset)
                elements.reserveCapacity(count)
                for _ in 0..<count { elements.append(try decodeItem()) }
            } else {
                while try !atBreak() { elements.append(try decodeItem()) }
            }
            return .array(elements)
        case 5:
            try enter(at: offset)
            defer { depth -= 1 }
            var members: [JSONObject.Member] = []
            var duplicates = DuplicateNameCheck()
            if let argument = try readArgument(additional, at: offset) {
                let count = try length(argument, at: offset)
                members.reserveCapacity(count)
                for _ in 0..<count { try decodeMember(into: &members, duplicates: &duplicates) }
            } else {
                while try !atBreak() { try decodeMember(into: &members, duplicates: &duplicates) }
            }
            return .object(JSONObject(uniqueMembers: members))
        case 6:
            guard try readArgument(additional, at: offset) != nil else {
                throw malformed("indefinite length is not allowed for tags", at: offset)
            }
            try enter(at: offset)
            defer { depth -= 1 }
            return try decodeItem()
        default:
            return try decodeSimple(additional, at: offset)
        }
    }

    /// Consumes a break byte (0xff) if one is next; a truncated indefinite item is an error.
    mutating func atBreak() throws(CoreError) -> Bool {
        guard position < bytes.count else { throw truncated("an item or a break") }
        if bytes[position] == 0xFF {
            position += 1
            return true
        }
        return false
    }

    mutating func decodeMember(into members: inout [JSONObject.Member], duplicates: inout DuplicateNameCheck)
        throws(CoreError)
    {
        let keyOffset = position
        let initial = try readByte("a map key")
        guard initial >> 5 == 3 else {
            throw CoreError(
                .unsupportedCBOR, at: .byte(offset: keyOffset),
                "map key is not a text string (JSON object names are strings)")
        }
        let key = try readText(additional: initial & 0x1F, at: keyOffset)
        if duplicates.isDuplicate(key, in: members) {
            throw malformed("duplicate map key \"\(key)\"", at: keyOffset)
        }
        let value = try decodeItem()
        members.append(JSONObject.Member(key: key, value: value))
    }

    /// A text string after its initial byte; definite-length ones are validated where they lie, without a copy.
    mutating func readText(additional: UInt8, at offset: Int) throws(CoreError) -> String {
        let string: String?
        if let argument = try readArgument(additional, at: offset) {
            let count = try length(argument, at: offset)
            string = String(validating: UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]), as: UTF8.self)
            position += count
        } else {
            string = String(validating: try readChunks(major: 3), as: UTF8.self)
        }
        guard let string else { throw malformed("text string is not valid UTF-8", at: offset) }
        return string
    }

    /// The bytes of a byte string after its initial byte.
    mutating func readBytes(additional: UInt8, at offset: Int) throws(CoreError) -> [UInt8] {
        guard let argument = try readArgument(additional, at: offset) else { return try readChunks(major: 2) }
        let count = try length(argument, at: offset)
        defer { position += count }
        return Array(UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]))
    }

    /// The joined chunks of an indefinite-length byte or text string, up to its break.
    mutating func readChunks(major: UInt8) throws(CoreError) -> [UInt8] {
        var joined: [UInt8] = []
        while try !atBreak() {
            let chunkOffset = position
            let chunkInitial = try readByte("a string chunk")
            guard chunkInitial >> 5 == major else {
                throw malformed("chunk of an indefinite-length string has a different major type", at: chunkOffset)
            }
            guard let argument = try readArgument(chunkInitial & 0x1F, at: chunkOffset) else {
                throw malformed("chunk of an indefinite-length string is itself indefinite", at: chunkOffset)
            }
            let count = try length(argument, at: chunkOffset)
            let chunk = UnsafeBufferPointer(rebasing: bytes[position..<(position + count)])
            // RFC 8949 section 3.2.3: text chunks must each be valid UTF-8 on their own.
            if major == 3, String(validating: chunk, as: UTF8.self) == nil {
                throw malformed("text string chunk is not valid UTF-8", at: chunkOffset)
            }
            joined.append(contentsOf: chunk)
            position += count
        }
        return joined
    }

    mutating func decodeSimple(_ additional: UInt8, at offset: Int) throws(CoreError) -> JSONValue {
        switch additional {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22, 23: return .null
        case 24:
            let value = try readByte("a simple value")
            guard value >= 32 else { throw malformed("simple value \(value) must use the one-byte form", at: offset) }
            throw CoreError(.unsupportedCBOR, at: .byte(offset: offset), "simple value \(value) has no JSON equivalent")
        case 25: return Self.jsonNumber(HalfFloat.value(UInt16(try readBigEndian(2))))
        case 26: return Self.jsonNumber(Double(Float(bitPattern: UInt32(try readBigEndian(4)))))
        case 27: return Self.jsonNumber(Double(bitPattern: try readBigEndian(8)))
        case 28, 29, 30: throw malformed("reserved additional information \(additional)", at: offset)
        case 31: throw malformed("unexpected break outside an indefinite-length item", at: offset)
        default:
            throw CoreError(
                .unsupportedCBOR, at: .byte(offset: offset), "simple value \(additional) has no JSON equivalent")
        }
    }

    /// Section 6.1: non-finite floats become `null`.
    static func jsonNumber(_ value: Double) -> JSONValue {
        value.isFinite ? .double(value) : .null
    }
}

/// base64url without padding (RFC 4648 section 5), as RFC 8949 section 6.1 converts byte strings.
enum Base64URL {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(chunk >> UInt32(shift) & 0x3F)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let chunk = UInt32(bytes[index]) << 16
            for shift in [18, 12] { out.append(alphabet[Int(chunk >> UInt32(shift) & 0x3F)]) }
        } else if rest == 2 {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            for shift in [18, 12, 6] { out.append(alphabet[Int(chunk >> UInt32(shift) & 0x3F)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
