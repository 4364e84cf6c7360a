/// A cursor over the Unicode scalars of a query (RFC 9535 section 2.1: the grammar works on scalar values).
/// Offsets in errors are indexes into these scalars.
struct Scanner {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    var isAtEnd: Bool { position >= scalars.count }

    /// The scalar at the cursor, or `nil` at the end.
    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    /// The scalar `distance` places after the cursor, or `nil` past the end.
    func peek(_ distance: Int) -> Unicode.Scalar? {
        let index = position + distance
        return index < scalars.count ? scalars[index] : nil
    }

    mutating func advance() { position += 1 }

    /// Consumes `scalar` if it is next.
    mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        guard current == scalar else { return false }
        position += 1
        return true
    }

    /// Consumes the two scalars `first` and `second` if they are next.
    mutating func consume(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Bool {
        guard current == first, peek(1) == second else { return false }
        position += 2
        return true
    }

    /// Skips blank space: `S = *B`, `B = %x20 / %x09 / %x0A / %x0D` (RFC 9535 section 2.1.1).
    mutating func skipBlanks() {
        while let scalar = current, Scanner.isBlank(scalar) { position += 1 }
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar >= "0" && scalar <= "9"
    }

    static func isLowercaseLetter(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar >= "a" && scalar <= "z"
    }

    /// `name-first` of a member name shorthand: `ALPHA / "_" / %x80-D7FF / %xE000-10FFFF`.
    static func isNameFirst(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
            || scalar.value >= 0x80
    }

    /// `name-char`: `DIGIT / name-first`.
    static func isNameChar(_ scalar: Unicode.Scalar?) -> Bool { isDigit(scalar) || isNameFirst(scalar) }

    /// The scalar at the cursor as an error message names it.
    var describeCurrent: String {
        guard let scalar = current else { return "end of query" }
        return Scanner.describe(scalar)
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ", "\t", "\n", "\r": return "blank space"
        case "'": return "\"'\""
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F { return "U+" + hex4(scalar.value) }
            return "'\(scalar)'"
        }
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A syntax error about the scalar at the cursor.
    func unexpected(_ hint: String) -> JSONPathError {
        JSONPathError(.syntax, at: position, "unexpected \(describeCurrent)", hint: hint)
    }
}
