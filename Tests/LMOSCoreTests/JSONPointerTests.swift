import LMOSCore
import Testing

@Suite("JSON Pointer (RFC 6901)")
struct JSONPointerTests {
    @Test("~1 is / and ~0 is ~ in both directions")
    func escaping() {
        let pointer = JSONPointer("/a~1b/m~0n/~01/plain")
        #expect(pointer.tokens == ["a/b", "m~n", "~1", "plain"])
        #expect(pointer.description == "/a~1b/m~0n/~01/plain")
        #expect(JSONPointer(tokens: ["~/", "/~", "~0"]).description == "/~0~1/~1~0/~00")
        #expect(JSONPointer(JSONPointer(tokens: ["~/", "/~", "~0"]).description).tokens == ["~/", "/~", "~0"])
    }

    @Test("root, empty tokens and strings without a leading slash")
    func parsing() {
        #expect(JSONPointer("").tokens == [])
        #expect(JSONPointer("") == .root)
        #expect(JSONPointer.root.description == "")
        #expect(JSONPointer("/").tokens == [""])
        #expect(JSONPointer("//").tokens == ["", ""])
        #expect(JSONPointer("/a/").tokens == ["a", ""])
        #expect(JSONPointer("/\u{E9}/\u{1F600}").tokens == ["\u{E9}", "\u{1F600}"])
        // Without a leading "/" the whole string is one token (as documented), escapes still apply.
        #expect(JSONPointer("name").tokens == ["name"])
        #expect(JSONPointer("a/b").tokens == ["a/b"])
        #expect(JSONPointer("a~1b").tokens == ["a/b"])
        #expect(JSONPointer("a/b").description == "/a~1b")
    }

    @Test("escaping works on Unicode scalars: a / or ~ followed by a combining mark is still escaped")
    func combiningMarks() {
        let pointer = JSONPointer(tokens: ["a/\u{301}", "~\u{301}", "\u{E9}"])
        #expect(Array(pointer.description.unicodeScalars) == Array("/a~1\u{301}/~0\u{301}/\u{E9}".unicodeScalars))
        #expect(JSONPointer(pointer.description).tokens.map { Array($0.unicodeScalars) } == pointer.tokens.map {
            Array($0.unicodeScalars)
        })
        // A "/" followed by a combining mark separates tokens.
        let split = JSONPointer("/x/\u{301}")
        #expect(split.tokens.map { Array($0.unicodeScalars) } == [["x"], ["\u{301}"]])
        let unescaped = JSONPointer("/x~1\u{301}")
        #expect(unescaped.tokens.map { Array($0.unicodeScalars) } == [["x", "/", "\u{301}"]])
        let value: JSONValue = ["a/\u{301}": 1]
        #expect(value[pointer: JSONPointer("/a~1\u{301}")] == 1)
        #expect(value[pointer: JSONPointer("/a/\u{301}")] == nil)
    }

    @Test("appending tokens and indices, string literals, equality")
    func building() {
        let pointer = JSONPointer.root.appending("actions").appending("get/weather").appending(0).appending("href")
        #expect(pointer.description == "/actions/get~1weather/0/href")
        #expect(pointer.tokens == ["actions", "get/weather", "0", "href"])
        let literal: JSONPointer = "/actions/get~1weather/0/href"
        #expect(literal == pointer)
        #expect(literal.hashValue == pointer.hashValue)
        #expect(JSONPointer("/a") != JSONPointer("/b"))
        #expect("\(pointer)" == "/actions/get~1weather/0/href")
    }

    /// The document of RFC 6901 section 5.
    static let document = json(
        #"""
        {
          "foo": ["bar", "baz"],
          "": 0,
          "a/b": 1,
          "c%d": 2,
          "e^f": 3,
          "g|h": 4,
          "i\\j": 5,
          "k\"l": 6,
          " ": 7,
          "m~n": 8
        }
        """#)

    @Test(
        "section 5: every example pointer resolves to the RFC's value",
        arguments: [
            ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1), ("/c%d", 2), ("/e^f", 3),
            ("/g|h", 4), (#"/i\j"#, 5), (#"/k"l"#, 6), ("/ ", 7), ("/m~0n", 8),
        ] as [(String, JSONValue)])
    func rfcExamples(_ pointer: String, _ expected: JSONValue) {
        #expect(Self.document[pointer: JSONPointer(pointer)] == expected)
    }

    @Test("the root pointer is the whole document")
    func rootLookup() {
        #expect(Self.document[pointer: .root] == Self.document)
        #expect(JSONValue.integer(5)[pointer: ""] == 5)
    }

    @Test("lookups that name nothing give nil")
    func misses() {
        let document = Self.document
        #expect(document[pointer: "/missing"] == nil)
        #expect(document[pointer: "/foo/2"] == nil, "past the end")
        #expect(document[pointer: "/foo/-"] == nil, "the append position names no element")
        #expect(document[pointer: "/foo/01"] == nil, "leading zero")
        #expect(document[pointer: "/foo/-1"] == nil)
        #expect(document[pointer: "/foo/+1"] == nil)
        #expect(document[pointer: "/foo/ 1"] == nil)
        #expect(document[pointer: "/foo/0/x"] == nil, "into a string")
        #expect(document[pointer: "/a~1b/x"] == nil, "into a number")
        #expect(document[pointer: "/a/b"] == nil, "an unescaped slash is two tokens")
    }

    @Test("a tilde not followed by 0 or 1 is read leniently, as itself")
    func lenientTilde() {
        #expect(JSONPointer("/m~n").tokens == ["m~n"])
        #expect(Self.document[pointer: "/m~n"] == 8)
        #expect(JSONPointer("/~").tokens == ["~"])
    }

    @Test("lookups into nested arrays and objects, and null members")
    func nested() {
        let value: JSONValue = ["a": [["b": [10, 20]], nil], "n": nil]
        #expect(value[pointer: "/a/0/b/1"] == 20)
        #expect(value[pointer: "/a/1"] == .null)
        #expect(value[pointer: "/n"] == .null)
        #expect(value[pointer: "/n/x"] == nil)
        #expect(value[pointer: "/a/0/b/10"] == nil)
    }
}
