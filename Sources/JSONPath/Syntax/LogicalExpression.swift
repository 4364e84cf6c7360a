import LMOSCore

/// A logical expression of a filter selector (RFC 9535 section 2.3.5.1): evaluates to LogicalTrue or LogicalFalse.
indirect enum LogicalExpression: Sendable {
    /// `a || b || ...`: true if any operand is.
    case or([LogicalExpression])
    /// `a && b && ...`: true if every operand is.
    case and([LogicalExpression])
    /// `!(...)` or `!test`.
    case not(LogicalExpression)
    /// A query used as a test: true if it selects at least one node (section 2.3.5.2.1).
    case exists(Query)
    /// A function expression used as a test: its LogicalType result, or whether its NodesType result is non-empty.
    case test(FunctionExpression)
    /// `left op right` (section 2.3.5.2.2).
    case comparison(Operand, ComparisonOperator, Operand)
}

/// One side of a comparison (`comparable` in the grammar of RFC 9535 section 2.3.5.1): something that yields a
/// value or Nothing. While parsing, also any literal, query or function expression before it is known where it
/// stands.
enum Operand: Sendable {
    /// `true`, `false`, `null`, a number or a string.
    case literal(JSONValue)
    /// A singular query: the value of the node it selects, or Nothing.
    case query(Query)
    /// A function expression whose declared result type is ValueType.
    case function(FunctionExpression)
}

/// The comparison operators of RFC 9535 section 2.3.5.1.
enum ComparisonOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}
