import LMOSCore

/// Applies a parsed query to a value (RFC 9535 sections 2.2 to 2.5): each segment maps the nodelist so far to the
/// concatenation, in order, of what its selectors select from each node.
///
/// The evaluator recurses only along the query's own nesting (filters inside filters, bounded by the parser); the
/// descendants of a node are visited with an explicit stack, so no document depth can overflow the call stack.
struct Evaluator {
    let root: JSONValue
    var budget: WorkBudget
    /// Patterns of `match()`/`search()` that come from the document, compiled once per evaluation.
    var patterns: [PatternKey: IRegexp?] = [:]

    init(root: JSONValue, workLimit: Int) {
        self.root = root
        budget = WorkBudget(limit: workLimit)
    }

    /// The nodelist of `query`; `current` is the value of `@`.
    mutating func evaluate<Location: NodeLocation>(
        _ query: Query, current: JSONValue, as: Location.Type = Location.self
    ) throws(JSONPathError) -> [Node<Location>] {
        try evaluate(query, current: current, segments: query.segments.count)
    }

    /// The nodelist of the first `count` segments of `query`.
    mutating func evaluate<Location: NodeLocation>(
        _ query: Query, current: JSONValue, segments count: Int
    ) throws(JSONPathError) -> [Node<Location>] {
        var nodes = [Node(value: query.start == .root ? root : current, location: Location.root)]
        for segment in query.segments.prefix(count) {
            var output: [Node<Location>] = []
            for node in nodes { try apply(segment, to: node, into: &output) }
            nodes = output
            if nodes.isEmpty { break }
        }
        return nodes
    }

    /// Whether `query` selects at least one node (an existence test, RFC 9535 section 2.3.5.2.1). A singular query
    /// is looked up directly; otherwise the last segment stops at the first node it selects.
    mutating func exists(_ query: Query, current: JSONValue) throws(JSONPathError) -> Bool {
        if query.isSingular { return try singularValue(query, current: current) != nil }
        guard let last = query.segments.last else { return true }
        let nodes: [Node<NoLocation>] = try evaluate(query, current: current, segments: query.segments.count - 1)
        var found: [Node<NoLocation>] = []
        for node in nodes {
            try apply(last, to: node, into: &found)
            if !found.isEmpty { return true }
        }
        return false
    }

    /// The value of the node a singular query selects, or `nil` (Nothing), by direct lookups.
    mutating func singularValue(_ query: Query, current: JSONValue) throws(JSONPathError) -> JSONValue? {
        var value = query.start == .root ? root : current
        for segment in query.segments {
            try budget.charge(1)
            switch (segment.selectors.first, value) {
            case (.name(let name)?, .object(let object)):
                guard let member = object[name] else { return nil }
                value = member
            case (.index(let index)?, .array(let array)):
                guard let position = Evaluator.position(of: index, count: array.count) else { return nil }
                value = array[position]
            default:
                return nil
            }
        }
        return value
    }

    /// Applies one segment to one node (RFC 9535 section 2.5).
    mutating func apply<Location: NodeLocation>(
        _ segment: Segment, to node: Node<Location>, into output: inout [Node<Location>]
    ) throws(JSONPathError) {
        switch segment.kind {
        case .child:
            for selector in segment.selectors { try select(selector, from: node, into: &output) }
        case .descendant:
            // Pre-order, children in order: the node, then each child's subtree (section 2.5.2.2).
            var pending = [node]
            while let visited = pending.popLast() {
                try budget.charge(1)
                for selector in segment.selectors { try select(selector, from: visited, into: &output) }
                switch visited.value {
                case .array(let elements):
                    for index in elements.indices.reversed() {
                        pending.append(Node(value: elements[index], location: visited.location.appending(index: index)))
                    }
                case .object(let object):
                    for member in object.members.reversed() {
                        pending.append(Node(value: member.value, location: visited.location.appending(name: member.key)))
                    }
                default:
                    break
                }
            }
        }
    }

    /// Applies one selector to one node (RFC 9535 section 2.3).
    mutating func select<Location: NodeLocation>(
        _ selector: Selector, from node: Node<Location>, into output: inout [Node<Location>]
    ) throws(JSONPathError) {
        switch (selector, node.value) {
        case (.name(let name), .object(let object)):
            if let value = object[name] {
                try budget.charge(1)
                output.append(Node(value: value, location: node.location.appending(name: name)))
            }
        case (.wildcard, .array(let elements)):
            try budget.charge(elements.count)
            for (index, element) in elements.enumerated() {
                output.append(Node(value: element, location: node.location.appending(index: index)))
            }
        case (.wildcard, .object(let object)):
            try budget.charge(object.count)
            for member in object {
                output.append(Node(value: member.value, location: node.location.appending(name: member.key)))
            }
        case (.index(let index), .array(let elements)):
            if let position = Evaluator.position(of: index, count: elements.count) {
                try budget.charge(1)
                output.append(Node(value: elements[position], location: node.location.appending(index: position)))
            }
        case (.slice(let start, let end, let step), .array(let elements)):
            for position in SlicePositions(start: start, end: end, step: step, count: elements.count) {
                try budget.charge(1)
                output.append(Node(value: elements[position], location: node.location.appending(index: position)))
            }
        case (.filter(let expression), .array(let elements)):
            for (index, element) in elements.enumerated() {
                guard try test(expression, current: element) else { continue }
                output.append(Node(value: element, location: node.location.appending(index: index)))
            }
        case (.filter(let expression), .object(let object)):
            for member in object {
                guard try test(expression, current: member.value) else { continue }
                output.append(Node(value: member.value, location: node.location.appending(name: member.key)))
            }
        default:
            break  // a selector selects nothing from a value of another kind
        }
    }

    /// The array position an index selector names (negative counts from the end), if it is in range
    /// (RFC 9535 section 2.3.3.2).
    static func position(of index: Int64, count: Int) -> Int? {
        let position = index >= 0 ? index : Int64(count) + index
        return position >= 0 && position < Int64(count) ? Int(position) : nil
    }
}

/// A `match()`/`search()` pattern string as a dictionary key, compared by Unicode scalars (two patterns that differ
/// only in normalization are different patterns).
struct PatternKey: Hashable {
    let pattern: String

    static func == (lhs: PatternKey, rhs: PatternKey) -> Bool { lhs.pattern.utf8.elementsEqual(rhs.pattern.utf8) }

    func hash(into hasher: inout Hasher) {
        for byte in pattern.utf8 { hasher.combine(byte) }
    }
}
