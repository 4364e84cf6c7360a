/// How ``JSONValue`` is written as JSON text.
public struct JSONWritingOptions: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Line breaks and two-space indentation.
    public static let prettyPrinted = JSONWritingOptions(rawValue: 1 << 0)
    /// Object members ordered by the Unicode code points of their names instead of insertion order.
    public static let sortedKeys = JSONWritingOptions(rawValue: 1 << 1)
}

extension JSONValue {
    /// This value as UTF-8 JSON text (RFC 8259).
    ///
    /// Integers are written exactly; doubles in ECMAScript's shortest form with `.0` added where they would
    /// otherwise read back as integers; strings escape only what JSON requires (`"`, `\`, control characters).
    public func jsonBytes(options: JSONWritingOptions = []) -> [UInt8] {
        var writer = JSONWriter(options: options)
        writer.write(self, indent: 0)
        if options.contains(.prettyPrinted) { writer.out.append(0x0A) }
        return writer.out
    }

    /// This value as JSON text.
    public func jsonString(options: JSONWritingOptions = []) -> String {
        String(decoding: jsonBytes(options: options), as: UTF8.self)
    }
}

struct JSONWriter {
    var out: [UInt8] = []
    let pretty: Bool
    let sorted: Bool

    init(options: JSONWritingOptions) {
        pretty = options.contains(.prettyPrinted)
        sorted = options.contains(.sortedKeys)
        out.reserveCapacity(1024)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(true): out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case .bool(false): out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .integer(let integer): NumberFormatting.appendInteger(integer, to: &out)
        case .double(let double): NumberFormatting.appendJSONDouble(double, to: &out)
        case .string(let string): JSONWriter.appendQuoted(string, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty {
                out.append(UInt8(ascii: "]"))
                return
            }
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            if object.isEmpty {
                out.append(UInt8(ascii: "}"))
                return
            }
            let members = sorted ? object.storage.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                : object.storage
            for (position, member) in members.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                JSONWriter.appendQuoted(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    mutating func newline(_ indent: Int) {
        guard pretty else { return }
        out.append(0x0A)
        for _ in 0..<(indent * 2) { out.append(0x20) }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `string` in double quotes, escaping `"`, `\` and control characters (short forms where JSON has
    /// them, `\u00xx` otherwise), as RFC 8785 section 3.2.2.2 prescribes; everything else is written as UTF-8.
    static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Most strings need no escape: find the first byte that does, and copy everything before it at once.
            var runStart = 0
            var index = 0
            let count = bytes.count
            while true {
                while index < count {
                    let byte = bytes[index]
                    if byte < 0x20 || byte == 0x22 || byte == 0x5C { break }
                    index += 1
                }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                guard index < count else { break }
                appendEscape(bytes[index], to: &out)
                index += 1
                runStart = index
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        default:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
    }
}
