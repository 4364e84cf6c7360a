import JSONPath
import LMOSCore
import Testing

/// One row of an RFC 9535 example table: a query, the values it selects and their Normalized Paths. Where the RFC
/// allows several orders (objects are unordered), `alternatives` lists the other acceptable (values, paths).
struct Example: Sendable, CustomTestStringConvertible {
    let query: String
    let values: String
    let paths: [String]
    var alternatives: [(values: String, paths: [String])] = []

    init(_ query: String, _ values: String, _ paths: [String], or alternatives: [(String, [String])] = []) {
        self.query = query
        self.values = values
        self.paths = paths
        self.alternatives = alternatives.map { (values: $0.0, paths: $0.1) }
    }

    var testDescription: String { query }

    func check(on document: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let found = nodes(query, document, sourceLocation: sourceLocation) else { return }
        let values = found.map(\.value)
        let paths = found.map(\.location)
        let acceptable = [(values: self.values, paths: self.paths)] + alternatives
        let matched = acceptable.contains { json($0.values) == .array(values) && $0.paths == paths }
        #expect(
            matched, "\(query) selected \(JSONValue.array(values)) at \(paths), expected \(self.values) at \(self.paths)",
            sourceLocation: sourceLocation)
        #expect(select(query, document, sourceLocation: sourceLocation) == values, sourceLocation: sourceLocation)
    }
}

/// The examples of RFC 9535, table by table, on the RFC's example documents.
@Suite struct RFC9535ExampleTests {
    // MARK: 1.5 JSONPath Examples (Figure 1 and Table 2)

    static let bookstore = json(
        """
        { "store": {
            "book": [
              { "category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95 },
              { "category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99 },
              { "category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3",
                "price": 8.99 },
              { "category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings",
                "isbn": "0-395-19395-8", "price": 22.99 }
            ],
            "bicycle": { "color": "red", "price": 399 }
          }
        }
        """)

    static let book = (0..<4).map { "$['store']['book'][\($0)]" }
    static let books = (0..<4).map { bookstore["store"]?["book"]?[$0]?.description ?? "" }

    static let bookstoreExamples: [Example] = [
        Example(
            "$.store.book[*].author", #"["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]"#,
            book.map { $0 + "['author']" }),
        Example(
            "$..author", #"["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]"#,
            book.map { $0 + "['author']" }),
        Example(
            "$.store.*", "[[\(books.joined(separator: ","))], {\"color\": \"red\", \"price\": 399}]",
            ["$['store']['book']", "$['store']['bicycle']"]),
        Example(
            "$.store..price", "[8.95, 12.99, 8.99, 22.99, 399]",
            book.map { $0 + "['price']" } + ["$['store']['bicycle']['price']"]),
        Example("$..book[2]", "[\(books[2])]", [book[2]]),
        Example("$..book[2].author", #"["Herman Melville"]"#, [book[2] + "['author']"]),
        Example("$..book[2].publisher", "[]", []),
        Example("$..book[-1]", "[\(books[3])]", [book[3]]),
        Example("$..book[0,1]", "[\(books[0]), \(books[1])]", [book[0], book[1]]),
        Example("$..book[:2]", "[\(books[0]), \(books[1])]", [book[0], book[1]]),
        Example("$..book[?@.isbn]", "[\(books[2]), \(books[3])]", [book[2], book[3]]),
        Example("$..book[?@.price<10]", "[\(books[0]), \(books[2])]", [book[0], book[2]]),
    ]

    @Test(arguments: bookstoreExamples) func bookstore(_ example: Example) {
        example.check(on: Self.bookstore)
    }

    /// `$..*`: "all member values and array elements contained in the input value".
    @Test func everythingInTheBookstore() throws {
        let found = try #require(nodes("$..*", Self.bookstore))
        var expected: Set<String> = ["$['store']", "$['store']['book']", "$['store']['bicycle']"]
        expected.formUnion(["$['store']['bicycle']['color']", "$['store']['bicycle']['price']"])
        for (index, book) in Self.book.enumerated() {
            expected.insert(book)
            let keys = Self.bookstore["store"]?["book"]?[index]?.objectValue?.keys ?? []
            for key in keys { expected.insert(book + "['\(key)']") }
        }
        #expect(found.count == expected.count)
        #expect(Set(found.map(\.location)) == expected)
        #expect(found.first?.location == "$['store']")  // visited before its descendants
    }

    // MARK: 2.1.3 Example

    @Test func overviewExample() {
        Example("$.a[*].b", "[0, 1]", ["$['a'][0]['b']", "$['a'][1]['b']"])
            .check(on: json(#"{"a":[{"b":0},{"b":1},{"c":2}]}"#))
    }

    // MARK: 2.2.3 Root identifier examples (Table 3)

    @Test func rootIdentifier() {
        Example("$", #"[{"k": "v"}]"#, ["$"]).check(on: json(#"{"k": "v"}"#))
    }

    // MARK: 2.3.1.3 Name selector examples (Table 5)

    static let nameExamples: [Example] = [
        Example("$.o['j j']", #"[{"k.k": 3}]"#, ["$['o']['j j']"]),
        Example("$.o['j j']['k.k']", "[3]", ["$['o']['j j']['k.k']"]),
        Example(#"$.o["j j"]["k.k"]"#, "[3]", ["$['o']['j j']['k.k']"]),
        Example(#"$["'"]["@"]"#, "[2]", [#"$['\'']['@']"#]),
    ]

    @Test(arguments: nameExamples) func nameSelector(_ example: Example) {
        example.check(on: json(#"{"o": {"j j": {"k.k": 3}}, "'": {"@": 2}}"#))
    }

    // MARK: 2.3.2.3 Wildcard selector examples (Table 6)

    static let wildcardExamples: [Example] = [
        Example("$[*]", #"[{"j": 1, "k": 2}, [5, 3]]"#, ["$['o']", "$['a']"]),
        Example("$.o[*]", "[1, 2]", ["$['o']['j']", "$['o']['k']"], or: [("[2, 1]", ["$['o']['k']", "$['o']['j']"])]),
        Example(
            "$.o[*, *]", "[1, 2, 2, 1]", ["$['o']['j']", "$['o']['k']", "$['o']['k']", "$['o']['j']"],
            or: [("[1, 2, 1, 2]", ["$['o']['j']", "$['o']['k']", "$['o']['j']", "$['o']['k']"])]),
        Example("$.a[*]", "[5, 3]", ["$['a'][0]", "$['a'][1]"]),
    ]

    @Test(arguments: wildcardExamples) func wildcardSelector(_ example: Example) {
        example.check(on: json(#"{"o": {"j": 1, "k": 2}, "a": [5, 3]}"#))
    }

    // MARK: 2.3.3.3 Index selector examples (Table 7)

    static let indexExamples: [Example] = [
        Example("$[1]", #"["b"]"#, ["$[1]"]),
        Example("$[-2]", #"["a"]"#, ["$[0]"]),
    ]

    @Test(arguments: indexExamples) func indexSelector(_ example: Example) {
        example.check(on: json(#"["a","b"]"#))
    }

    // MARK: 2.3.4.3 Array slice selector examples (Table 9)

    static let sliceExamples: [Example] = [
        Example("$[1:3]", #"["b", "c"]"#, ["$[1]", "$[2]"]),
        Example("$[5:]", #"["f", "g"]"#, ["$[5]", "$[6]"]),
        Example("$[1:5:2]", #"["b", "d"]"#, ["$[1]", "$[3]"]),
        Example("$[5:1:-2]", #"["f", "d"]"#, ["$[5]", "$[3]"]),
        Example("$[::-1]", #"["g", "f", "e", "d", "c", "b", "a"]"#, (0...6).reversed().map { "$[\($0)]" }),
    ]

    @Test(arguments: sliceExamples) func arraySliceSelector(_ example: Example) {
        example.check(on: json(#"["a", "b", "c", "d", "e", "f", "g"]"#))
    }

    // MARK: 2.3.5.3 Filter selector examples: comparisons (Table 11)

    static let comparisons: [(String, Bool)] = [
        ("$.absent1 == $.absent2", true), ("$.absent1 <= $.absent2", true), ("$.absent == 'g'", false),
        ("$.absent1 != $.absent2", false), ("$.absent != 'g'", true), ("1 <= 2", true), ("1 > 2", false),
        ("13 == '13'", false), ("'a' <= 'b'", true), ("'a' > 'b'", false), ("$.obj == $.arr", false),
        ("$.obj != $.arr", true), ("$.obj == $.obj", true), ("$.obj != $.obj", false), ("$.arr == $.arr", true),
        ("$.arr != $.arr", false), ("$.obj == 17", false), ("$.obj != 17", true), ("$.obj <= $.arr", false),
        ("$.obj < $.arr", false), ("$.obj <= $.obj", true), ("$.arr <= $.arr", true), ("1 <= $.arr", false),
        ("1 >= $.arr", false), ("1 > $.arr", false), ("1 < $.arr", false), ("true <= true", true),
        ("true > true", false),
    ]

    /// Each comparison as the filter of `$[?...]` on the document: it does not depend on `@`, so it selects both
    /// members or neither.
    @Test(arguments: comparisons) func comparison(_ comparison: String, _ expected: Bool) {
        let document = json(#"{"obj": {"x": "y"}, "arr": [2, 3]}"#)
        #expect(select("$[?\(comparison)]", document)?.count == (expected ? 2 : 0))
    }

    // MARK: 2.3.5.3 Filter selector examples (Table 12)

    static let filterDocument = json(
        """
        {
          "a": [3, 5, 1, 2, 4, 6, {"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}],
          "o": {"p": 1, "q": 2, "r": 3, "s": 5, "t": {"u": 6}},
          "e": "f"
        }
        """)

    static let a = #"[3, 5, 1, 2, 4, 6, {"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}]"#
    static let o = #"{"p": 1, "q": 2, "r": 3, "s": 5, "t": {"u": 6}}"#

    static let filterExamples: [Example] = [
        Example("$.a[?@.b == 'kilo']", #"[{"b": "kilo"}]"#, ["$['a'][9]"]),
        Example("$.a[?(@.b == 'kilo')]", #"[{"b": "kilo"}]"#, ["$['a'][9]"]),
        Example("$.a[?@>3.5]", "[5, 4, 6]", ["$['a'][1]", "$['a'][4]", "$['a'][5]"]),
        Example(
            "$.a[?@.b]", #"[{"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}]"#, (6...9).map { "$['a'][\($0)]" }),
        Example("$[?@.*]", "[\(a), \(o)]", ["$['a']", "$['o']"]),
        Example("$[?@[?@.b]]", "[\(a)]", ["$['a']"]),
        Example(
            "$.o[?@<3, ?@<3]", "[1, 2, 2, 1]", ["$['o']['p']", "$['o']['q']", "$['o']['q']", "$['o']['p']"],
            or: [("[1, 2, 1, 2]", ["$['o']['p']", "$['o']['q']", "$['o']['p']", "$['o']['q']"])]),
        Example(#"$.a[?@<2 || @.b == "k"]"#, #"[1, {"b": "k"}]"#, ["$['a'][2]", "$['a'][7]"]),
        Example(#"$.a[?match(@.b, "[jk]")]"#, #"[{"b": "j"}, {"b": "k"}]"#, ["$['a'][6]", "$['a'][7]"]),
        Example(
            #"$.a[?search(@.b, "[jk]")]"#, #"[{"b": "j"}, {"b": "k"}, {"b": "kilo"}]"#,
            ["$['a'][6]", "$['a'][7]", "$['a'][9]"]),
        Example("$.o[?@>1 && @<4]", "[2, 3]", ["$['o']['q']", "$['o']['r']"], or: [("[3, 2]", ["$['o']['r']", "$['o']['q']"])]),
        Example("$.o[?@.u || @.x]", #"[{"u": 6}]"#, ["$['o']['t']"]),
        Example("$.a[?@.b == $.x]", "[3, 5, 1, 2, 4, 6]", (0...5).map { "$['a'][\($0)]" }),
        Example("$.a[?@ == @]", a, (0...9).map { "$['a'][\($0)]" }),
    ]

    @Test(arguments: filterExamples) func filterSelector(_ example: Example) {
        example.check(on: Self.filterDocument)
    }

    // MARK: 2.4.9 Function extension examples (Table 14)

    /// The rows that use the functions of RFC 9535 (the others name hypothetical functions `foo`, `bar`, `bnl`,
    /// `blt`, `bal`, which are not registered, so those queries are refused as unknown functions; see below).
    static let wellTypedness: [(String, Bool)] = [
        ("$[?length(@) < 3]", true),
        ("$[?length(@.*) < 3]", false),
        ("$[?count(@.*) == 1]", true),
        ("$[?count(1) == 1]", false),
        ("$[?match(@.timezone, 'Europe/.*')]", true),
        ("$[?match(@.timezone, 'Europe/.*') == true]", false),
        (#"$[?value(@..color) == "red"]"#, true),
        ("$[?value(@..color)]", false),
    ]

    @Test(arguments: wellTypedness) func functionWellTypedness(_ query: String, _ wellTyped: Bool) {
        if wellTyped {
            #expect(throws: Never.self) { try JSONPathQuery(query) }
        } else {
            let error = #expect(throws: JSONPathError.self) { try JSONPathQuery(query) }
            #expect(error?.code == .notWellTyped)
        }
    }

    @Test(arguments: ["$[?count(foo(@.*)) == 1]", "$[?bar(@.a)]", "$[?bnl(@.*)]", "$[?blt(1==1)]", "$[?bal(1)]"])
    func unregisteredFunctions(_ query: String) {
        let error = #expect(throws: JSONPathError.self) { try JSONPathQuery(query) }
        #expect(error?.code == .unknownFunction)
    }

    // MARK: 2.5.1.3 Child segment examples (Table 15)

    static let childExamples: [Example] = [
        Example("$[0, 3]", #"["a", "d"]"#, ["$[0]", "$[3]"]),
        Example("$[0:2, 5]", #"["a", "b", "f"]"#, ["$[0]", "$[1]", "$[5]"]),
        Example("$[0, 0]", #"["a", "a"]"#, ["$[0]", "$[0]"]),
    ]

    @Test(arguments: childExamples) func childSegment(_ example: Example) {
        example.check(on: json(#"["a", "b", "c", "d", "e", "f", "g"]"#))
    }

    // MARK: 2.5.2.3 Descendant segment examples (Table 16)

    static let all = #"[{"j": 1, "k": 2}, [5, 3, [{"j": 4}, {"k": 6}]], 1, 2, 5, 3, [{"j": 4}, {"k": 6}], {"j": 4}, {"k": 6}, 4, 6]"#
    static let allPaths = [
        "$['o']", "$['a']", "$['o']['j']", "$['o']['k']", "$['a'][0]", "$['a'][1]", "$['a'][2]", "$['a'][2][0]",
        "$['a'][2][1]", "$['a'][2][0]['j']", "$['a'][2][1]['k']",
    ]

    static let descendantExamples: [Example] = [
        Example("$..j", "[1, 4]", ["$['o']['j']", "$['a'][2][0]['j']"], or: [("[4, 1]", ["$['a'][2][0]['j']", "$['o']['j']"])]),
        Example("$..[0]", #"[5, {"j": 4}]"#, ["$['a'][0]", "$['a'][2][0]"]),
        Example("$..[*]", all, allPaths),
        Example("$..*", all, allPaths),
        Example("$..o", #"[{"j": 1, "k": 2}]"#, ["$['o']"]),
        Example(
            "$.o..[*, *]", "[1, 2, 2, 1]", ["$['o']['j']", "$['o']['k']", "$['o']['k']", "$['o']['j']"],
            or: [("[1, 2, 1, 2]", ["$['o']['j']", "$['o']['k']", "$['o']['j']", "$['o']['k']"])]),
        Example(
            "$.a..[0, 1]", #"[5, 3, {"j": 4}, {"k": 6}]"#, ["$['a'][0]", "$['a'][1]", "$['a'][2][0]", "$['a'][2][1]"]),
    ]

    @Test(arguments: descendantExamples) func descendantSegment(_ example: Example) {
        example.check(on: json(#"{"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}"#))
    }

    // MARK: 2.6.1 Examples involving (or not involving) null (Table 17)

    static let nullExamples: [Example] = [
        Example("$.a", "[null]", ["$['a']"]),
        Example("$.a[0]", "[]", []),
        Example("$.a.d", "[]", []),
        Example("$.b[0]", "[null]", ["$['b'][0]"]),
        Example("$.b[*]", "[null]", ["$['b'][0]"]),
        Example("$.b[?@]", "[null]", ["$['b'][0]"]),
        Example("$.b[?@==null]", "[null]", ["$['b'][0]"]),
        Example("$.c[?@.d==null]", "[]", []),
        Example("$.null", "[1]", ["$['null']"]),
    ]

    @Test(arguments: nullExamples) func nullSemantics(_ example: Example) {
        example.check(on: json(#"{"a": null, "b": [null], "c": [{}], "null": 1}"#))
    }

    // MARK: 2.7.1 Normalized Path examples (Table 18)

    static let normalizedPaths: [(String, String, String)] = [
        ("$.a", #"{"a": 1}"#, "$['a']"),
        ("$[1]", "[0, 1]", "$[1]"),
        ("$[-3]", "[0, 1, 2, 3, 4]", "$[2]"),
        ("$.a.b[1:2]", #"{"a": {"b": [0, 1, 2]}}"#, "$['a']['b'][1]"),
        (#"$["\u000B"]"#, #"{"\u000b": 1}"#, #"$['\u000b']"#),
        (#"$["\u0061"]"#, #"{"a": 1}"#, "$['a']"),
    ]

    @Test(arguments: normalizedPaths) func normalizedPath(_ query: String, _ document: String, _ path: String) {
        #expect(nodes(query, json(document))?.map(\.location) == [path])
    }
}
