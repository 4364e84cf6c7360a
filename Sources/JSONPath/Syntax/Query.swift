/// A query as it appears in the syntax tree: the root identifier `$` or, inside a filter, the current node
/// identifier `@`, followed by segments (RFC 9535 sections 2.1.1 and 2.3.5.1).
struct Query: Sendable {
    /// Where a query starts.
    enum Start: Sendable {
        /// `$`: the root node of the query argument.
        case root
        /// `@`: the current node of the innermost enclosing filter selector.
        case current
    }

    let start: Start
    let segments: [Segment]
    /// Whether this is a singular query (RFC 9535 section 2.3.5.1): only child segments with one name or index
    /// selector each, written as `.name`, `['name']` or `[0]` with no blank space inside the brackets. A singular
    /// query selects at most one node, so it can be compared and passed where a `ValueType` is expected.
    let isSingular: Bool

    init(start: Start, segments: [Segment]) {
        self.start = start
        self.segments = segments
        isSingular = segments.allSatisfy(\.isSingularForm)
    }
}

/// A child segment `[...]` / `.name` / `.*`, or a descendant segment `..[...]` / `..name` / `..*` (RFC 9535
/// section 2.5).
struct Segment: Sendable {
    enum Kind: Sendable {
        /// Applies the selectors to each input node.
        case child
        /// Applies the selectors to each input node and to all its descendants, in document order.
        case descendant
    }

    var kind: Kind
    /// One or more selectors, applied in order; their results are concatenated.
    var selectors: [Selector]
    /// Whether the segment was written in the form a singular query allows (`name-segment` / `index-segment`).
    var isSingularForm: Bool
}

/// One selector of a segment (RFC 9535 section 2.3).
enum Selector: Sendable {
    /// `'name'`, `"name"` or the shorthand `.name`: the member with that name (section 2.3.1).
    case name(String)
    /// `*`: every member value or element (section 2.3.2).
    case wildcard
    /// `3`, `-1`: one element, negative counting from the end (section 2.3.3).
    case index(Int64)
    /// `start:end:step` with each part optional (section 2.3.4).
    case slice(start: Int64?, end: Int64?, step: Int64?)
    /// `?expression`: the member values or elements for which the expression holds (section 2.3.5).
    case filter(LogicalExpression)
}
