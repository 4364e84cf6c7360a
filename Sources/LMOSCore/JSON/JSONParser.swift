/// Limits that keep parsing and decoding bounded on hostile input.
public struct DecodingLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted.
    public var maximumDepth: Int
    /// The largest input accepted, in bytes.
    public var maximumSize: Int

    public init(maximumDepth: Int = 256, maximumSize: Int = 16 * 1024 * 1024) {
        self.maximumDepth = maximumDepth
        self.maximumSize = maximumSize
    }

    /// 256 levels, 16 MiB.
    public static let `default` = DecodingLimits()
}

extension JSONValue {
    /// Parses JSON text (RFC 8259) encoded as UTF-8.
    ///
    /// Stricter than the RFC where leniency would lose data: duplicate member names, lone surrogate escapes and
    /// numbers beyond the range of a `Double` are rejected. A leading byte-order mark is skipped. Every error carries
    /// the line and column where the text stopped making sense.
    public init(parsing bytes: some Collection<UInt8>, limits: DecodingLimits = .default) throws(CoreError) {
        let result: Result<JSONValue, CoreError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(CoreError) in try JSONParser.parse(buffer, limits: limits) }
        }
        if let result {
            self = try result.get()
        } else {
            let array = Array(bytes)
            self = try array.withUnsafeBufferPointer { buffer throws(CoreError) in
                try JSONParser.parse(buffer, limits: limits)
            }
        }
    }

    /// Parses JSON text.
    public init(parsing text: String, limits: DecodingLimits = .default) throws(CoreError) {
        var text = text
        let result: Result<JSONValue, CoreError> = text.withUTF8 { buffer in
            Result { () throws(CoreError) in try JSONParser.parse(buffer, limits: limits) }
        }
        self = try result.get()
    }
}

/// A recursive-descent JSON parser over a UTF-8 buffer. Internal: use ``JSONValue/init(parsing:limits:)``.
struct JSONParser: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: DecodingLimits
    var position = 0
    var depth = 0
    /// Scratch space for strings with escapes, reused across strings.
    var scratch: [UInt8] = []

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(CoreError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, limits: limits)
        if bytes.count > limits.maximumSize {
            throw CoreError(
                .limitExceeded, at: .byte(offset: limits.maximumSize),
                "input of \(bytes.count) bytes is larger than the limit of \(limits.maximumSize) bytes")
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { parser.position = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the document")
        }
        return value
    }

    // MARK: Errors

    func error(_ reason: String, at offset: Int? = nil) -> CoreError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        var index = 0
        while index < offset {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return CoreError(.invalidJSON, at: .text(line: line, column: column, offset: offset), reason)
    }

    func describeCurrent() -> String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    // MARK: Values

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(CoreError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(CoreError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        guard position + count <= bytes.count else { throw error("invalid literal, expected '\(literal)'") }
        for offset in 0..<count where bytes[position + offset] != start[offset] {
            throw error("invalid literal, expected '\(literal)'")
        }
        position += count
    }

    mutating func enter() throws(CoreError) {
        depth += 1
        if depth > limits.maximumDepth {
            throw CoreError(
                .limitExceeded, at: error("").location,
                "nesting deeper than the limit of \(limits.maximumDepth) levels")
        }
    }

    mutating func parseArray() throws(CoreError) -> JSONValue {
        try enter()
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { break }
            position -= 1
            throw error("unexpected \(describeCurrent()) in array, expected ',' or ']'")
        }
        depth -= 1
        return .array(elements)
    }

    mutating func parseObject() throws(CoreError) -> JSONValue {
        try enter()
        position += 1  // {
        var members: [JSONObject.Member] = []
        var duplicates = DuplicateNameCheck()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject(uniqueMembers: members))
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    throw error("trailing comma before '}'")
                }
                throw error("unexpected \(describeCurrent()) in object, expected a member name in double quotes")
            }
            let keyStart = position
            let key = try parseString()
            if duplicates.isDuplicate(key, in: members) {
                throw error("duplicate member name \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()) after member name, expected ':'")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { break }
            position -= 1
            throw error("unexpected \(describeCurrent()) in object, expected ',' or '}'")
        }
        depth -= 1
        return .object(JSONObject(uniqueMembers: members))
    }

    // MARK: Strings

    mutating func parseString() throws(CoreError) -> String {
        let quote = position
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw error("invalid UTF-8 in string", at: firstInvalidUTF8(in: start..<position))
                }
                position += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("unescaped control character in string") }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string", at: quote) }
        return try parseEscapedString(from: start, quote: quote)
    }

    mutating func parseEscapedString(from start: Int, quote: Int) throws(CoreError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let string = String(validating: scratch, as: UTF8.self) else {
                    throw error("invalid UTF-8 in string", at: quote + 1)
                }
                return string
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    appendUTF8(scalar)
                default:
                    position -= 1
                    throw error("invalid escape '\\\(describeCurrent())' in string")
                }
            default:
                if byte < 0x20 { throw error("unescaped control character in string") }
                scratch.append(byte)
                position += 1
            }
        }
        throw error("unterminated string", at: quote)
    }

    mutating func parseHex4() throws(CoreError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    mutating func parseUnicodeEscape() throws(CoreError) -> Unicode.Scalar {
        let escapeStart = position - 2
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw error("lone high surrogate \\u\(String(first, radix: 16)) in string", at: escapeStart) }
            position += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw error("high surrogate not followed by a low surrogate in string", at: escapeStart)
            }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw error("invalid surrogate pair", at: escapeStart) }
            return scalar
        }
        if (0xDC00...0xDFFF).contains(first) {
            throw error("lone low surrogate \\u\(String(first, radix: 16)) in string", at: escapeStart)
        }
        guard let scalar = Unicode.Scalar(first) else { throw error("invalid \\u escape", at: escapeStart) }
        return scalar
    }

    mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        UTF8.encode(scalar) { scratch.append($0) }
    }

    func firstInvalidUTF8(in range: Range<Int>) -> Int {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index
            }
            guard index + length <= range.upperBound else { return index }
            let slice = UnsafeBufferPointer(rebasing: bytes[index..<(index + length)])
            if String(validating: slice, as: UTF8.self) == nil { return index }
            index += length
        }
        return index
    }

    // MARK: Numbers

    mutating func parseNumber() throws(CoreError) -> JSONValue {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw error("expected a digit after '-'")
        }
        let integerStart = position
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw error("leading zeros are not allowed in numbers", at: integerStart)
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let integerEnd = position
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("expected a digit after the decimal point")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("expected a digit in the exponent")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if isInteger {
            // Accumulate negatively so Int64.min fits.
            var value: Int64 = 0
            var overflow = false
            for index in integerStart..<integerEnd {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.subtractingReportingOverflow(digit)
                if o1 || o2 {
                    overflow = true
                    break
                }
                value = next
            }
            if !overflow {
                if negative { return .integer(value) }
                if value != Int64.min { return .integer(-value) }
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            throw error("number \(text) is out of the range of a 64-bit floating point value", at: start)
        }
        return .double(double)
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
