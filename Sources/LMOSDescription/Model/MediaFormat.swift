/// The serializations of a description (PROTOCOL.md section 1).
public enum MediaFormat: String, Sendable, CaseIterable {
    /// JSON (`application/td+json`, `application/ld+json`, `application/json`).
    case json
    /// CBOR, RFC 8949 (`application/cbor`).
    case cbor

    /// The media type to send.
    public var mediaType: String {
        switch self {
        case .json: return "application/td+json"
        case .cbor: return "application/cbor"
        }
    }

    /// Guesses the format of `bytes`: JSON if the first byte other than whitespace (or a UTF-8 byte-order mark) can
    /// start a JSON text, CBOR otherwise. A CBOR map, the form of every description, starts with 0xa0-0xbf and
    /// never looks like JSON.
    public static func detect(_ bytes: some Collection<UInt8>) -> MediaFormat {
        var index = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = bytes.index(index, offsetBy: 3) }
        while index != bytes.endIndex {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D:
                index = bytes.index(after: index)
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                return .json
            default:
                return .cbor
            }
        }
        return .json
    }
}
