import LMOSCore

/// A recursive-descent parser for the JSONPath grammar of RFC 9535 (section 2 and its collected ABNF), which also
/// checks validity: integers in the I-JSON range and well-typed function expressions (section 2.4.3).
///
/// Hostile queries are bounded: the text by ``maximumLength`` UTF-8 bytes, the nesting of parentheses, filter
/// selectors and function calls by ``maximumDepth``, which also bounds the parser's recursion.
struct Parser {
    static let maximumLength = 4096
    static let maximumDepth = 64

    var scanner: Scanner
    /// Current nesting of parentheses, filter selectors and function calls.
    var depth = 0

    /// Parses a whole query (`jsonpath-query = root-identifier segments`).
    static func parse(_ text: String) throws(JSONPathError) -> Query {
        let length = text.utf8.count
        if length > maximumLength {
            var bytes = 0
            var offset = 0
            for scalar in text.unicodeScalars {
                bytes += UTF8.width(scalar)
                if bytes > maximumLength { break }
                offset += 1
            }
            throw JSONPathError(
                .limitExceeded, at: offset, "query of \(length) bytes is too long",
                hint: "the limit is \(maximumLength) bytes of UTF-8")
        }
        var parser = Parser(scanner: Scanner(text))
        return try parser.parseQuery()
    }

    mutating func parseQuery() throws(JSONPathError) -> Query {
        guard scanner.consume("$") else {
            throw scanner.unexpected("a query starts with '$'")
        }
        let segments = try parseSegments()
        guard scanner.isAtEnd else {
            throw scanner.unexpected("expected '.', '..' or '[' to start a segment, or the end of the query")
        }
        return Query(start: .root, segments: segments)
    }

    /// `segments = *(S segment)`; stops (before any blank space) where no further segment starts.
    mutating func parseSegments() throws(JSONPathError) -> [Segment] {
        var segments: [Segment] = []
        while true {
            let save = scanner.position
            scanner.skipBlanks()
            switch scanner.current {
            case "[": segments.append(try parseBracketedSelection(.child))
            case ".": segments.append(try parseDottedSegment())
            default:
                scanner.position = save
                return segments
            }
        }
    }

    /// `.name`, `.*`, `..name`, `..*` and `..[...]`.
    mutating func parseDottedSegment() throws(JSONPathError) -> Segment {
        scanner.advance()  // "."
        if scanner.consume(".") {
            if scanner.current == "[" { return try parseBracketedSelection(.descendant) }
            if scanner.consume("*") { return Segment(kind: .descendant, selectors: [.wildcard], isSingularForm: false) }
            guard Scanner.isNameFirst(scanner.current) else {
                throw scanner.unexpected("expected a member name, '*' or '[' after '..'")
            }
            return Segment(kind: .descendant, selectors: [.name(parseMemberNameShorthand())], isSingularForm: false)
        }
        if scanner.consume("*") { return Segment(kind: .child, selectors: [.wildcard], isSingularForm: false) }
        guard Scanner.isNameFirst(scanner.current) else {
            let hint =
                Scanner.isDigit(scanner.current)
                ? "a member name after '.' cannot start with a digit; write ['name'], or [0] for an index"
                : "expected a member name or '*' after '.'; other names need quotes: ['name']"
            throw scanner.unexpected(hint)
        }
        return Segment(kind: .child, selectors: [.name(parseMemberNameShorthand())], isSingularForm: true)
    }

    /// `member-name-shorthand = name-first *name-char`.
    mutating func parseMemberNameShorthand() -> String {
        var name = String.UnicodeScalarView()
        while let scalar = scanner.current, Scanner.isNameChar(scalar) {
            name.append(scalar)
            scanner.advance()
        }
        return String(name)
    }

    /// `bracketed-selection = "[" S selector *(S "," S selector) S "]"`.
    mutating func parseBracketedSelection(_ kind: Segment.Kind) throws(JSONPathError) -> Segment {
        let open = scanner.position
        scanner.advance()  // "["
        scanner.skipBlanks()
        let selectorStart = scanner.position
        var selectors = [try parseSelector()]
        var selectorEnd = scanner.position
        while true {
            scanner.skipBlanks()
            guard scanner.consume(",") else { break }
            scanner.skipBlanks()
            selectors.append(try parseSelector())
            selectorEnd = scanner.position
        }
        let close = scanner.position
        guard scanner.consume("]") else {
            throw scanner.unexpected("expected ',' or ']' to close the '[' at offset \(open)")
        }
        var singular = false
        if kind == .child, selectors.count == 1, selectorStart == open + 1, close == selectorEnd {
            switch selectors[0] {
            case .name, .index: singular = true
            default: break
            }
        }
        return Segment(kind: kind, selectors: selectors, isSingularForm: singular)
    }

    /// `selector = name-selector / wildcard-selector / slice-selector / index-selector / filter-selector`.
    mutating func parseSelector() throws(JSONPathError) -> Selector {
        switch scanner.current {
        case "'", "\"":
            return .name(try parseStringLiteral())
        case "*":
            scanner.advance()
            return .wildcard
        case "?":
            scanner.advance()
            try enterNesting()
            defer { depth -= 1 }
            scanner.skipBlanks()
            return .filter(try parseFilterExpression())
        case "-", ":":
            return try parseIndexOrSlice()
        case let scalar? where Scanner.isDigit(scalar):
            return try parseIndexOrSlice()
        default:
            throw scanner.unexpected(
                "expected a selector: a quoted name, '*', an index, a slice or a '?' filter")
        }
    }

    /// `index-selector = int` or `slice-selector = [start S] ":" S [end S] [":" [S step ]]`.
    mutating func parseIndexOrSlice() throws(JSONPathError) -> Selector {
        var start: Int64?
        if scanner.current != ":" {
            let index = try parseInteger()
            let afterIndex = scanner.position
            scanner.skipBlanks()
            guard scanner.current == ":" else {
                scanner.position = afterIndex
                return .index(index)
            }
            start = index
        }
        scanner.advance()  // ":"
        scanner.skipBlanks()
        var end: Int64?
        if scanner.current == "-" || Scanner.isDigit(scanner.current) {
            end = try parseInteger()
            scanner.skipBlanks()
        }
        var step: Int64?
        if scanner.consume(":") {
            let afterColon = scanner.position
            scanner.skipBlanks()
            if scanner.current == "-" || Scanner.isDigit(scanner.current) {
                step = try parseInteger()
            } else {
                scanner.position = afterColon
            }
        }
        return .slice(start: start, end: end, step: step)
    }

    /// The largest magnitude of an integer in a query: I-JSON's exact range (RFC 9535 section 2.1).
    static let maximumExactInteger: Int64 = (1 << 53) - 1

    /// `int = "0" / (["-"] DIGIT1 *DIGIT)`, within [-(2^53)+1, 2^53-1].
    mutating func parseInteger() throws(JSONPathError) -> Int64 {
        let begin = scanner.position
        let negative = scanner.consume("-")
        guard let first = scanner.current, Scanner.isDigit(first) else {
            throw scanner.unexpected("expected a digit")
        }
        if first == "0" {
            scanner.advance()
            if negative {
                throw JSONPathError(.syntax, at: begin, "'-0' is not an index", hint: "write 0")
            }
            if Scanner.isDigit(scanner.current) {
                throw JSONPathError(.syntax, at: begin, "leading zero in an integer", hint: "write it without the 0")
            }
            return 0
        }
        var magnitude: Int64 = 0
        var outOfRange = false
        while let digit = scanner.current, Scanner.isDigit(digit) {
            if !outOfRange {
                magnitude = magnitude * 10 + Int64(digit.value - 48)
                if magnitude > Parser.maximumExactInteger { outOfRange = true }
            }
            scanner.advance()
        }
        if outOfRange {
            let text = String(String.UnicodeScalarView(scanner.scalars[begin..<scanner.position]))
            let shown = text.count > 24 ? String(text.prefix(24)) + "..." : text
            throw JSONPathError(
                .integerOutOfRange, at: begin, "integer \(shown) is out of range",
                hint: "indexes and slice bounds must lie within ±(2^53-1)")
        }
        return negative ? -magnitude : magnitude
    }

    /// Counts one more level of nesting (parenthesis, filter selector, function call) and refuses too many.
    mutating func enterNesting() throws(JSONPathError) {
        depth += 1
        if depth > Parser.maximumDepth {
            throw JSONPathError(
                .limitExceeded, at: scanner.position, "expression nested too deeply",
                hint: "at most \(Parser.maximumDepth) levels of parentheses, filters and function calls")
        }
    }
}
