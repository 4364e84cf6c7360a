import JSONPath
import LMOSCore
import Testing

/// Malformed and invalid queries: the kind of error, the offset (in Unicode scalars) and a message a person can act
/// on.
@Suite struct ErrorTests {
    static let cases: [(query: String, code: JSONPathError.Code, offset: Int)] = [
        ("", .syntax, 0),
        (" $", .syntax, 0),
        ("@.a", .syntax, 0),
        ("$ ", .syntax, 1),
        ("$a", .syntax, 1),
        ("$[]", .syntax, 2),
        ("$.store.book[?@.price < 10", .syntax, 26),
        ("$['a'", .syntax, 5),
        ("$['a", .syntax, 2),
        ("$['a\u{01}']", .syntax, 4),
        ("$['\\x']", .syntax, 3),
        (#"$["\'"]"#, .syntax, 3),
        ("$['\\uD800']", .syntax, 3),
        ("$['\\uDC00']", .syntax, 3),
        ("$['\\uD800\\u0041']", .syntax, 9),
        ("$['\\u12']", .syntax, 3),
        ("$.1", .syntax, 2),
        ("$. a", .syntax, 2),
        ("$..", .syntax, 3),
        ("$[01]", .syntax, 2),
        ("$[-0]", .syntax, 2),
        ("$[1:2:3:4]", .syntax, 7),
        ("$[9007199254740992]", .integerOutOfRange, 2),
        ("$[:-9007199254740992]", .integerOutOfRange, 3),
        ("$[?@.a = 1]", .syntax, 7),
        ("$[?!@.a == 1]", .syntax, 3),
        ("$[?'a']", .syntax, 3),
        ("$[?1 == 01]", .syntax, 8),
        ("$[?@.a == 1.]", .syntax, 12),
        ("$[?@.a == True]", .syntax, 10),
        ("$[?(@.a]", .syntax, 7),
        ("$[?@.a == @.*]", .notWellTyped, 10),
        ("$[?@[ 'a' ] == 1]", .notWellTyped, 3),
        ("$[?length(@.*) < 3]", .notWellTyped, 10),
        ("$[?count(1) == 1]", .notWellTyped, 9),
        ("$[?count(@) == 1 == 2]", .syntax, 17),
        ("$[?match(@.a, 'x') == true]", .notWellTyped, 3),
        ("$[?value(@..c)]", .notWellTyped, 3),
        ("$[?length(@, 1) == 1]", .notWellTyped, 3),
        ("$[?length (@) == 1]", .syntax, 9),
        ("$[?foo(@)]", .unknownFunction, 3),
        ("$[?Length(@) == 1]", .syntax, 3),
        ("$[?match(@, 'a{1,200000}')]", .limitExceeded, 12),
    ]

    @Test(arguments: cases) func refused(_ query: String, _ code: JSONPathError.Code, _ offset: Int) {
        guard let error = parseError(query) else { return }
        #expect(error.code == code, "\(query): \(error)")
        #expect(error.offset == offset, "\(query): \(error)")
        #expect(error.description.contains("at offset \(offset)"))
        #expect(!error.description.contains("\n"))
    }

    @Test func messages() {
        #expect(
            parseError("$.store[]")?.description
                == "unexpected ']' at offset 8: expected a selector: a quoted name, '*', an index, a slice or a '?' filter")
        #expect(
            parseError("$.store.book[?@.price < 10")?.description
                == "unexpected end of query at offset 26: expected ',' or ']' to close the '[' at offset 12")
        #expect(
            parseError("$[?@.a == @..b]")?.description
                == "a query compared with '==' must be singular at offset 10: use only .name, ['name'] and [index] "
                + "segments, or wrap the query in value(...)")
        #expect(
            parseError("$[9007199254740992]")?.description
                == "integer 9007199254740992 is out of range at offset 2: indexes and slice bounds must lie within "
                + "±(2^53-1)")
        #expect(
            parseError("$[?size(@) > 1]")?.description
                == "unknown function 'size' at offset 3: the functions are length, count, match, search and value")
        #expect(parseError("$[?@.a = 1]")?.description == "'=' is not an operator at offset 7: write '=='")
    }

    /// Offsets count Unicode scalars, not bytes or grapheme clusters.
    @Test func offsetsCountScalars() {
        #expect(parseError("$['é'][]")?.offset == 7)  // "é" is one scalar
        #expect(parseError("$['e\u{301}'][]")?.offset == 8)  // e + combining acute: two scalars
        #expect(parseError("$['😀'][]")?.offset == 7)
    }

    @Test func errorsAreEqualByCode() {
        #expect(parseError("$[") == parseError("$]"))
        #expect(parseError("$[") != parseError("$[?foo()]"))
    }

    /// The extremes of the I-JSON range are accepted, one past them refused.
    @Test func integerRange() throws {
        let document = json("[1, 2, 3]")
        #expect(select("$[9007199254740991]", document) == [])
        #expect(select("$[-9007199254740991]", document) == [])
        #expect(select("$[-9007199254740991:9007199254740991:9007199254740991]", document) == [1])
        #expect(parseError("$[::-9007199254740992]")?.code == .integerOutOfRange)
        #expect(parseError("$[123456789012345678901234567890]")?.code == .integerOutOfRange)
    }
}
