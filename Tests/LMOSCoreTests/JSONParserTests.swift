import LMOSCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    // MARK: Valid documents

    @Test("literals of every kind")
    func literals() throws {
        #expect(try JSONValue(parsing: "null") == .null)
        #expect(try JSONValue(parsing: "true") == .bool(true))
        #expect(try JSONValue(parsing: "false") == .bool(false))
        #expect(try JSONValue(parsing: "\"text\"") == .string("text"))
        #expect(try JSONValue(parsing: "\"\"") == .string(""))
        #expect(try JSONValue(parsing: "[]") == .array([]))
        #expect(try JSONValue(parsing: "{}") == .object(JSONObject()))
        #expect(try JSONValue(parsing: "42") == .integer(42))
        #expect(try JSONValue(parsing: "-2.5") == .double(-2.5))
    }

    @Test("nested arrays and objects keep structure and member order")
    func nesting() throws {
        let value = try JSONValue(parsing: #"{"z":[1,{"y":[[]],"x":{}},"s"],"a":{"b":{"c":null}}}"#)
        guard case .object(let top) = value else {
            Issue.record("expected an object, got \(value)")
            return
        }
        #expect(top.keys == ["z", "a"])
        #expect(value["z"] == .array([.integer(1), ["y": [[]], "x": [:]], .string("s")]))
        #expect(value["z"]?[1]?.objectValue?.keys == ["y", "x"])
        #expect(value["a"]?["b"]?["c"] == .null)
        #expect(value["a"]?["b"]?.objectValue?.contains("c") == true)
    }

    @Test("whitespace of all four kinds around and between tokens")
    func whitespace() throws {
        let value = try JSONValue(parsing: " \t\r\n{ \"a\" \n:\t[ 1 ,\r\n 2 ] } \n")
        #expect(value == ["a": [1, 2]])
    }

    @Test("escapes, including \\u with surrogate pairs")
    func escapes() throws {
        let value = try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00\u0000x""#)
        #expect(value == .string("\"\\/\u{8}\u{C}\n\r\tA\u{E9}\u{20AC}\u{1F600}\u{0}x"))
        #expect(value.stringValue?.unicodeScalars.count == 14)
        // Raw (unescaped) multi-byte UTF-8 is kept as is, before and after an escape.
        #expect(try JSONValue(parsing: "\"\u{E9}\u{1F600}\\n\u{6C34}\"") == .string("\u{E9}\u{1F600}\n\u{6C34}"))
        // Uppercase hex digits and the highest BMP and astral scalars.
        #expect(try JSONValue(parsing: #""\uFFFD\uDBFF\uDFFF""#) == .string("\u{FFFD}\u{10FFFF}"))
    }

    @Test("a leading byte-order mark is skipped")
    func byteOrderMark() throws {
        #expect(try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
        #expect(try JSONValue(parsing: "\u{FEFF}{\"a\":true}") == ["a": true])
        // Only at the very start: a BOM after whitespace is an unexpected byte.
        let error = parseError([0x20, 0xEF, 0xBB, 0xBF, 0x31])
        #expect(error?.code == .invalidJSON)
        #expect(error?.location == .text(line: 1, column: 2, offset: 1))
    }

    @Test("integers and doubles stay distinct")
    func integerDoubleDistinction() throws {
        #expect(try JSONValue(parsing: "1").typeName == "integer")
        #expect(try JSONValue(parsing: "1").jsonString() == "1")
        let cases: [(String, JSONValue)] = [
            ("1", .integer(1)), ("0", .integer(0)), ("-7", .integer(-7)),
            ("1.0", .double(1)), ("1e2", .double(100)), ("1E2", .double(100)), ("1e+2", .double(100)),
            ("1e-2", .double(0.01)), ("-0.5", .double(-0.5)), ("0.0", .double(0)), ("10.25e1", .double(102.5)),
        ]
        for (text, expected) in cases {
            let value = try JSONValue(parsing: text)
            #expect(value.typeName == expected.typeName, "\(text)")
            switch (value, expected) {
            case (.integer(let a), .integer(let b)): #expect(a == b, "\(text)")
            case (.double(let a), .double(let b)): #expect(a == b, "\(text)")
            default: Issue.record("\(text) parsed as \(value.typeName), expected \(expected.typeName)")
            }
        }
    }

    @Test("Int64 limits are exact; one beyond becomes a double")
    func integerLimits() throws {
        let max = try JSONValue(parsing: "9223372036854775807")
        let min = try JSONValue(parsing: "-9223372036854775808")
        #expect(max.typeName == "integer")
        #expect(max.integerValue == Int64.max)
        #expect(min.typeName == "integer")
        #expect(min.integerValue == Int64.min)
        #expect(min.jsonString() == "-9223372036854775808")

        let beyond = try JSONValue(parsing: "9223372036854775808")
        #expect(beyond.typeName == "number")
        #expect(beyond.doubleValue == 9_223_372_036_854_775_808.0)
        let below = try JSONValue(parsing: "-9223372036854775809")
        #expect(below.typeName == "number")
        #expect(below.doubleValue == -9_223_372_036_854_775_808.0)
        let huge = try JSONValue(parsing: "123456789012345678901234567890")
        #expect(huge.doubleValue == 1.2345678901234568e29)
    }

    @Test("-0 is the integer 0; -0.0 is a negative zero double")
    func negativeZero() throws {
        let integer = try JSONValue(parsing: "-0")
        guard case .integer(let zero) = integer else {
            Issue.record("-0 parsed as \(integer.typeName)")
            return
        }
        #expect(zero == 0)
        let double = try JSONValue(parsing: "-0.0")
        guard case .double(let negativeZero) = double else {
            Issue.record("-0.0 parsed as \(double.typeName)")
            return
        }
        #expect(negativeZero == 0)
        #expect(negativeZero.sign == .minus)
    }

    @Test("numbers at the edges of Double")
    func doubleEdges() throws {
        #expect(try JSONValue(parsing: "1.7976931348623157e308").doubleValue == .greatestFiniteMagnitude)
        #expect(try JSONValue(parsing: "5e-324").doubleValue == .leastNonzeroMagnitude)
        #expect(try JSONValue(parsing: "0.1").doubleValue == 0.1)
        // Underflow rounds to zero (it is still a finite number); only overflow is refused.
        #expect(try JSONValue(parsing: "1e-400") == .double(0))
        #expect(try JSONValue(parsing: "333333333.33333329").doubleValue == 333333333.3333333)
    }

    @Test("input as String, [UInt8], a slice and a non-contiguous collection gives the same value")
    func inputKinds() throws {
        let text = #"{"k":[1,2.5,"\u00e9"]}"#
        let expected: JSONValue = ["k": [1, 2.5, "\u{E9}"]]
        #expect(try JSONValue(parsing: text) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        let padded = Array("xx\(text)yy".utf8)
        #expect(try JSONValue(parsing: padded[2..<(padded.count - 2)]) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8).lazy.map { $0 }) == expected)
        #expect(try JSONValue(parsing: text.utf8) == expected)
    }

    @Test("objects larger than the hash-index threshold parse and look up correctly")
    func largeObject() throws {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try JSONValue(parsing: "{\(members)}")
        #expect(value.objectValue?.count == 40)
        #expect(value.objectValue?.keys == (0..<40).map { "k\($0)" })
        for index in 0..<40 { #expect(value["k\(index)"] == .integer(Int64(index))) }
        #expect(value["k40"] == nil)
    }

    // MARK: Errors with positions

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let input: [UInt8]
        let line: Int
        let column: Int
        let offset: Int
        let label: String

        init(_ text: String, _ line: Int, _ column: Int, _ offset: Int, _ label: String) {
            self.init(Array(text.utf8), line, column, offset, label)
        }

        init(_ input: [UInt8], _ line: Int, _ column: Int, _ offset: Int, _ label: String) {
            self.input = input
            self.line = line
            self.column = column
            self.offset = offset
            self.label = label
        }

        var testDescription: String { label }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(#"{"a":1,}"#, 1, 8, 7, "trailing comma in object"),
        ErrorCase("[1,]", 1, 4, 3, "trailing comma in array"),
        ErrorCase("// x\n1", 1, 1, 0, "line comment"),
        ErrorCase("/* x */ 1", 1, 1, 0, "block comment"),
        ErrorCase("{\"a\":1 // x\n}", 1, 8, 7, "comment after a member"),
        ErrorCase(#"{"a" 1}"#, 1, 6, 5, "missing colon"),
        ErrorCase(#"{"a":1 "b":2}"#, 1, 8, 7, "missing comma in object"),
        ErrorCase("[1 2]", 1, 4, 3, "missing comma in array"),
        ErrorCase("{a:1}", 1, 2, 1, "unquoted member name"),
        ErrorCase("{'a':1}", 1, 2, 1, "single-quoted member name"),
        ErrorCase("\"abc", 1, 1, 0, "unterminated string"),
        ErrorCase("[\n  \"abc", 2, 3, 4, "unterminated string on line 2"),
        ErrorCase("\"ab\\n", 1, 1, 0, "unterminated string with an escape"),
        ErrorCase("\"ab\\", 1, 1, 0, "unterminated string ending in a backslash"),
        ErrorCase("\"a\u{1}b\"", 1, 3, 2, "control character in string"),
        ErrorCase("\"a\nb\"", 1, 3, 2, "raw line feed in string"),
        ErrorCase("\"\\n\tb\"", 1, 4, 3, "raw tab after an escape"),
        ErrorCase(#""\x""#, 1, 3, 2, "unknown escape"),
        ErrorCase(#""\u12G4""#, 1, 6, 5, "bad hex digit in \\u escape"),
        ErrorCase(#""\u12"#, 1, 4, 3, "\\u escape cut short"),
        ErrorCase("01", 1, 1, 0, "leading zero"),
        ErrorCase("[-012]", 1, 3, 2, "leading zero after minus"),
        ErrorCase("00.5", 1, 1, 0, "leading zero before fraction"),
        ErrorCase("-", 1, 2, 1, "lone minus"),
        ErrorCase("-a", 1, 2, 1, "minus without digits"),
        ErrorCase("+1", 1, 1, 0, "plus sign"),
        ErrorCase(".5", 1, 1, 0, "no integer part"),
        ErrorCase("1.", 1, 3, 2, "no fraction digits"),
        ErrorCase("1.e3", 1, 3, 2, "no fraction digits before exponent"),
        ErrorCase("1e", 1, 3, 2, "no exponent digits"),
        ErrorCase("1e+", 1, 4, 3, "no exponent digits after sign"),
        ErrorCase(#""\ud800""#, 1, 2, 1, "lone high surrogate"),
        ErrorCase(#""x\udc00""#, 1, 3, 2, "lone low surrogate"),
        ErrorCase(#""\ud800\u0041""#, 1, 2, 1, "high surrogate followed by a non-surrogate"),
        ErrorCase(#""\ud800\ud800""#, 1, 2, 1, "two high surrogates"),
        ErrorCase(#""\ud800x""#, 1, 2, 1, "high surrogate followed by text"),
        ErrorCase([0x22, 0x61, 0xFF, 0x22], 1, 3, 2, "invalid UTF-8 byte in string"),
        ErrorCase([0x22, 0xC0, 0xAF, 0x22], 1, 2, 1, "overlong UTF-8 in string"),
        ErrorCase([0x22, 0xED, 0xA0, 0x80, 0x22], 1, 2, 1, "UTF-8 encoded surrogate in string"),
        ErrorCase([0x22, 0xE2, 0x82, 0x22], 1, 2, 1, "truncated UTF-8 sequence in string"),
        ErrorCase([0x22, 0x5C, 0x6E, 0xFF, 0x22], 1, 2, 1, "invalid UTF-8 after an escape"),
        ErrorCase([0xFF], 1, 1, 0, "invalid UTF-8 outside a string"),
        ErrorCase(#"{"a":1,"a":2}"#, 1, 8, 7, "duplicate member name"),
        ErrorCase(#"{"a":{"b":1,"b":1}}"#, 1, 13, 12, "duplicate member name in a nested object"),
        ErrorCase("1e999", 1, 1, 0, "number too large for a double"),
        ErrorCase("[1, -1e999]", 1, 5, 4, "negative number too large for a double"),
        ErrorCase("1 2", 1, 3, 2, "second value after the document"),
        ErrorCase("{} x", 1, 4, 3, "text after the document"),
        ErrorCase("[1]]", 1, 4, 3, "extra closing bracket"),
        ErrorCase("truex", 1, 5, 4, "literal followed by letters"),
        ErrorCase("", 1, 1, 0, "empty input"),
        ErrorCase("   \n ", 2, 2, 5, "only whitespace"),
        ErrorCase("[1,2", 1, 5, 4, "unterminated array"),
        ErrorCase(#"{"a":1"#, 1, 7, 6, "unterminated object"),
        ErrorCase(#"{"a":"#, 1, 6, 5, "member without value"),
        ErrorCase("tru", 1, 1, 0, "truncated literal"),
        ErrorCase("nul", 1, 1, 0, "truncated null"),
        ErrorCase("[True]", 1, 2, 1, "capitalised literal"),
        ErrorCase("NaN", 1, 1, 0, "NaN"),
        ErrorCase("[Infinity]", 1, 2, 1, "Infinity"),
        ErrorCase("{\n  \"a\": 1,\n  \"b\": tru\n}", 3, 8, 19, "error on line 3"),
        ErrorCase("[\"\u{E9}\u{1F600}\", x]", 1, 8, 11, "column counts Unicode scalars, offset counts bytes"),
    ]

    @Test("malformed input is refused with code, line, column and offset", arguments: errorCases)
    func errorPositions(_ errorCase: ErrorCase) {
        guard let error = parseError(errorCase.input) else { return }
        #expect(error.code == .invalidJSON)
        #expect(error.location == .text(line: errorCase.line, column: errorCase.column, offset: errorCase.offset))
        #expect(error.line == errorCase.line)
        #expect(error.column == errorCase.column)
        #expect(!error.reason.isEmpty)
    }

    @Test("errors compare by code, and describe position and reason")
    func errorEquality() {
        #expect(throws: CoreError(.invalidJSON, at: .byte(offset: 0), "")) {
            try JSONValue(parsing: "{\"a\":1,}")
        }
        let error = parseError(#"{"a":1,"a":2}"#)
        #expect(error?.description == #"invalid JSON at line 1, column 8: duplicate member name "a""#)
        #expect(error?.reason == #"duplicate member name "a""#)
        #expect(parseError("[1,]")?.description == "invalid JSON at line 1, column 4: unexpected ']', expected a value")
        #expect(parseError("{\"a\":1,}")?.reason == "trailing comma before '}'")
    }

    @Test("duplicate names are found past the hash-index threshold")
    func duplicateInLargeObject() {
        let members = (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let text = "{\(members),\"k3\":0}"
        let error = parseError(text)
        #expect(error?.code == .invalidJSON)
        #expect(error?.location == .text(line: 1, column: members.utf8.count + 3, offset: members.utf8.count + 2))
        #expect(error?.reason == #"duplicate member name "k3""#)
    }

    // MARK: Limits

    @Test("nesting deeper than maximumDepth gives limitExceeded")
    func depthLimit() throws {
        let limits = DecodingLimits(maximumDepth: 2)
        #expect(try JSONValue(parsing: "[[1]]", limits: limits) == [[1]])
        #expect(try JSONValue(parsing: #"{"a":{"b":1}}"#, limits: limits) == ["a": ["b": 1]])

        let arrays = parseError("[[[1]]]", limits: limits)
        #expect(arrays?.code == .limitExceeded)
        #expect(arrays?.location == .text(line: 1, column: 3, offset: 2))
        let objects = parseError(#"{"a":{"b":{}}}"#, limits: limits)
        #expect(objects?.code == .limitExceeded)
        #expect(objects?.location == .text(line: 1, column: 11, offset: 10))
        #expect(throws: CoreError(.limitExceeded, at: .byte(offset: 0), "")) {
            try JSONValue(parsing: "[{\"a\":[]}]", limits: limits)
        }
    }

    @Test("the default depth limit is 256 levels")
    func defaultDepth() throws {
        let deepest = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        var value = try JSONValue(parsing: deepest)
        var levels = 0
        while case .array(let elements) = value {
            levels += 1
            value = elements.first ?? .null
        }
        #expect(levels == 256)

        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        let error = parseError(tooDeep)
        #expect(error?.code == .limitExceeded)
        #expect(error?.location == .text(line: 1, column: 257, offset: 256))
        // Hostile depth far beyond the limit is refused, not a stack overflow.
        #expect(parseError(String(repeating: "[", count: 100_000))?.code == .limitExceeded)
        #expect(parseError(String(repeating: "{\"a\":", count: 100_000))?.code == .limitExceeded)
    }

    @Test("input larger than maximumSize gives limitExceeded")
    func sizeLimit() throws {
        let limits = DecodingLimits(maximumSize: 4)
        #expect(try JSONValue(parsing: "[12]", limits: limits) == [12])
        let error = parseError("[1,2]", limits: limits)
        #expect(error?.code == .limitExceeded)
        #expect(error?.location == .byte(offset: 4))
        // The size check comes before any parsing: even invalid text reports the limit.
        #expect(parseError("xxxxx", limits: limits)?.code == .limitExceeded)
    }

    @Test("DecodingLimits defaults")
    func limitDefaults() {
        #expect(DecodingLimits.default.maximumDepth == 256)
        #expect(DecodingLimits.default.maximumSize == 16 * 1024 * 1024)
        #expect(DecodingLimits() == .default)
    }
}
