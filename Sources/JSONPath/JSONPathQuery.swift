import LMOSCore

/// A JSONPath query (RFC 9535), parsed and checked once, to be applied to any number of JSON values.
///
/// ```swift
/// let query = try JSONPathQuery("$.store.book[?@.price < 10].title")
/// query.select(document)                       // ["Sayings of the Century", "Moby Dick"]
/// query.nodes(document).map(\.location)        // ["$['store']['book'][0]['title']", ...]
/// ```
///
/// Everything of RFC 9535 is supported: child and descendant segments; name, wildcard, index, slice and filter
/// selectors; logical operators, comparisons, existence tests; and the function extensions `length`, `count`,
/// `match`, `search` and `value`, whose I-Regexp (RFC 9485) patterns are matched in linear time.
///
/// A query may come from the network: its text is limited to ``maximumLength`` UTF-8 bytes and the nesting of
/// parentheses, filters and function calls to ``maximumNestingDepth``. Evaluation never recurses along the document,
/// so any document depth is safe; ``select(_:workLimit:)`` and ``nodes(_:workLimit:)`` also bound the work of one
/// evaluation, which a server should use since a short query such as `$..*..*..*..*` can ask for a great deal.
public struct JSONPathQuery: Sendable, CustomStringConvertible {
    /// The longest query accepted, in UTF-8 bytes.
    public static let maximumLength = Parser.maximumLength
    /// The deepest nesting of parentheses, filter selectors and function calls accepted.
    public static let maximumNestingDepth = Parser.maximumDepth

    let text: String
    let query: Query

    /// Parses `text` and checks that it is a well-formed and valid query (RFC 9535 section 2.1): that it follows the
    /// grammar, that its integers are within [-(2^53)+1, 2^53-1] and that its function expressions are well-typed
    /// (section 2.4.3). Throws a ``JSONPathError`` naming the offset of the first problem otherwise.
    public init(_ text: String) throws(JSONPathError) {
        self.text = text
        query = try Parser.parse(text)
    }

    /// The query text as given.
    public var description: String { text }

    /// The values of the nodes the query selects from `root`, in the order of RFC 9535 (document order for arrays
    /// and, here, member order for objects).
    public func select(_ root: JSONValue) -> [JSONValue] {
        (try? select(root, workLimit: .max)) ?? []  // an unlimited evaluation does not throw
    }

    /// The nodes the query selects from `root`, each with its Normalized Path (RFC 9535 section 2.7).
    public func nodes(_ root: JSONValue) -> [JSONPathNode] {
        (try? nodes(root, workLimit: .max)) ?? []  // an unlimited evaluation does not throw
    }

    /// Like ``select(_:)``, but gives up with ``JSONPathError/Code/limitExceeded`` once the evaluation has done
    /// `workLimit` units of work (a unit is about one node visited or selected, or one filter test; a few million
    /// take a fraction of a second).
    public func select(_ root: JSONValue, workLimit: Int) throws(JSONPathError) -> [JSONValue] {
        var evaluator = Evaluator(root: root, workLimit: workLimit)
        let nodes: [Node<NoLocation>] = try evaluator.evaluate(query, current: root)
        return nodes.map(\.value)
    }

    /// Like ``nodes(_:)``, but gives up with ``JSONPathError/Code/limitExceeded`` once the evaluation has done
    /// `workLimit` units of work.
    public func nodes(_ root: JSONValue, workLimit: Int) throws(JSONPathError) -> [JSONPathNode] {
        var evaluator = Evaluator(root: root, workLimit: workLimit)
        let nodes: [Node<NormalizedPath>] = try evaluator.evaluate(query, current: root)
        return nodes.map { JSONPathNode(location: $0.location.description, value: $0.value) }
    }
}
