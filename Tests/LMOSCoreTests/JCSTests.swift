import LMOSCore
import Testing

@Suite("JSON Canonicalization Scheme (RFC 8785)")
struct JCSTests {
    func canonical(_ value: JSONValue) throws -> String { text(try value.canonicalJSON()) }

    @Test("section 3.2.2: the sample input canonicalizes to the RFC's output, byte for byte")
    func rfcSample() throws {
        let input = try Fixtures.json("jcs-rfc8785-sample.json")
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(try canonical(input) == expected)
        #expect(try input.canonicalJSON() == Array(expected.utf8))
        // The same input written inline, as the RFC prints it.
        let inline = try JSONValue(
            parsing: #"""
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                  "literals": [null, true, false]
                }
                """#)
        #expect(try canonical(inline) == expected)
    }

    @Test("section 3.2.3: members are sorted by UTF-16 code units")
    func rfcSorting() throws {
        let input = try JSONValue(
            parsing: #"""
                {
                  "\u20ac": "Euro Sign",
                  "\r": "Carriage Return",
                  "\ufb33": "Hebrew Letter Dalet With Dagesh",
                  "1": "One",
                  "\ud83d\ude00": "Emoji: Grinning Face",
                  "\u0080": "Control",
                  "\u00f6": "Latin Small Letter O With Diaeresis"
                }
                """#)
        let canonicalText = try canonical(input)
        let expected =
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"\u{F6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20AC}\":\"Euro Sign\","
            + "\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(canonicalText == expected)
        // The values in the order the RFC lists them.
        let order = try JSONValue(parsing: canonicalText).objectValue?.members.map { $0.value.stringValue ?? "" }
        #expect(
            order == [
                "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
                "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh",
            ])
        // UTF-16 order differs from code point order for astral scalars: plain sortedKeys puts U+FB33 first.
        let pair: JSONValue = ["\u{FB33}": 1, "\u{1F600}": 2]
        #expect(try canonical(pair) == "{\"\u{1F600}\":2,\"\u{FB33}\":1}")
        #expect(pair.jsonString(options: .sortedKeys) == "{\"\u{FB33}\":1,\"\u{1F600}\":2}")
    }

    struct NumberVector: Sendable, CustomTestStringConvertible {
        let bits: UInt64
        let expected: String?
        var testDescription: String { "0x\(String(bits, radix: 16)) -> \(expected ?? "error")" }
    }

    static func appendixB() throws -> [NumberVector] {
        try Fixtures.vectors("jcs-rfc8785-appendix-b.json").map { vector in
            let digits = try #require(vector["bits"]?.stringValue)
            let bits = try #require(UInt64(digits, radix: 16))
            return NumberVector(bits: bits, expected: vector["expected"]?.stringValue)
        }
    }

    @Test("Appendix B: every sample number serializes as the RFC says", arguments: try appendixB())
    func appendixBNumbers(_ vector: NumberVector) throws {
        let value = JSONValue.double(Double(bitPattern: vector.bits))
        guard let expected = vector.expected else {
            let error = #expect(throws: CoreError.self) { try value.canonicalJSON() }
            #expect(error?.code == .notCanonicalizable)
            #expect(error?.location == .value(pointer: ""))
            return
        }
        #expect(try canonical(value) == expected)
        #expect(try canonical([value]) == "[\(expected)]")
        // The canonical text reads back as the same number and canonicalizes to itself.
        let reparsed = try JSONValue(parsing: expected)
        #expect(reparsed.doubleValue == Double(bitPattern: vector.bits))
        #expect(try canonical(reparsed) == expected)
    }

    @Test("the Appendix B fixture has all 26 RFC rows")
    func appendixBCount() throws {
        let vectors = try Fixtures.vectors("jcs-rfc8785-appendix-b.json")
        #expect(vectors.filter { $0["rfc"] == true }.count == 26)
    }

    @Test("1 000 random doubles serialize as an independent ECMAScript implementation writes them")
    func numberSample() throws {
        let vectors = try Fixtures.vectors("jcs-number-sample.json")
        #expect(vectors.count == 998)
        var mismatches: [String] = []
        for vector in vectors {
            let digits = try #require(vector[0]?.stringValue)
            let expected = try #require(vector[1]?.stringValue)
            let bits = try #require(UInt64(digits, radix: 16))
            let written = try canonical(.double(Double(bitPattern: bits)))
            if written != expected { mismatches.append("\(digits): \(written), expected \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("NaN and infinities are refused with the pointer to the member")
    func nonFinite() {
        let value: JSONValue = ["ok": 1, "list": [0, ["x": .double(.infinity)]]]
        let error = #expect(throws: CoreError.self) { try value.canonicalJSON() }
        #expect(error?.code == .notCanonicalizable)
        #expect(error?.location == .value(pointer: "/list/1/x"))
        #expect(throws: CoreError(.notCanonicalizable, at: .value(pointer: ""), "")) {
            try JSONValue.array([.double(.nan)]).canonicalJSON()
        }
        #expect(throws: CoreError(.notCanonicalizable, at: .value(pointer: ""), "")) {
            try JSONValue.double(-.infinity).canonicalJSON()
        }
    }

    @Test("integers beyond 2^53 without an exact double are refused, with an escaped JSON pointer")
    func inexactIntegers() {
        let value: JSONValue = ["a": [1, ["b~/": .integer((1 << 53) + 1)]]]
        let error = #expect(throws: CoreError.self) { try value.canonicalJSON() }
        #expect(error?.code == .notCanonicalizable)
        #expect(error?.location == .value(pointer: "/a/1/b~0~1"))
        #expect(error?.description.hasPrefix("not canonicalizable at /a/1/b~0~1: ") == true)
        let integers: [Int64] = [.max, (1 << 53) + 1, -(1 << 53) - 1, (1 << 60) + 1, 1_152_921_504_606_847_001]
        for integer in integers {
            let error = #expect(throws: CoreError.self) { try JSONValue.integer(integer).canonicalJSON() }
            #expect(error?.code == .notCanonicalizable, "\(integer)")
            #expect(error?.location == .value(pointer: ""), "\(integer)")
        }
    }

    @Test("integers with an exact double are written as ECMAScript writes that double")
    func exactIntegers() throws {
        #expect(try canonical(.integer(0)) == "0")
        #expect(try canonical(.integer(-42)) == "-42")
        #expect(try canonical(.integer(1 << 53)) == "9007199254740992")
        #expect(try canonical(.integer(-(1 << 53))) == "-9007199254740992")
        #expect(try canonical(.integer((1 << 53) + 2)) == "9007199254740994")
        #expect(try canonical(.integer(1_000_000_000_000_000_000)) == "1000000000000000000")
        // 2^60 is exact, but RFC 8785 section 3.2.2.3 writes numbers as ECMAScript's Number.prototype.toString
        // does: the shortest digits that identify the double, padded with zeros (Appendix B writes 2^68 as
        // 295147905179352830000). So 1152921504606846976 canonicalizes to 1152921504606847000.
        #expect(try canonical(.integer(1 << 60)) == "1152921504606847000")
        #expect(try canonical(.double(0x1p60)) == "1152921504606847000")
        #expect(try canonical(.integer(Int64.min)) == "-9223372036854776000")
    }

    @Test("integers and doubles of the same value canonicalize alike; -0 is 0")
    func numberForms() throws {
        #expect(try canonical(.integer(1)) == "1")
        #expect(try canonical(.double(1.0)) == "1")
        #expect(try canonical(.double(-0.0)) == "0")
        #expect(try canonical(.double(100)) == "100")
        #expect(try canonical(.double(1e21)) == "1e+21")
        #expect(try canonical(.double(1e20)) == "100000000000000000000")
        #expect(try canonical(.double(1e-7)) == "1e-7")
        #expect(try canonical(.double(1e-6)) == "0.000001")
        #expect(try canonical(.double(-1.5e-9)) == "-1.5e-9")
        #expect(try canonical(.double(123.456)) == "123.456")
        #expect(try canonical(JSONValue(parsing: "[1, 1.0, 1e0, 10e-1, 0.1e1]")) == "[1,1,1,1,1]")
    }

    @Test("strings: only quote, backslash and control characters are escaped")
    func strings() throws {
        let value: JSONValue = .string("\u{0}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1F}\"\\/\u{7F}\u{E9}\u{2028}\u{1F600}")
        let expected = #""\u0000\b\t\n\u000b\f\r\u001f\"\\/"# + "\u{7F}\u{E9}\u{2028}\u{1F600}\""
        #expect(try canonical(value) == expected)
    }

    @Test("no whitespace, nested objects sorted, arrays kept in order, member order irrelevant")
    func structure() throws {
        let value = try JSONValue(
            parsing: #"{ "b" : [ 3 , { "z" : null , "a" : true } , 1 ] , "a" : { "d" : "x" , "c" : [ ] } , "" : { } }"#)
        let expected = #"{"":{},"a":{"c":[],"d":"x"},"b":[3,{"a":true,"z":null},1]}"#
        #expect(try canonical(value) == expected)
        #expect(try canonical(value.reversingMemberOrder) == expected)
        #expect(try canonical(value.reversingMemberOrder.reversingMemberOrder) == expected)
        // Canonicalization does not reorder the value itself.
        #expect(value.objectValue?.keys == ["b", "a", ""])
    }

    @Test("canonical text is stable: parse -> canonicalize reproduces it")
    func stability() throws {
        let documents = [
            #"{"a":1,"b":2.5,"c":"x"}"#, #"[null,true,false,"",[],{}]"#, #"{"numbers":[1e+30,4.5,0.002,1e-27]}"#,
            "{\"\u{E9}\":[-0.5,1e+21,9007199254740992]}",
        ]
        for document in documents {
            #expect(try canonical(JSONValue(parsing: document)) == document)
        }
    }

    @Test("re-canonicalizing canonical text keeps it (RFC 8785 reads every number as a double)")
    func idempotence() throws {
        // A double in [2^53, 2^63) whose shortest digits are padded with zeros reads back as an integer without an
        // exact double; it is accepted because its own digits are already the canonical text of its double.
        let first = try canonical(.double(0x1p60))
        #expect(first == "1152921504606847000")
        #expect(try canonical(JSONValue(parsing: first)) == first)
        #expect(try canonical(.integer(1_152_921_504_606_847_000)) == first)
        let big = try canonical(.double(0x1p62 + 0x1p10))
        #expect(try canonical(JSONValue(parsing: big)) == big)
    }
}
