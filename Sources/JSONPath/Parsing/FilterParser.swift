import LMOSCore

/// What a piece of a filter expression turned out to be: a logical expression, or a bare operand (a literal, query
/// or function expression not followed by a comparison operator). Whether a bare operand is acceptable depends on
/// where it stands: as a test, a query or a LogicalType/NodesType function is; as a function argument, anything is
/// (checked against the parameter type).
enum ParsedExpression {
    case logical(LogicalExpression)
    case operand(Operand, offset: Int)
}

extension Parser {
    /// The logical expression of a filter selector (`filter-selector = "?" S logical-expr`).
    mutating func parseFilterExpression() throws(JSONPathError) -> LogicalExpression {
        try logical(parseLogicalOr())
    }

    /// `logical-or-expr = logical-and-expr *(S "||" S logical-and-expr)`.
    mutating func parseLogicalOr() throws(JSONPathError) -> ParsedExpression {
        let first = try parseLogicalAnd()
        var operands: [LogicalExpression] = []
        while true {
            let save = scanner.position
            scanner.skipBlanks()
            guard scanner.consume("|", "|") else {
                scanner.position = save
                break
            }
            if operands.isEmpty { operands.append(try logical(first)) }
            scanner.skipBlanks()
            operands.append(try logical(parseLogicalAnd()))
        }
        return operands.isEmpty ? first : .logical(.or(operands))
    }

    /// `logical-and-expr = basic-expr *(S "&&" S basic-expr)`.
    mutating func parseLogicalAnd() throws(JSONPathError) -> ParsedExpression {
        let first = try parseBasicExpression()
        var operands: [LogicalExpression] = []
        while true {
            let save = scanner.position
            scanner.skipBlanks()
            guard scanner.consume("&", "&") else {
                scanner.position = save
                break
            }
            if operands.isEmpty { operands.append(try logical(first)) }
            scanner.skipBlanks()
            operands.append(try logical(parseBasicExpression()))
        }
        return operands.isEmpty ? first : .logical(.and(operands))
    }

    /// `basic-expr = paren-expr / comparison-expr / test-expr`.
    mutating func parseBasicExpression() throws(JSONPathError) -> ParsedExpression {
        let begin = scanner.position
        if scanner.consume("!") {
            scanner.skipBlanks()
            if scanner.current == "(" { return .logical(.not(try parseParenthesized())) }
            let operandStart = scanner.position
            let operand = try parseOperand()
            if case .literal = operand {
                throw JSONPathError(
                    .syntax, at: operandStart, "'!' cannot apply to a literal",
                    hint: "'!' negates a query, a function expression or a parenthesized expression")
            }
            let test = try logical(.operand(operand, offset: operandStart))
            let save = scanner.position
            scanner.skipBlanks()
            if peekComparisonOperator() != nil {
                throw JSONPathError(
                    .syntax, at: begin, "'!' cannot negate a comparison without parentheses",
                    hint: "write !(a == b), or use !=")
            }
            scanner.position = save
            return .logical(.not(test))
        }
        if scanner.current == "(" { return .logical(try parseParenthesized()) }

        let leftStart = scanner.position
        let left = try parseOperand()
        let save = scanner.position
        scanner.skipBlanks()
        guard let comparison = peekComparisonOperator() else {
            if scanner.current == "=" {
                throw JSONPathError(.syntax, at: scanner.position, "'=' is not an operator", hint: "write '=='")
            }
            scanner.position = save
            return .operand(left, offset: leftStart)
        }
        scanner.position += comparison.rawValue.unicodeScalars.count
        scanner.skipBlanks()
        let rightStart = scanner.position
        let right = try parseOperand()
        return .logical(
            .comparison(
                try comparable(left, at: leftStart, comparison), comparison,
                try comparable(right, at: rightStart, comparison)))
    }

    /// `paren-expr` without its optional `!`: `"(" S logical-expr S ")"`.
    mutating func parseParenthesized() throws(JSONPathError) -> LogicalExpression {
        let open = scanner.position
        scanner.advance()  // "("
        try enterNesting()
        defer { depth -= 1 }
        scanner.skipBlanks()
        let expression = try logical(parseLogicalOr())
        scanner.skipBlanks()
        guard scanner.consume(")") else {
            throw scanner.unexpected("expected ')' to close the '(' at offset \(open)")
        }
        return expression
    }

    /// The comparison operator at the cursor, not consumed.
    func peekComparisonOperator() -> ComparisonOperator? {
        guard let first = scanner.current else { return nil }
        let second = scanner.peek(1)
        switch first {
        case "=": return second == "=" ? .equal : nil
        case "!": return second == "=" ? .notEqual : nil
        case "<": return second == "=" ? .lessOrEqual : .less
        case ">": return second == "=" ? .greaterOrEqual : .greater
        default: return nil
        }
    }

    /// A literal, a query (`@...` or `$...`) or a function expression; which of them may stand where is checked by
    /// the caller.
    mutating func parseOperand() throws(JSONPathError) -> Operand {
        switch scanner.current {
        case "@":
            scanner.advance()
            return .query(Query(start: .current, segments: try parseSegments()))
        case "$":
            scanner.advance()
            return .query(Query(start: .root, segments: try parseSegments()))
        case "'", "\"":
            return .literal(.string(try parseStringLiteral()))
        case "-":
            return .literal(try parseNumberLiteral())
        case let scalar? where Scanner.isDigit(scalar):
            return .literal(try parseNumberLiteral())
        case let scalar? where Scanner.isLowercaseLetter(scalar):
            return try parseNameOperand()
        default:
            throw scanner.unexpected(
                "expected a query ('@' or '$'), a literal or a function call")
        }
    }

    /// `true`, `false`, `null` or a function expression (`function-name "(" ...`).
    mutating func parseNameOperand() throws(JSONPathError) -> Operand {
        let begin = scanner.position
        var name = String.UnicodeScalarView()
        while let scalar = scanner.current,
            Scanner.isLowercaseLetter(scalar) || Scanner.isDigit(scalar) || scalar == "_"
        {
            name.append(scalar)
            scanner.advance()
        }
        let word = String(name)
        if scanner.current == "(" { return .function(try parseFunctionExpression(named: word, at: begin)) }
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null": return .literal(.null)
        default:
            let end = scanner.position
            scanner.skipBlanks()
            if scanner.current == "(" {
                throw JSONPathError(
                    .syntax, at: end, "blank space between a function name and '('", hint: "write \(word)(...)")
            }
            throw JSONPathError(
                .syntax, at: begin, "unexpected '\(word)'",
                hint: "expected true, false, null, a function call, or a query starting with '@' or '$'")
        }
    }

    /// A parsed piece used where a logical expression is required (`test-expr` and the operands of `!`, `&&`, `||`).
    func logical(_ parsed: ParsedExpression) throws(JSONPathError) -> LogicalExpression {
        switch parsed {
        case .logical(let expression):
            return expression
        case .operand(.query(let query), _):
            return .exists(query)
        case .operand(.function(let call), let offset):
            guard call.function.result != .value else {
                throw JSONPathError(
                    .notWellTyped, at: offset,
                    "\(call.function.rawValue)() returns a value (ValueType), which cannot be used as a test",
                    hint: "compare it, e.g. \(call.function.rawValue)(...) == ...")
            }
            return .test(call)
        case .operand(.literal, let offset):
            throw JSONPathError(
                .syntax, at: offset, "a literal cannot be used as a test", hint: "compare it with something")
        }
    }

    /// An operand checked to be a `comparable`: a literal, a singular query or a ValueType function expression.
    func comparable(_ operand: Operand, at offset: Int, _ comparison: ComparisonOperator) throws(JSONPathError)
        -> Operand
    {
        switch operand {
        case .literal:
            return operand
        case .query(let query):
            guard query.isSingular else {
                throw JSONPathError(
                    .notWellTyped, at: offset, "a query compared with '\(comparison.rawValue)' must be singular",
                    hint: "use only .name, ['name'] and [index] segments, or wrap the query in value(...)")
            }
            return operand
        case .function(let call):
            guard call.function.result == .value else {
                throw JSONPathError(
                    .notWellTyped, at: offset,
                    "\(call.function.rawValue)() returns \(call.function.result), which cannot be compared",
                    hint: "use it as a test on its own")
            }
            return operand
        }
    }
}
