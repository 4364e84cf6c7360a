/// Lexical checks for the formats the TD schema names: URIs (RFC 3986), date-times (RFC 3339), language tags
/// (BCP 47).
enum Syntax {
    /// RFC 3986 section 3.1: `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`, then `:`, then characters that
    /// may appear in a URI, with well-formed percent-encodings. (JSON Schema `format: uri`.)
    static func isAbsoluteURI(_ string: String) -> Bool {
        let bytes = Array(string.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        guard isAlpha(bytes[0]) else { return false }
        for byte in bytes[1..<colon] {
            guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
            else { return false }
        }
        return hasOnlyURICharacters(bytes[(colon + 1)...])
    }

    /// A URI reference may also be relative; TD hrefs may further hold RFC 6570 template expressions (`{?q}`).
    /// Rejects what no URI reference can contain: whitespace, control characters, broken percent-encodings.
    static func isURIReference(_ string: String) -> Bool {
        let bytes = Array(string.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "^")
                || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "|")
            {
                return false
            }
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            index += 1
        }
        return true
    }

    static func hasOnlyURICharacters(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            // Bytes of non-ASCII characters: an IRI (RFC 3987 `ucschar`); TD `id`s are `anyURI`, which takes IRIs.
            guard isAlpha(byte) || isDigit(byte) || allowedPunctuation.contains(byte) || byte >= 0x80 else { return false }
            index += 1
        }
        return true
    }

    /// unreserved, sub-delims and gen-delims punctuation of RFC 3986 section 2.
    static let allowedPunctuation: Set<UInt8> = Set("-._~!$&'()*+,;=:/?#[]@".utf8)

    /// RFC 3339 section 5.6 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`, fields in range
    /// (leap second 60 allowed; `t`/`z` accepted as the RFC allows).
    static func isDateTime(_ string: String) -> Bool {
        let b = Array(string.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var value = 0
            for index in range {
                guard isDigit(b[index]) else { return nil }
                value = value * 10 + Int(b[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard b.count >= 20, let year = number(0..<4), b[4] == UInt8(ascii: "-"), let month = number(5..<7),
            b[7] == UInt8(ascii: "-"), let day = number(8..<10), b[10] | 0x20 == UInt8(ascii: "t"),
            let hour = number(11..<13), b[13] == UInt8(ascii: ":"), let minute = number(14..<16),
            b[16] == UInt8(ascii: ":"), let second = number(17..<19)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...days[month - 1]).contains(day), hour < 24, minute < 60, second <= 60
        else { return false }
        var index = 19
        if b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, isDigit(b[index]) { index += 1 }
            guard index > start else { return false }
        }
        guard index < b.count else { return false }
        if b[index] | 0x20 == UInt8(ascii: "z") { return index + 1 == b.count }
        guard b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-"), index + 6 == b.count,
            let offsetHour = number((index + 1)..<(index + 3)), b[index + 3] == UInt8(ascii: ":"),
            let offsetMinute = number((index + 4)..<(index + 6))
        else { return false }
        return offsetHour < 24 && offsetMinute < 60
    }

    /// BCP 47 language tags (RFC 5646 section 2.1, the grammar behind the TD 1.1 schema's `bcp47_string`):
    /// `language[-extlang][-script][-region]*(-variant)*(-extension)[-privateuse]`, a private-use tag, or one of
    /// the grandfathered tags.
    static func isLanguageTag(_ string: String) -> Bool {
        if grandfathered.contains(string) { return true }
        let parts = string.split(separator: "-", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.count <= 8 && $0.allSatisfy(isAlphanumeric) })
        else { return false }
        var index = 0
        func isPrivateUse(from start: Int) -> Bool {
            parts[start] == [UInt8(ascii: "x")] || parts[start] == [UInt8(ascii: "X")]
                ? parts.count > start + 1 && parts[(start + 1)...].allSatisfy { $0.count <= 8 } : false
        }
        if isPrivateUse(from: 0) { return true }
        // language
        let language = parts[0]
        guard language.allSatisfy(isAlpha), (2...8).contains(language.count) else { return false }
        index = 1
        if language.count <= 3 {
            var extlangs = 0
            while index < parts.count, extlangs < 3, parts[index].count == 3, parts[index].allSatisfy(isAlpha) {
                index += 1
                extlangs += 1
            }
        }
        // script
        if index < parts.count, parts[index].count == 4, parts[index].allSatisfy(isAlpha) { index += 1 }
        // region
        if index < parts.count,
            (parts[index].count == 2 && parts[index].allSatisfy(isAlpha))
                || (parts[index].count == 3 && parts[index].allSatisfy(isDigit))
        {
            index += 1
        }
        // variants
        while index < parts.count,
            (5...8).contains(parts[index].count) || (parts[index].count == 4 && isDigit(parts[index][0]))
        {
            index += 1
        }
        // extensions: a singleton other than x, then one or more 2-8 character subtags
        while index < parts.count, parts[index].count == 1, parts[index][0] | 0x20 != UInt8(ascii: "x") {
            index += 1
            let start = index
            while index < parts.count, (2...8).contains(parts[index].count) { index += 1 }
            guard index > start else { return false }
        }
        if index == parts.count { return true }
        return isPrivateUse(from: index)
    }

    static let grandfathered: Set<String> = [
        "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo", "i-navajo",
        "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE", "art-lojban", "cel-gaulish",
        "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang",
    ]

    static func isAlphanumeric(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }

    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 6
    }
}
