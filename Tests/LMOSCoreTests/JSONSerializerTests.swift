import LMOSCore
import Testing

@Suite("JSON serializer")
struct JSONSerializerTests {
    @Test("compact output")
    func compact() {
        let value: JSONValue = [
            "a": [1, 2.5, "x", nil, true, false, [:], []],
            "b": ["c": [], "d": -3],
        ]
        #expect(value.jsonString() == #"{"a":[1,2.5,"x",null,true,false,{},[]],"b":{"c":[],"d":-3}}"#)
        #expect(value.jsonBytes() == Array(value.jsonString().utf8))
        #expect(value.description == value.jsonString())
        #expect(JSONValue.null.jsonString() == "null")
        #expect(JSONValue.bool(true).jsonString() == "true")
        #expect(JSONValue.string("").jsonString() == #""""#)
        #expect(JSONValue.array([]).jsonString() == "[]")
        #expect(JSONValue.object(JSONObject()).jsonString() == "{}")
    }

    @Test("pretty output: two-space indentation, space after colon, final newline")
    func pretty() {
        let value: JSONValue = ["a": [1, 2.5], "b": [:], "c": [], "d": ["e": nil, "f": [["g": "h"]]]]
        let expected = """
            {
              "a": [
                1,
                2.5
              ],
              "b": {},
              "c": [],
              "d": {
                "e": null,
                "f": [
                  {
                    "g": "h"
                  }
                ]
              }
            }

            """
        #expect(value.jsonString(options: .prettyPrinted) == expected)
        #expect(JSONValue.integer(1).jsonString(options: .prettyPrinted) == "1\n")
        #expect(JSONValue.array([]).jsonString(options: .prettyPrinted) == "[]\n")
        #expect(JSONValue.array([.null]).jsonString(options: .prettyPrinted) == "[\n  null\n]\n")
    }

    @Test("member order is kept as inserted or read")
    func keyOrder() throws {
        let text = #"{"zebra":1,"apple":2,"mango":{"y":1,"b":2,"x":3},"banana":4}"#
        #expect(try JSONValue(parsing: text).jsonString() == text)

        var object = JSONObject()
        object["c"] = 1
        object["a"] = 2
        object["b"] = 3
        #expect(JSONValue.object(object).jsonString() == #"{"c":1,"a":2,"b":3}"#)
    }

    @Test("sortedKeys orders names by code point, recursively, and combines with prettyPrinted")
    func sortedKeys() throws {
        let value = try JSONValue(parsing: #"{"b":1,"a":{"z":true,"\u00e9":2,"Z":3},"\ud83d\ude00":4,"\uff01":5,"":6}"#)
        #expect(
            value.jsonString(options: .sortedKeys)
                == "{\"\":6,\"a\":{\"Z\":3,\"z\":true,\"\u{E9}\":2},\"b\":1,\"\u{FF01}\":5,\"\u{1F600}\":4}")
        // The original order is untouched.
        #expect(value.objectValue?.keys == ["b", "a", "\u{1F600}", "\u{FF01}", ""])
        #expect(
            (["b": 1, "a": [2]] as JSONValue).jsonString(options: [.sortedKeys, .prettyPrinted])
                == "{\n  \"a\": [\n    2\n  ],\n  \"b\": 1\n}\n")
    }

    @Test(
        "doubles keep a fraction or exponent so they read back as doubles",
        arguments: [
            (1.0, "1.0"), (-1.0, "-1.0"), (0.0, "0.0"), (-0.0, "-0.0"), (1e21, "1e+21"),
            (1e20, "100000000000000000000.0"), (0.1, "0.1"), (1e-7, "1e-7"), (1e-6, "0.000001"), (123.0, "123.0"),
            (123.456, "123.456"), (-1.5, "-1.5"), (.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (0x1p53, "9007199254740992.0"),
            (0x1p60, "1152921504606847000.0"), (1.5e300, "1.5e+300"), (2.5e-10, "2.5e-10"), (100.0, "100.0"),
            (0.000001234, "0.000001234"), (-3.0e-5, "-0.00003"),
        ] as [(Double, String)])
    func doubles(_ value: Double, _ expected: String) throws {
        #expect(JSONValue.double(value).jsonString() == expected)
        let reparsed = try JSONValue(parsing: expected)
        guard case .double(let double) = reparsed else {
            Issue.record("\(expected) read back as \(reparsed.typeName)")
            return
        }
        #expect(double == value)
        #expect(double.sign == value.sign)
    }

    @Test("non-finite doubles, which JSON cannot express, are written as null")
    func nonFinite() {
        #expect(JSONValue.double(.infinity).jsonString() == "null")
        #expect(JSONValue.double(-.infinity).jsonString() == "null")
        #expect(JSONValue.double(.nan).jsonString() == "null")
        #expect(JSONValue.array([.double(.nan), 1]).jsonString() == "[null,1]")
    }

    @Test("integers are exact")
    func integers() {
        #expect(JSONValue.integer(0).jsonString() == "0")
        #expect(JSONValue.integer(-1).jsonString() == "-1")
        #expect(JSONValue.integer(Int64.max).jsonString() == "9223372036854775807")
        #expect(JSONValue.integer(Int64.min).jsonString() == "-9223372036854775808")
        #expect(JSONValue.integer(1 << 60).jsonString() == "1152921504606846976")
        #expect(JSONValue.integer((1 << 53) + 1).jsonString() == "9007199254740993")
        #expect(JSONValue.integer(10_000_000_000).jsonString() == "10000000000")
    }

    @Test("strings escape quote, backslash and control characters (lowercase hex), nothing else")
    func escaping() {
        #expect(JSONValue.string("a\"b\\c").jsonString() == #""a\"b\\c""#)
        #expect(JSONValue.string("\u{8}\u{9}\u{A}\u{C}\u{D}").jsonString() == #""\b\t\n\f\r""#)
        let controls = JSONValue.string("\u{0}\u{1}\u{B}\u{E}\u{1A}\u{1F}")
        #expect(controls.jsonString() == #""\u0000\u0001\u000b\u000e\u001a\u001f""#)
        // Solidus, DEL, U+2028/U+2029 and non-ASCII are written raw.
        #expect(JSONValue.string("/\u{7F}\u{2028}\u{2029}").jsonString() == "\"/\u{7F}\u{2028}\u{2029}\"")
        let unicode = "\u{FC}\u{6C34}\u{1F600}\u{10151}e\u{301}"
        #expect(JSONValue.string(unicode).jsonBytes() == [0x22] + Array(unicode.utf8) + [0x22])
        #expect(JSONValue.string(" !#~").jsonString() == "\" !#~\"")
        // Member names are escaped the same way.
        #expect((["a\"\n": 1] as JSONValue).jsonString() == #"{"a\"\n":1}"#)
    }

    @Test("every control character has its escape")
    func allControlCharacters() throws {
        let short: [UInt8: String] = [8: #"\b"#, 9: #"\t"#, 10: #"\n"#, 12: #"\f"#, 13: #"\r"#]
        for code in UInt8(0)..<0x20 {
            let string = String(Unicode.Scalar(code))
            let expected = short[code] ?? "\\u00" + hex([code])
            #expect(JSONValue.string(string).jsonString() == "\"\(expected)\"")
            #expect(try JSONValue(parsing: "\"\(expected)\"") == .string(string))
        }
    }

    static let roundTripDocuments = [
        "null", "true", "false", "0", "-0.0", "1.0", "1e+21", "-9223372036854775808", "9223372036854775807",
        "9223372036854776000.0", "5e-324", "\"\"", "\"\\u0000\\u001f\\\"\\\\/\"", "[]", "{}", "[[[]]]",
        #"{"a":{"b":{"c":[1,2.0,"3",null,true,false]}}}"#,
        #"{"z":1,"y":2,"x":3,"w":4,"v":5,"u":6,"t":7,"s":8,"r":9,"q":10,"p":11,"o":12,"n":13,"m":14}"#,
        #"[0.1,0.2,0.30000000000000004,1e-7,123456789.123,-1.7976931348623157e+308]"#,
        "[\"\u{E9}\u{6C34}\u{1F600}\u{301}\",\"\\b\\f\\n\\r\\t\"]",
        #"{"@context":"https://www.w3.org/2022/wot/td/v1.1","id":"urn:uuid:0804d572","properties":{"status":{"type":"string","forms":[{"href":"https://example.com/status"}]}},"security":["nosec_sc"]}"#,
    ]

    @Test("parse -> serialize -> parse gives an equal value and identical text", arguments: roundTripDocuments)
    func roundTrip(_ document: String) throws {
        let first = try JSONValue(parsing: document)
        let written = first.jsonString()
        #expect(written == document)
        let second = try JSONValue(parsing: written)
        #expect(second == first)
        #expect(second.jsonBytes() == first.jsonBytes())
        let pretty = first.jsonString(options: .prettyPrinted)
        let fromPretty = try JSONValue(parsing: pretty)
        #expect(fromPretty == first)
        #expect(fromPretty.jsonString() == written)
    }

    @Test("documents with insignificant whitespace and alternative number forms normalise")
    func normalisation() throws {
        let value = try JSONValue(parsing: " { \"a\" : [ 1E2 , 4.50 , -0 , 2e-3 , \"\\u0041\\/\" ] } ")
        #expect(value.jsonString() == #"{"a":[100.0,4.5,0,0.002,"A/"]}"#)
    }
}
