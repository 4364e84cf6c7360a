import JSONPath
import LMOSCore
import Testing

/// Details of RFC 9535 beyond its example tables: number and string comparison, function results, Normalized Path
/// escaping, ordering and the public API.
@Suite struct SemanticsTests {
    @Test func numbersCompareByValue() {
        let document = json(#"[1, 1.0, 1.5, "1", true, 100, -0.0, 0, 9007199254740993]"#)
        #expect(select("$[?@ == 1]", document) == [1, 1.0])
        #expect(select("$[?@ == 1.0]", document) == [1, 1.0])
        #expect(select("$[?@ == 1e2]", document) == [100])
        #expect(select("$[?@ == 1E+2]", document) == [100])
        #expect(select("$[?@ == 10000e-2]", document) == [100])
        #expect(select("$[?@ == -0]", document) == [-0.0, 0])
        #expect(select("$[?@ == 0.0]", document) == [-0.0, 0])
        #expect(select("$[?@ > 1 && @ < 100]", document) == [1.5])
        // Integers beyond 2^53 compare exactly, also with doubles.
        #expect(select("$[?@ == 9007199254740993]", document) == [.integer(9_007_199_254_740_993)])
        #expect(select("$[?@ > 9007199254740992]", document) == [.integer(9_007_199_254_740_993)])
        #expect(select("$[?@ > 9007199254740992.0]", document) == [.integer(9_007_199_254_740_993)])
        #expect(select("$[?@ <= 9007199254740992.0 && @ > 1000]", document) == [])
        #expect(select("$[?@ < 1e400]", document)?.count == 7)
    }

    @Test func stringsCompareByUnicodeScalars() {
        let document: JSONValue = ["a", "ab", "b", "B", "é", "e\u{301}", "", "\u{FFFF}", "😀"]
        #expect(select("$[?@ == 'é']", document) == ["é"])
        #expect(select("$[?@ == 'e\u{301}']", document) == ["e\u{301}"])
        #expect(select("$[?@ < 'b']", document) == ["a", "ab", "B", ""])
        #expect(select("$[?@ > 'e']", document) == ["é", "e\u{301}", "\u{FFFF}", "😀"])
        // Scalar order, not UTF-16 order: U+FFFF < U+1F600.
        #expect(select("$[?@ < '😀' && @ > 'é']", document) == ["\u{FFFF}"])
        #expect(select("$[?@ <= '']", document) == [""])
    }

    @Test func nameSelectorsCompareByUnicodeScalars() {
        let document = JSONValue.object(JSONObject([("é", 1), ("e\u{301}", 2)]))
        #expect(select("$['é']", document) == [1])
        #expect(select("$['e\u{301}']", document) == [2])
        #expect(select("$.é", document) == [1])
    }

    @Test func structuredValuesCompareDeeply() {
        let document = json(#"{"x": {"a": [1, {"b": 2}]}, "y": {"a": [1.0, {"b": 2}]}, "z": {"a": [1, {"b": 3}]}}"#)
        #expect(select("$[?@ == $.x]", document)?.count == 2)
        #expect(select("$[?@ != $.x]", document) == [json(#"{"a": [1, {"b": 3}]}"#)])
        #expect(select("$[?@ < $.x || @ > $.x]", document) == [])
    }

    @Test func functions() {
        let document: JSONValue = ["e\u{301}", "é", "😀😀", [1, 2], ["a": 1, "b": 2], 12, nil, true]
        #expect(select("$[?length(@) == 2]", document) == ["e\u{301}", "😀😀", [1, 2], ["a": 1, "b": 2]])
        #expect(select("$[?length(@) == 1]", document) == ["é"])
        #expect(select("$[?length(@) >= 0]", document)?.count == 5)  // Nothing for numbers, null, booleans
        #expect(select("$[?count(@.*) == 2]", document) == [[1, 2], ["a": 1, "b": 2]])
        #expect(select("$[?count(@..*) == 0]", document)?.count == 6)
        #expect(select("$[?value(@.*) == 1]", document) == [])
        #expect(select("$[?value(@.a) == 1]", document) == [["a": 1, "b": 2]])
        #expect(select("$[?value(@[0]) == 1]", document) == [[1, 2]])
        #expect(select("$[?length(value(@[1])) == null]", document) == [])
        #expect(select("$[?count($..*) == 12 && length($) == 8]", document)?.count == 8)
        #expect(parseError("$[?match(@, length(@) == 1)]")?.code == .notWellTyped)
    }

    @Test func normalizedPathsEscapeExactlyWhatTheGrammarSays() {
        let names = ["'", "\\", "\u{8}\u{C}\n\r\t", "\u{0}\u{1}\u{B}\u{1F}", "\u{7F}", "é", "\"", "a b", "/", "😀"]
        let document = JSONValue.object(JSONObject(names.enumerated().map { ($0.element, .integer(Int64($0.offset))) }))
        #expect(
            nodes("$.*", document)?.map(\.location) == [
                #"$['\'']"#, #"$['\\']"#, #"$['\b\f\n\r\t']"#, #"$['\u0000\u0001\u000b\u001f']"#, "$['\u{7F}']",
                "$['é']", #"$['"']"#, "$['a b']", "$['/']", "$['😀']",
            ])
        // Each Normalized Path is itself a query selecting exactly its node.
        for node in nodes("$..*", document) ?? [] {
            #expect(select(node.location, document) == [node.value])
        }
    }

    /// A Normalized Path names each node the same way whichever query found it.
    @Test func normalizedPathsOfEveryNode() throws {
        let document = RFC9535ExampleTests.bookstore
        let all = try #require(nodes("$..*", document))
        for node in all {
            #expect(try JSONPathQuery(node.location).nodes(document) == [node])
        }
        #expect(nodes("$..book[-1:]", document)?.map(\.location) == ["$['store']['book'][3]"])
        #expect(nodes("$.store.book[?@.price > 20]", document)?.map(\.location) == ["$['store']['book'][3]"])
    }

    @Test func descendantOrderIsPreOrderInDocumentOrder() {
        let document = json(#"{"b": {"x": 1, "a": {"x": 2}}, "a": [{"x": 3}, [{"x": 4}]], "x": 5}"#)
        #expect(select("$..x", document) == [5, 1, 2, 3, 4])
        #expect(
            nodes("$..x", document)?.map(\.location) == [
                "$['x']", "$['b']['x']", "$['b']['a']['x']", "$['a'][0]['x']", "$['a'][1][0]['x']",
            ])
    }

    @Test func blankSpace() {
        let document = json(#"{"a": [1, 2, {"b": true}]}"#)
        #expect(select("$ .a [ 0 , 1 ]", document) == [1, 2])
        #expect(select("$.a[\n?\t@.b\r==\ntrue ]", document) == [["b": true]])
        #expect(select("$.a[ 0 : 2 : 1 ]", document) == [1, 2])
        #expect(select("$.a[?( @.b )]", document) == [["b": true]])
        #expect(select("$.a[?length( @ ) == 1 ]", document) == [["b": true]])
        #expect(select("$.a[?! @.b ]", document) == [1, 2])
    }

    @Test func rootInsideFilters() {
        let document = json(#"{"limit": 2, "items": [1, 2, 3], "flag": true}"#)
        #expect(select("$.items[?@ <= $.limit]", document) == [1, 2])
        #expect(select("$.items[?$.flag]", document) == [1, 2, 3])
        #expect(select("$.items[?$.missing]", document) == [])
        #expect(select("$.items[?@ == $.items[-1]]", document) == [3])
    }

    @Test func api() throws {
        let query = try JSONPathQuery("$.store.book[?@.price < 10].title")
        #expect(query.description == "$.store.book[?@.price < 10].title")
        #expect(query.select(RFC9535ExampleTests.bookstore) == ["Sayings of the Century", "Moby Dick"])
        let found = query.nodes(RFC9535ExampleTests.bookstore)
        #expect(found.map(\.location) == ["$['store']['book'][0]['title']", "$['store']['book'][2]['title']"])
        #expect(found.first?.description == #"$['store']['book'][0]['title']: "Sayings of the Century""#)
        #expect(try query.select(RFC9535ExampleTests.bookstore, workLimit: 1000) == query.select(RFC9535ExampleTests.bookstore))
        #expect(try query.nodes(RFC9535ExampleTests.bookstore, workLimit: 1000) == found)
        #expect(JSONPathQuery.maximumLength == 4096)
        #expect(JSONPathQuery.maximumNestingDepth == 64)
    }

    /// A parsed query can be shared between tasks.
    @Test func sendable() async throws {
        let query = try JSONPathQuery("$..price")
        let document = RFC9535ExampleTests.bookstore
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { query.select(document).count } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 5, count: 8))
    }
}
