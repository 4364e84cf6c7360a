import LMOSCore

/// An instance of one of the three types of RFC 9535 section 2.4.1.
enum FunctionResult {
    /// A JSON value, or `nil` for Nothing.
    case value(JSONValue?)
    case logical(Bool)
    case nodes([JSONValue])
}

extension Evaluator {
    /// Calls a function extension (RFC 9535 sections 2.4.4 to 2.4.8).
    mutating func evaluate(_ call: FunctionExpression, current: JSONValue) throws(JSONPathError) -> FunctionResult {
        switch call.function {
        case .length:
            switch try argument(call, 0, current: current) {
            case .value(.string(let string)?): return .value(.integer(Int64(string.unicodeScalars.count)))
            case .value(.array(let elements)?): return .value(.integer(Int64(elements.count)))
            case .value(.object(let object)?): return .value(.integer(Int64(object.count)))
            default: return .value(nil)
            }
        case .count:
            guard case .nodes(let nodes) = try argument(call, 0, current: current) else { return .value(nil) }
            return .value(.integer(Int64(nodes.count)))
        case .value:
            guard case .nodes(let nodes) = try argument(call, 0, current: current), nodes.count == 1 else {
                return .value(nil)
            }
            return .value(nodes[0])
        case .match, .search:
            guard case .value(.string(let string)?) = try argument(call, 0, current: current),
                let regexp = try pattern(of: call, current: current)
            else { return .logical(false) }
            return .logical(try regexp.matches(string, entirely: call.function == .match, budget: &budget))
        }
    }

    /// The compiled pattern of `match()`/`search()`: the one compiled with the query for a literal, else the second
    /// argument compiled now (once per evaluation). `nil` if it is not a string or not a valid I-Regexp, or (for a
    /// pattern from the document) too large to match in bounded time: then the function is LogicalFalse.
    mutating func pattern(of call: FunctionExpression, current: JSONValue) throws(JSONPathError) -> IRegexp? {
        switch call.literalPattern {
        case .valid(let regexp)?: return regexp
        case .invalid?: return nil
        case nil: break
        }
        guard case .value(.string(let pattern)?) = try argument(call, 1, current: current) else { return nil }
        let key = PatternKey(pattern: pattern)
        if let cached = patterns[key] { return cached }
        let compiled = try? IRegexp.compile(pattern).get()
        if patterns.count < 256 { patterns[key] = compiled }
        return compiled
    }

    /// The argument at `position`, as its parameter's declared type asks.
    mutating func argument(_ call: FunctionExpression, _ position: Int, current: JSONValue) throws(JSONPathError)
        -> FunctionResult
    {
        let parameter = call.function.parameters[position]
        switch call.arguments[position] {
        case .literal(let value):
            return .value(value)
        case .query(let query):
            switch parameter {
            case .value:
                return .value(try singularValue(query, current: current))
            case .nodes:
                let nodes: [Node<NoLocation>] = try evaluate(query, current: current)
                return .nodes(nodes.map(\.value))
            case .logical:
                return .logical(try exists(query, current: current))
            }
        case .logical(let expression):
            return .logical(try test(expression, current: current))
        case .function(let inner):
            let result = try evaluate(inner, current: current)
            if parameter == .logical, case .nodes(let nodes) = result { return .logical(!nodes.isEmpty) }
            return result
        }
    }
}
