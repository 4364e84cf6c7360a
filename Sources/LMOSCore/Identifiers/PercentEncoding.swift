/// RFC 3986 percent-encoding (section 2.1) of UTF-8 text, for ids in URL paths and values in query strings.
public enum PercentEncoding {
    /// Encodes every byte except unreserved characters (RFC 3986 2.3) and the ASCII characters in `kept`.
    public static func encode(_ text: String, keeping kept: String = "") -> String {
        let kept = Array(kept.utf8)
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            case _ where kept.contains(byte):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Encodes one path segment: keeps `pchar` (RFC 3986 3.3) except `/`: unreserved, sub-delims, `:` and `@`.
    public static func encodePathSegment(_ text: String) -> String {
        encode(text, keeping: ":@!$&'()*+,;=")
    }

    /// Decodes `%XX` escapes, and `+` as a space when `plusAsSpace` (HTML form encoding of query strings); nil when
    /// an escape is malformed or the bytes are not UTF-8.
    public static func decode(_ text: String, plusAsSpace: Bool = false) -> String? {
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

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
