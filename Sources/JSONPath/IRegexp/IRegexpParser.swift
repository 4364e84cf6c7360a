/// The syntax tree of an I-Regexp.
indirect enum RegexNode: Sendable {
    case empty
    case scalar(Unicode.Scalar)
    /// An index into the parsed classes.
    case characterClass(Int)
    /// `.`: any scalar but `\n` and `\r` (XSD's `[^\n\r]`).
    case anyExceptNewline
    /// `^` and `$`, read as assertions of the start and end of the string (see ``IRegexpParser``).
    case start
    case end
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
}

/// Reads an I-Regexp (RFC 9485 section 3, the ABNF of its Figure 1) into a ``RegexNode``, refusing anything the ABNF
/// does not allow (`\d`, `\w`, back-references, lazy quantifiers, class subtraction, `[^]`, ...).
///
/// One deliberate departure: an unescaped `^` or `$` outside a class is a `NormalChar` in the ABNF, but the JSONPath
/// Compliance Test Suite (tests "explicit caret" / "explicit dollar") expects them to anchor, as they do after the
/// ECMAScript/PCRE mapping of RFC 9485 section 5. We follow the test suite: they assert the start and end of the
/// string. Escape them (`\^`) for the literal character; a literal `$` can be written `[$]`.
struct IRegexpParser {
    let scalars: [Unicode.Scalar]
    var position = 0
    var depth = 0
    var classes: [CharacterClass] = []

    static let maximumDepth = 64
    /// Largest number in a range quantifier; larger ones could not compile within ``IRegexpCompiler/maximumSize``.
    static let maximumCount = IRegexpCompiler.maximumSize

    init(_ pattern: String) { scalars = Array(pattern.unicodeScalars) }

    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    /// The whole pattern.
    mutating func parse() throws(IRegexp.CompileError) -> RegexNode {
        let node = try parseAlternation()
        guard position == scalars.count else { throw .invalid }  // a stray ")"
        return node
    }

    /// `i-regexp = branch *( "|" branch )`.
    mutating func parseAlternation() throws(IRegexp.CompileError) -> RegexNode {
        var branches = [try parseBranch()]
        while current == "|" {
            position += 1
            branches.append(try parseBranch())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    /// `branch = *piece`, `piece = atom [ quantifier ]`.
    mutating func parseBranch() throws(IRegexp.CompileError) -> RegexNode {
        var pieces: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            let atom = try parseAtom()
            if let (min, max) = try parseQuantifier() {
                pieces.append(.repetition(atom, min: min, max: max))
            } else {
                pieces.append(atom)
            }
        }
        switch pieces.count {
        case 0: return .empty
        case 1: return pieces[0]
        default: return .sequence(pieces)
        }
    }

    /// `atom = NormalChar / charClass / ( "(" i-regexp ")" )`.
    mutating func parseAtom() throws(IRegexp.CompileError) -> RegexNode {
        guard let scalar = current else { throw .invalid }
        position += 1
        switch scalar {
        case "(":
            depth += 1
            if depth > IRegexpParser.maximumDepth { throw .tooLarge("groups nested more than 64 deep") }
            let inner = try parseAlternation()
            guard current == ")" else { throw .invalid }
            position += 1
            depth -= 1
            return inner
        case ".": return .anyExceptNewline
        case "^": return .start
        case "$": return .end
        case "[": return .characterClass(try parseClassExpression())
        case "\\":
            if current == "p" || current == "P" { return .characterClass(try parseCategoryEscape()) }
            return .scalar(try parseSingleCharEscape())
        case ")", "*", "+", "?", "{", "}", "]": throw .invalid
        default: return .scalar(scalar)
        }
    }

    /// `quantifier = ( "*" / "+" / "?" ) / range-quantifier`, if one follows.
    mutating func parseQuantifier() throws(IRegexp.CompileError) -> (Int, Int?)? {
        switch current {
        case "*":
            position += 1
            return (0, nil)
        case "+":
            position += 1
            return (1, nil)
        case "?":
            position += 1
            return (0, 1)
        case "{":
            position += 1
            let min = try parseCount()
            var max: Int? = min
            if current == "," {
                position += 1
                max = current == "}" ? nil : try parseCount()
            }
            guard current == "}" else { throw .invalid }
            position += 1
            if let max, max < min { throw .invalid }
            return (min, max)
        default:
            return nil
        }
    }

    /// `QuantExact = 1*%x30-39`.
    mutating func parseCount() throws(IRegexp.CompileError) -> Int {
        var value = 0
        var digits = 0
        while let scalar = current, scalar >= "0", scalar <= "9" {
            value = Swift.min(value * 10 + Int(scalar.value - 48), IRegexpParser.maximumCount + 1)
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw .invalid }
        if value > IRegexpParser.maximumCount {
            throw .tooLarge("a counted repetition above \(IRegexpParser.maximumCount)")
        }
        return value
    }

    /// `SingleCharEsc` after its backslash: one of `( ) * + - . ? [ \ ] ^ { | }` or `n`, `r`, `t`.
    mutating func parseSingleCharEscape() throws(IRegexp.CompileError) -> Unicode.Scalar {
        guard let scalar = current else { throw .invalid }
        position += 1
        switch scalar {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "(", ")", "*", "+", "-", ".", "?", "[", "\\", "]", "^", "{", "|", "}": return scalar
        default: throw .invalid
        }
    }

    /// `catEsc` / `complEsc` after the backslash: `p{Name}` or `P{Name}`, as a class of its own.
    mutating func parseCategoryEscape() throws(IRegexp.CompileError) -> Int {
        let item = try parseCategoryItem()
        classes.append(CharacterClass(negated: false, items: [item]))
        return classes.count - 1
    }

    mutating func parseCategoryItem() throws(IRegexp.CompileError) -> CharacterClass.Item {
        let negated = current == "P"
        position += 1
        guard current == "{" else { throw .invalid }
        position += 1
        var name = String.UnicodeScalarView()
        while let scalar = current, scalar != "}", name.count < 3 {
            name.append(scalar)
            position += 1
        }
        guard current == "}", let categories = UnicodeCategories(name: String(name)) else { throw .invalid }
        position += 1
        return .categories(categories, negated: negated)
    }

    /// `charClassExpr = "[" [ "^" ] ( "-" / CCE1 ) *CCE1 [ "-" ] "]"` after its "[", with `[^]` refused.
    mutating func parseClassExpression() throws(IRegexp.CompileError) -> Int {
        var negated = false
        if current == "^" {
            negated = true
            position += 1
        }
        var items: [CharacterClass.Item] = []
        while true {
            guard let scalar = current else { throw .invalid }
            if scalar == "]" {
                guard !items.isEmpty else { throw .invalid }  // "[]" and "[^]"
                position += 1
                break
            }
            if scalar == "-" {
                // Only first ("[-a]") or last ("[a-]").
                guard items.isEmpty || (position + 1 < scalars.count && scalars[position + 1] == "]") else {
                    throw .invalid
                }
                position += 1
                items.append(.range(0x2D...0x2D))
                continue
            }
            if scalar == "\\", position + 1 < scalars.count, scalars[position + 1] == "p" || scalars[position + 1] == "P" {
                position += 1
                items.append(try parseCategoryItem())
                continue
            }
            let low = try parseClassChar()
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                if current == "\\", position + 1 < scalars.count,
                    scalars[position + 1] == "p" || scalars[position + 1] == "P"
                {
                    throw .invalid  // a range cannot end in a category
                }
                let high = try parseClassChar()
                guard low.value <= high.value else { throw .invalid }
                items.append(.range(low.value...high.value))
            } else {
                items.append(.range(low.value...low.value))
            }
        }
        classes.append(CharacterClass(negated: negated, items: items))
        return classes.count - 1
    }

    /// `CCchar = ( %x00-2C / %x2E-5A / %x5E-10FFFF ) / SingleCharEsc`.
    mutating func parseClassChar() throws(IRegexp.CompileError) -> Unicode.Scalar {
        guard let scalar = current else { throw .invalid }
        position += 1
        switch scalar {
        case "\\": return try parseSingleCharEscape()
        case "-", "[", "]": throw .invalid
        default: return scalar
        }
    }
}
