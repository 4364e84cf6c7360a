import LMOSCore

/// The declared types of function parameters and results (RFC 9535 section 2.4.1).
enum FunctionType: Sendable, CustomStringConvertible {
    /// A JSON value or Nothing.
    case value
    /// LogicalTrue or LogicalFalse.
    case logical
    /// A nodelist.
    case nodes

    var description: String {
        switch self {
        case .value: return "ValueType"
        case .logical: return "LogicalType"
        case .nodes: return "NodesType"
        }
    }
}

/// The function extensions of RFC 9535 sections 2.4.4 to 2.4.8, with their declared types.
enum Function: String, Sendable, CaseIterable {
    /// `length(ValueType) -> ValueType`: the length of a string (in Unicode scalars), array or object.
    case length
    /// `count(NodesType) -> ValueType`: the number of nodes.
    case count
    /// `match(ValueType, ValueType) -> LogicalType`: whether the whole string matches the I-Regexp.
    case match
    /// `search(ValueType, ValueType) -> LogicalType`: whether some substring matches the I-Regexp.
    case search
    /// `value(NodesType) -> ValueType`: the value of the only node, or Nothing.
    case value

    var parameters: [FunctionType] {
        switch self {
        case .length: return [.value]
        case .count, .value: return [.nodes]
        case .match, .search: return [.value, .value]
        }
    }

    var result: FunctionType {
        switch self {
        case .length, .count, .value: return .value
        case .match, .search: return .logical
        }
    }
}

/// A call of a function extension, checked to be well-typed when it was parsed.
struct FunctionExpression: Sendable {
    var function: Function
    var arguments: [FunctionArgument]
    /// For `match` and `search` with a literal pattern: the pattern, compiled once when the query was parsed.
    var literalPattern: LiteralPattern?
}

/// The literal pattern argument of `match` or `search`, compiled when the query was parsed.
enum LiteralPattern: Sendable {
    case valid(IRegexp)
    /// Not a string, or not an I-Regexp: the function is LogicalFalse.
    case invalid
}

/// An argument of a function expression (RFC 9535 section 2.4.3), already checked against its parameter type.
enum FunctionArgument: Sendable {
    /// A literal, for a ValueType parameter.
    case literal(JSONValue)
    /// A query: for a NodesType parameter its nodelist, for a ValueType parameter (singular queries only) the value
    /// of its node or Nothing, for a LogicalType parameter whether it selects anything.
    case query(Query)
    /// A logical expression, for a LogicalType parameter.
    case logical(LogicalExpression)
    /// A nested function expression whose result type suits the parameter.
    case function(FunctionExpression)
}
