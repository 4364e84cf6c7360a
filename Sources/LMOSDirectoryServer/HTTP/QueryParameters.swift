/// The query of a request URL as name-value pairs, percent-decoded; `+` is read as a space, as HTML forms and most
/// HTTP libraries encode it (send `%2B` for a plus sign).
struct QueryParameters: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(String(pair[0]), plusAsSpace: true) ?? String(pair[0])
            let value = pair.count > 1 ? (PercentDecoding.decode(String(pair[1]), plusAsSpace: true) ?? String(pair[1])) : ""
            pairs.append((name, value))
        }
    }

    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// A non-negative integer parameter; nil when absent; an error message when malformed.
    func integer(_ name: String, minimum: Int) -> Result<Int?, QueryError> {
        guard let text = self[name] else { return .success(nil) }
        guard let value = Int(text), value >= minimum else {
            return .failure(QueryError(message: "\(name) must be an integer of \(minimum) or more, not '\(text)'"))
        }
        return .success(value)
    }
}

struct QueryError: Error, Sendable {
    let message: String
}

/// RFC 3986 percent-decoding.
enum PercentDecoding {
    /// Decodes `%XX` escapes (and `+` when asked); nil when an escape is malformed or the result is not UTF-8.
    static func decode(_ text: String, plusAsSpace: Bool = false) -> String? {
        if !text.utf8.contains(UInt8(ascii: "%")) && !(plusAsSpace && text.utf8.contains(UInt8(ascii: "+"))) {
            return text
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if plusAsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Encodes a path segment: everything but RFC 3986 `pchar` without `/` (unreserved, sub-delims, `:`, `@`).
    static func encodePathSegment(_ text: String) -> String {
        encode(text, keeping: Array(":@!$&'()*+,;=".utf8))
    }

    /// Encodes everything but RFC 3986 unreserved characters and `kept` (for query values: nothing kept).
    static func encode(_ text: String, keeping kept: [UInt8] = []) -> String {
        var result = ""
        let digits = Array("0123456789ABCDEF")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where kept.contains(byte):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result.append("%")
                result.append(digits[Int(byte >> 4)])
                result.append(digits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
