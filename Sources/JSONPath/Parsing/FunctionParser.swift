import LMOSCore

extension Parser {
    /// `function-expr = function-name "(" S [function-argument *(S "," S function-argument)] S ")"`, checked to be
    /// well-typed (RFC 9535 section 2.4.3). The cursor is on the "(" after `name`, which starts at `begin`.
    mutating func parseFunctionExpression(named name: String, at begin: Int) throws(JSONPathError)
        -> FunctionExpression
    {
        guard let function = Function(rawValue: name) else {
            throw JSONPathError(
                .unknownFunction, at: begin, "unknown function '\(name)'",
                hint: "the functions are length, count, match, search and value")
        }
        let open = scanner.position
        scanner.advance()  // "("
        try enterNesting()
        defer { depth -= 1 }
        scanner.skipBlanks()
        var arguments: [(ParsedExpression, offset: Int)] = []
        if scanner.current != ")" {
            while true {
                let offset = scanner.position
                arguments.append((try parseLogicalOr(), offset))
                scanner.skipBlanks()
                guard scanner.consume(",") else { break }
                scanner.skipBlanks()
            }
        }
        guard scanner.consume(")") else {
            throw scanner.unexpected("expected ',' or ')' to close the '(' at offset \(open)")
        }

        let parameters = function.parameters
        guard arguments.count == parameters.count else {
            let expected = parameters.count == 1 ? "1 argument" : "\(parameters.count) arguments"
            throw JSONPathError(
                .notWellTyped, at: begin, "\(name)() takes \(expected), not \(arguments.count)")
        }
        var checked: [FunctionArgument] = []
        for (position, (argument, parameter)) in zip(arguments, parameters).enumerated() {
            checked.append(
                try self.argument(argument.0, at: argument.offset, for: parameter, number: position + 1, of: name))
        }

        var call = FunctionExpression(function: function, arguments: checked, literalPattern: nil)
        if function == .match || function == .search, case .literal(let pattern) = checked[1] {
            call.literalPattern = try compileLiteralPattern(pattern, at: arguments[1].offset)
        }
        return call
    }

    /// An argument checked against the declared type of its parameter (RFC 9535 section 2.4.3, rule 2).
    private func argument(
        _ parsed: ParsedExpression, at offset: Int, for parameter: FunctionType, number: Int, of name: String
    ) throws(JSONPathError) -> FunctionArgument {
        let what = "argument \(number) of \(name)()"
        switch (parameter, parsed) {
        case (.value, .operand(.literal(let value), _)):
            return .literal(value)
        case (.value, .operand(.query(let query), _)):
            guard query.isSingular else {
                throw JSONPathError(
                    .notWellTyped, at: offset, "\(what) must be a value, and this query may select several nodes",
                    hint: "use a singular query (only .name, ['name'] and [index]) or wrap it in value(...)")
            }
            return .query(query)
        case (.nodes, .operand(.query(let query), _)):
            return .query(query)
        case (.logical, .operand(.query(let query), _)):
            return .logical(.exists(query))
        case (.logical, .logical(let expression)):
            return .logical(expression)
        case (_, .operand(.function(let call), _)):
            let result = call.function.result
            guard result == parameter || (parameter == .logical && result == .nodes) else {
                throw JSONPathError(
                    .notWellTyped, at: offset,
                    "\(what) must be \(parameter), and \(call.function.rawValue)() returns \(result)")
            }
            return .function(call)
        case (.value, .logical):
            throw JSONPathError(
                .notWellTyped, at: offset, "\(what) must be a value, not a logical expression",
                hint: "pass a literal, a singular query or a function that returns a value")
        case (.nodes, _):
            throw JSONPathError(
                .notWellTyped, at: offset, "\(what) must be a query (NodesType)",
                hint: "pass a query starting with '@' or '$'")
        case (.logical, .operand(.literal, _)):
            throw JSONPathError(
                .notWellTyped, at: offset, "\(what) must be a logical expression, not a literal")
        }
    }

    /// The pattern of `match`/`search` given as a literal, compiled once now. A literal that is not a string or not
    /// a valid I-Regexp makes the function LogicalFalse; one too large to match in bounded time is refused.
    private func compileLiteralPattern(_ pattern: JSONValue, at offset: Int) throws(JSONPathError) -> LiteralPattern {
        guard case .string(let text) = pattern else { return .invalid }
        switch IRegexp.compile(text) {
        case .success(let regexp):
            return .valid(regexp)
        case .failure(.invalid):
            return .invalid
        case .failure(.tooLarge(let reason)):
            throw JSONPathError(
                .limitExceeded, at: offset, "regular expression is too large: \(reason)",
                hint: "simplify it (fewer or smaller counted repetitions, less nesting)")
        }
    }
}
