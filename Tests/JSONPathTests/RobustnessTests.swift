import JSONPath
import LMOSCore
import LMOSTestSupport
import Testing

/// Hostile queries and documents: everything is refused or answered quickly, nothing traps.
@Suite struct RobustnessTests {
    @Test func queryLength() {
        let longest = "$" + String(repeating: ".a", count: 2047) + "b"  // 4096 bytes
        #expect(longest.utf8.count == JSONPathQuery.maximumLength)
        #expect(select(longest, ["a": 1]) == [])
        let error = parseError(longest + "c")
        #expect(error?.code == .limitExceeded)
        #expect(error?.offset == 4096)
        // The offset is in scalars: 2-byte scalars reach the byte limit at scalar 2049.
        #expect(parseError("$['" + String(repeating: "é", count: 2100) + "']")?.offset == 2049)
        #expect(parseError(String(repeating: "$", count: 1_000_000))?.code == .limitExceeded)
    }

    @Test func nestingDepth() {
        func parenthesized(_ depth: Int) -> String {
            "$[?" + String(repeating: "(", count: depth) + "@" + String(repeating: ")", count: depth) + "]"
        }
        func filters(_ depth: Int) -> String {
            "$" + String(repeating: "[?@", count: depth) + String(repeating: "]", count: depth)
        }
        func functions(_ depth: Int) -> String {
            "$[?" + String(repeating: "length(", count: depth) + "@" + String(repeating: ")", count: depth) + " == 1]"
        }
        let document = json("[[[1]]]")
        #expect(select(parenthesized(63), document) == [[[1]]])
        #expect(parseError(parenthesized(64))?.code == .limitExceeded)
        #expect(parseError(parenthesized(3000))?.code == .limitExceeded)
        #expect(select(filters(64), document) == [])
        #expect(parseError(filters(65))?.code == .limitExceeded)
        #expect(parseError(filters(1300))?.code == .limitExceeded)
        #expect(select(functions(63), document) == [])
        #expect(parseError(functions(64))?.code == .limitExceeded)
        #expect(parseError("$[?" + String(repeating: "!(", count: 1000) + "@" + String(repeating: ")", count: 1000) + "]")?.code == .limitExceeded)
        #expect(parseError("$[?" + String(repeating: "!", count: 3) + "@]")?.code == .syntax)
    }

    /// The deepest document the JSON parser accepts, and deeper ones built in code: descendants are visited without
    /// recursion.
    @Test func deepDocuments() throws {
        let parsedDepth = DecodingLimits.default.maximumDepth
        let parsed = try JSONValue(
            parsing: String(repeating: "[", count: parsedDepth - 1) + "{\"a\": 1}" + String(repeating: "]", count: parsedDepth - 1))
        #expect(select("$..*", parsed)?.count == parsedDepth)
        #expect(select("$..a", parsed) == [1])
        #expect(nodes("$..a", parsed)?.first?.location == "$" + String(repeating: "[0]", count: parsedDepth - 1) + "['a']")
        #expect(select("$..[?@.a]", parsed)?.count == 1)

        var built: JSONValue = ["a": 1]
        for _ in 0..<1000 { built = ["a": built] }
        let elapsed = seconds {
            #expect(select("$..a", built)?.count == 1001)
            #expect(select("$..*", built)?.count == 1001)
            #expect(nodes("$..a", built)?.last?.location.count == 5 * 1001 + 1)
        }
        #expect(elapsed < 5)
    }

    @Test func wideDocuments() {
        let document = JSONValue.array((0..<100_000).map { .object(JSONObject([("n", .integer(Int64($0)))])) })
        let elapsed = seconds {
            #expect(select("$..*", document)?.count == 200_000)
            #expect(select("$[?@.n >= 99998]", document)?.count == 2)
            #expect(select("$[-1:-3:-1].n", document) == [99_999, 99_998])
        }
        #expect(elapsed < 20)
    }

    /// Queries whose result grows with a power of the document's size stop at the work limit.
    @Test func workLimit() throws {
        var deep: JSONValue = [1]
        for _ in 0..<1000 { deep = [deep, 1] }
        for text in ["$..*..*..*..*..*", "$..[?@..[?@..[?@..*]]]", "$..[?count(@..*) > count($..*)]"] {
            let query = try JSONPathQuery(text)
            let elapsed = seconds {
                let error = #expect(throws: JSONPathError.self) { try query.select(deep, workLimit: 1_000_000) }
                #expect(error?.code == .limitExceeded)
                #expect(error?.offset == nil)
            }
            #expect(elapsed < 10, "\(text) took \(elapsed) s")
        }
        let regexp = try JSONPathQuery("$[?search(@, 'a*a*a*a*a*a*a*b')]")
        let strings = JSONValue.array(Array(repeating: .string(String(repeating: "a", count: 10_000)), count: 100))
        #expect(throws: JSONPathError.self) { try regexp.select(strings, workLimit: 1_000_000) }
    }

    /// Random changes to the Compliance Test Suite's queries: each is refused or evaluated, within the work limit.
    @Test func mutatedQueries() throws {
        let suite = try Fixtures.json("cts.json")
        let cases = try #require(suite["tests"]?.arrayValue)
        var random = SplitMix64(seed: 9535)
        let alphabet = Array("$@.[]()?*:,'\"\\!=<>&|-0123456789 abcdemnorstuvlhgi{}^".unicodeScalars) + ["\u{0}", "é", "😀"]
        var evaluated = 0
        for _ in 0..<20 {
            for testCase in cases {
                guard var scalars = testCase["selector"]?.stringValue.map({ Array($0.unicodeScalars) }) else { continue }
                for _ in 0...random.int(in: 0...3) {
                    let position = random.int(in: 0...scalars.count)
                    let scalar = alphabet[random.int(in: 0...(alphabet.count - 1))]
                    switch random.int(in: 0...2) {
                    case 0: scalars.insert(scalar, at: position)
                    case 1: if position < scalars.count { scalars[position] = scalar }
                    default: if position < scalars.count { scalars.remove(at: position) }
                    }
                }
                let text = String(String.UnicodeScalarView(scalars))
                guard let query = try? JSONPathQuery(text) else { continue }
                _ = try? query.nodes(testCase["document"] ?? cases[0]["document"] ?? .null, workLimit: 100_000)
                evaluated += 1
            }
        }
        #expect(evaluated > 500)
    }

    /// Random documents against every valid query of the Compliance Test Suite.
    @Test func randomDocuments() throws {
        let suite = try Fixtures.json("cts.json")
        let queries = try #require(suite["tests"]?.arrayValue).compactMap { testCase -> JSONPathQuery? in
            guard testCase["invalid_selector"] == nil, let text = testCase["selector"]?.stringValue else { return nil }
            return try? JSONPathQuery(text)
        }
        var generator = ValueGenerator(seed: 7)
        for _ in 0..<20 {
            let document = generator.value()
            for query in queries {
                let found = try query.nodes(document, workLimit: 1_000_000)
                #expect(found.map(\.value) == query.select(document))
            }
        }
    }
}
