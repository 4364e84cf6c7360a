import LMOSCore

extension Parser {
    /// `string-literal`: a name selector or a string in a filter, in single or double quotes, with the JSON escapes
    /// plus `\'` in single quotes (RFC 9535 section 2.3.1.1). `\uXXXX` escapes of surrogates must come in pairs.
    mutating func parseStringLiteral() throws(JSONPathError) -> String {
        let open = scanner.position
        guard let quote = scanner.current else { throw scanner.unexpected("expected a quoted string") }
        scanner.advance()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = scanner.current else {
                throw JSONPathError(
                    .syntax, at: open, "unterminated string", hint: "expected a closing \(Scanner.describe(quote))")
            }
            if scalar == quote {
                scanner.advance()
                return String(result)
            }
            if scalar == "\\" {
                result.append(try parseEscape(quote: quote))
                continue
            }
            if scalar.value < 0x20 {
                throw JSONPathError(
                    .syntax, at: scanner.position, "control character \(Scanner.describe(scalar)) in a string",
                    hint: "write it as an escape such as \\n or \\u00\(Scanner.hex4(scalar.value).suffix(2))")
            }
            result.append(scalar)
            scanner.advance()
        }
    }

    /// One escape sequence, the cursor on its backslash (`ESC escapable`, or `ESC` and the string's own quote).
    private mutating func parseEscape(quote: Unicode.Scalar) throws(JSONPathError) -> Unicode.Scalar {
        let begin = scanner.position
        scanner.advance()  // "\"
        guard let letter = scanner.current else {
            throw JSONPathError(.syntax, at: begin, "unterminated string", hint: "expected an escape after '\\'")
        }
        scanner.advance()
        switch letter {
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "/": return "/"
        case "\\": return "\\"
        case "u": break
        default:
            if letter == quote { return quote }
            throw JSONPathError(
                .syntax, at: begin, "invalid escape '\\\(letter)'",
                hint: "the escapes are \\b \\f \\n \\r \\t \\/ \\\\ \\uXXXX and \\\(quote) (the string's own quote)")
        }
        let unit = try parseHex4(escapeAt: begin)
        switch unit {
        case 0xD800...0xDBFF:
            guard scanner.consume("\\", "u") else {
                throw JSONPathError(
                    .syntax, at: begin, "high surrogate escape \\u\(Scanner.hex4(unit)) without a low surrogate",
                    hint: "write a character above U+FFFF as a pair such as \\uD83D\\uDE00")
            }
            let low = try parseHex4(escapeAt: scanner.position - 2)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONPathError(
                    .syntax, at: scanner.position - 6, "\\u\(Scanner.hex4(low)) is not a low surrogate",
                    hint: "a high surrogate escape must be followed by one in \\uDC00-\\uDFFF")
            }
            let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            return Unicode.Scalar(value) ?? "\u{FFFD}"  // always a valid scalar by construction
        case 0xDC00...0xDFFF:
            throw JSONPathError(
                .syntax, at: begin, "low surrogate escape \\u\(Scanner.hex4(unit)) without a high surrogate before it")
        default:
            return Unicode.Scalar(unit) ?? "\u{FFFD}"  // not a surrogate, so always valid
        }
    }

    /// Four hexadecimal digits (either case) after `\u`.
    private mutating func parseHex4(escapeAt begin: Int) throws(JSONPathError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = scanner.current, let nibble = Parser.hexValue(digit) else {
                throw JSONPathError(.syntax, at: begin, "\\u escape needs four hexadecimal digits")
            }
            value = value << 4 | nibble
            scanner.advance()
        }
        return value
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 48
        case "a"..."f": return scalar.value - 87
        case "A"..."F": return scalar.value - 55
        default: return nil
        }
    }

    /// `number = (int / "-0") [ frac ] [ exp ]`: an integer stays an `Int64` when it fits, anything else is a
    /// `Double` (correctly rounded).
    mutating func parseNumberLiteral() throws(JSONPathError) -> JSONValue {
        let begin = scanner.position
        var text = ""
        if scanner.consume("-") { text = "-" }
        guard let first = scanner.current, Scanner.isDigit(first) else {
            throw scanner.unexpected("expected a digit")
        }
        if first == "0" {
            scanner.advance()
            text += "0"
            if Scanner.isDigit(scanner.current) {
                throw JSONPathError(.syntax, at: begin, "leading zero in a number", hint: "write it without the 0")
            }
        } else {
            appendDigits(to: &text)
        }
        var isInteger = true
        if scanner.current == "." {
            isInteger = false
            scanner.advance()
            text += "."
            guard Scanner.isDigit(scanner.current) else { throw scanner.unexpected("expected a digit after '.'") }
            appendDigits(to: &text)
        }
        if scanner.current == "e" || scanner.current == "E" {
            isInteger = false
            scanner.advance()
            text += "e"
            if let sign = scanner.current, sign == "+" || sign == "-" {
                text.unicodeScalars.append(sign)
                scanner.advance()
            }
            guard Scanner.isDigit(scanner.current) else { throw scanner.unexpected("expected a digit in the exponent") }
            appendDigits(to: &text)
        }
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text) else {
            throw JSONPathError(.syntax, at: begin, "number \(text) cannot be read")
        }
        return .double(double)
    }

    private mutating func appendDigits(to text: inout String) {
        while let digit = scanner.current, Scanner.isDigit(digit) {
            text.unicodeScalars.append(digit)
            scanner.advance()
        }
    }
}
