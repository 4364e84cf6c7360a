import JSONPath
import LMOSCore
import Testing

/// The I-Regexp (RFC 9485) patterns of `match()` and `search()`, through the public API.
@Suite struct IRegexpTests {
    /// Whether `match(string, pattern)` holds.
    static func matches(_ pattern: String, _ string: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool
    {
        select("$[?match(@, \(quoted(pattern)))]", .array([.string(string)]), sourceLocation: sourceLocation)?.count
            == 1
    }

    /// Whether `search(string, pattern)` holds.
    static func searches(_ pattern: String, _ string: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> Bool
    {
        select("$[?search(@, \(quoted(pattern)))]", .array([.string(string)]), sourceLocation: sourceLocation)?.count
            == 1
    }

    static let matchCases: [(pattern: String, string: String, matches: Bool)] = [
        ("abc", "abc", true), ("abc", "abcd", false), ("abc", "xabc", false), ("", "", true), ("", "a", false),
        // "." is any scalar but \n and \r, and works on scalars, not grapheme clusters.
        ("a.b", "a😀b", true), ("a.b", "a\nb", false), ("a.b", "a\rb", false), ("a.b", "a\u{2028}b", true),
        ("a.b", "a\u{85}b", true), (".", "\r\n", false), ("..", "\r\n", false), ("e.", "e\u{301}", true),
        (".", "e\u{301}", false), ("é", "e\u{301}", false), ("e\u{301}", "e\u{301}", true),
        // Quantifiers.
        ("a*", "", true), ("a*", "aaa", true), ("a+", "", false), ("a+", "aa", true), ("a?b", "b", true),
        ("a?b", "aab", false), ("x{2}", "xx", true), ("x{2}", "xxx", false), ("x{2,3}", "xxx", true),
        ("x{2,3}", "xxxx", false), ("x{2,}", "xxxxxx", true), ("x{2,}", "x", false), ("x{0}", "", true),
        ("x{0,0}y", "y", true), ("(ab){2}", "abab", true), ("(a|bc)*d", "abcad", true), ("(a|bc)*d", "abd", false),
        ("(ab|cd)+", "abcdab", true), ("a|", "", true), ("|a", "a", true), ("()", "", true), ("(a*)*", "aaa", true),
        // Classes.
        ("[a-c]+", "abcabc", true), ("[a-c]", "d", false), ("[^a-c]", "d", true), ("[^a-c]", "a", false),
        ("[-a]+", "-a-", true), ("[a-]+", "-a-", true), ("[--]", "-", true), ("[.]", "x", false), ("[.]", ".", true),
        ("[\\]]", "]", true), ("[\\^]", "^", true), ("[a^]", "^", true), ("[^^]", "^", false), ("[\\n]", "\n", true),
        ("[\\p{Lu}a]+", "ABa", true), ("[\\P{L}]", "a", false), ("[\\P{L}]", "1", true), ("[^\\p{L}]", "1", true),
        ("[\\u0041]", "A", false), ("[$]", "$", true), ("[\\--\\.]", ",", false), ("[\\--\\.]", ".", true),
        ("[😀-😂]", "😁", true),
        // Unicode categories.
        ("\\p{L}+", "héllo", true), ("\\p{Lu}", "Ж", true), ("\\p{Lu}", "ж", false), ("\\P{Lu}", "ж", true),
        ("\\p{Nd}{3}", "١٢٣", true), ("\\p{N}", "½", true), ("\\p{Nd}", "½", false), ("\\p{Zs}", "\u{A0}", true),
        ("\\p{Sc}", "€", true), ("\\p{P}", "!", true), ("\\p{Pd}", "-", true), ("\\p{Cc}", "\u{7}", true),
        ("\\p{Co}", "\u{E000}", true), ("\\p{Cf}", "\u{200B}", true), ("\\p{Mn}", "\u{301}", true),
        ("\\p{M}", "\u{301}", true), ("\\p{S}", "+", true), ("\\p{Z}", "\u{2028}", true), ("\\p{C}", "\u{0}", true),
        // Escapes.
        ("a\\.c", "a.c", true), ("a\\.c", "abc", false), ("\\\\", "\\", true), ("\\n\\r\\t", "\n\r\t", true),
        ("\\(\\)\\*\\+\\?\\[\\]\\{\\}\\|\\-\\^", "()*+?[]{}|-^", true),
        // "^" and "$" assert the start and end (as the Compliance Test Suite expects); a literal "$" needs a class.
        ("^ab.*", "abc", true), (".*bc$", "abc", true), ("a^b", "ab", false), ("a$b", "ab", false),
        // Other characters are themselves.
        ("a,b-c/d:e;f<g=h>i@j_k`l~m", "a,b-c/d:e;f<g=h>i@j_k`l~m", true), ("'\"#%&!", "'\"#%&!", true),
    ]

    @Test(arguments: matchCases) func match(_ pattern: String, _ string: String, _ expected: Bool) {
        #expect(Self.matches(pattern, string) == expected, "match(\(string.debugDescription), \(pattern))")
    }

    static let searchCases: [(pattern: String, string: String, found: Bool)] = [
        ("b", "abc", true), ("d", "abc", false), ("", "abc", true), ("", "", true), ("^a", "ba", false),
        ("^a", "ab", true), ("c$", "abc", true), ("c$", "cab", false), ("b+c", "abbbcd", true), ("[0-9]{3}", "ab12c", false),
        ("[0-9]{3}", "ab123c", true), ("x|yz", "ayzb", true), ("\\p{Lu}", "жЖ", true), (".", "\n\r", false),
        (".", "\n\u{2029}\r", true),
    ]

    @Test(arguments: searchCases) func search(_ pattern: String, _ string: String, _ expected: Bool) {
        #expect(Self.searches(pattern, string) == expected, "search(\(string.debugDescription), \(pattern))")
    }

    /// Not I-Regexp: the functions are LogicalFalse (never an error, never a match), also when negated with `!`.
    static let invalidPatterns = [
        "\\d", "\\w", "\\s", "\\S", "\\D", "\\b", "\\1", "\\x41", "\\u0041", "\\$", "\\a", "\\", "(", ")", "a)", "(a",
        "[", "]", "[]", "[^]", "[a", "[z-a]", "[a-b-c]", "[[]", "[a-\\p{L}]", "*", "a**", "a+*", "a*?", "a{", "a{1",
        "a{,2}", "a{2,1}", "a{1}{2}", "{1}", "}", "a{x}", "(?:a)", "(?i)a", "\\p{IsBasicLatin}", "\\p{Foo}", "\\p{L",
        "\\p{Cs}", "\\pL", "a|*", "[\\d]", "[a-]b-]",
    ]

    @Test(arguments: invalidPatterns) func invalidPattern(_ pattern: String) throws {
        let document: JSONValue = ["", "a", "1", "\\", "d", "(", "{1}", "aa"]
        #expect(select("$[?match(@, \(quoted(pattern)))]", document) == [])
        #expect(select("$[?search(@, \(quoted(pattern)))]", document) == [])
        #expect(select("$[?!search(@, \(quoted(pattern)))]", document)?.count == document.arrayValue?.count)
    }

    /// Patterns from the document are compiled when evaluated, with the same rules.
    @Test func patternFromTheDocument() {
        let document = json(#"{"patterns": ["a.c", "\\d", "[", "(a*)*c"], "values": ["abc", "1", "aaaa"]}"#)
        #expect(select("$.values[?match(@, $.patterns[0])]", document) == ["abc"])
        #expect(select("$.values[?match(@, $.patterns[1])]", document) == [])
        #expect(select("$.values[?search(@, $.patterns[2])]", document) == [])
        #expect(select("$.values[?search(@, $.patterns[3])]", document) == ["abc"])
        #expect(select("$.values[?match(@, $.missing)]", document) == [])
        #expect(select("$.values[?match(@, $.values)]", document) == [])
    }

    /// Matching takes linear time: patterns that make backtracking engines exponential are instant.
    @Test(arguments: ["(a|a)*c", "(a*)*c", "(a+)+c", "(a|aa)*c", "(x+x+)+y", "(.*a){12}c", "(a?){30}a{30}c"])
    func noCatastrophicBacktracking(_ pattern: String) throws {
        let document = JSONValue.array([.string(String(repeating: "a", count: 3000))])
        let elapsed = try seconds {
            let query = try JSONPathQuery("$[?match(@, \(quoted(pattern))) || search(@, \(quoted(pattern)))]")
            #expect(query.select(document) == [])
        }
        #expect(elapsed < 5, "\(pattern) took \(elapsed) s")
    }

    /// Counted repetitions that would compile to a huge automaton are refused when literal and LogicalFalse when
    /// they come from the document.
    @Test func oversizedPatterns() {
        #expect(parseError("$[?match(@, '(a{1000}){1000}')]")?.code == .limitExceeded)
        #expect(parseError("$[?search(@, 'a{20001}')]")?.code == .limitExceeded)
        #expect(parseError("$[?search(@, '" + String(repeating: "(", count: 100) + String(repeating: ")", count: 100) + "')]")?.code == .limitExceeded)
        #expect(select("$[?match(@, '(){20000}(){20000}((){20000}){20000}')]", ["", "a"]) == [""])
        let document = json(#"{"p": "(a{1000}){1000}", "v": ["a"]}"#)
        #expect(select("$.v[?match(@, $.p)]", document) == [])
        #expect(select("$.v[?!match(@, $.p)]", document) == ["a"])
    }
}
