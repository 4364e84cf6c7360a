import LMOSCore

extension Evaluator {
    /// The logical value of a filter expression with `current` as `@` (RFC 9535 section 2.3.5.2).
    mutating func test(_ expression: LogicalExpression, current: JSONValue) throws(JSONPathError) -> Bool {
        try budget.charge(1)
        switch expression {
        case .or(let operands):
            for operand in operands {
                if try test(operand, current: current) { return true }
            }
            return false
        case .and(let operands):
            for operand in operands {
                if try !test(operand, current: current) { return false }
            }
            return true
        case .not(let operand):
            return !(try test(operand, current: current))
        case .exists(let query):
            return try exists(query, current: current)
        case .test(let call):
            switch try evaluate(call, current: current) {
            case .logical(let result): return result
            case .nodes(let nodes): return !nodes.isEmpty
            case .value: return false  // refused when the query was parsed
            }
        case .comparison(let left, let comparison, let right):
            return Evaluator.compare(
                try value(of: left, current: current), comparison, try value(of: right, current: current))
        }
    }

    /// The value of one side of a comparison, or `nil` for Nothing.
    mutating func value(of comparable: Operand, current: JSONValue) throws(JSONPathError) -> JSONValue? {
        switch comparable {
        case .literal(let value):
            return value
        case .query(let query):
            return try singularValue(query, current: current)
        case .function(let call):
            guard case .value(let value) = try evaluate(call, current: current) else { return nil }
            return value
        }
    }

    /// A comparison of two values or Nothings (`nil`), RFC 9535 section 2.3.5.2.2: `==` and `<` are primitive, the
    /// others are defined from them.
    static func compare(_ left: JSONValue?, _ comparison: ComparisonOperator, _ right: JSONValue?) -> Bool {
        switch comparison {
        case .equal: return equal(left, right)
        case .notEqual: return !equal(left, right)
        case .less: return less(left, right)
        case .lessOrEqual: return less(left, right) || equal(left, right)
        case .greater: return less(right, left)
        case .greaterOrEqual: return less(right, left) || equal(left, right)
        }
    }

    /// Nothing equals only Nothing; values are equal as JSON values are: numbers by mathematical value (`1 == 1.0`),
    /// strings by Unicode scalars, arrays element by element, objects by the same names with equal values.
    static func equal(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        switch (left, right) {
        case (nil, nil): return true
        case (let left?, let right?): return left == right
        default: return false
        }
    }

    /// Numbers by mathematical value, strings by Unicode scalars (the first differing scalar decides, a prefix is
    /// smaller); anything else is not ordered.
    static func less(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        switch (left, right) {
        case (.integer(let a)?, .integer(let b)?): return a < b
        case (.double(let a)?, .double(let b)?): return a < b
        case (.integer(let a)?, .double(let b)?): return compare(a, b) == .less
        case (.double(let a)?, .integer(let b)?): return compare(b, a) == .greater
        // UTF-8 byte order is Unicode scalar order.
        case (.string(let a)?, .string(let b)?): return a.utf8.lexicographicallyPrecedes(b.utf8)
        default: return false
        }
    }

    enum Order { case less, equal, greater, unordered }

    /// An exact comparison of an integer with a double (no rounding of the integer to a double).
    static func compare(_ integer: Int64, _ double: Double) -> Order {
        if double.isNaN { return .unordered }
        if double >= 0x1p63 { return .less }
        if double < -0x1p63 { return .greater }
        let whole = double.rounded(.towardZero)
        let truncated = Int64(whole)  // in range: -2^63 <= whole < 2^63
        if integer != truncated { return integer < truncated ? .less : .greater }
        let fraction = double - whole
        if fraction > 0 { return .less }
        if fraction < 0 { return .greater }
        return .equal
    }
}
