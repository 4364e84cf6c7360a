import LMOSCore
import Testing

@Suite("CBOR encoder and decoder")
struct CBORTests {
    // MARK: RFC 8949 Appendix A

    struct Vector: Sendable, CustomTestStringConvertible {
        let diagnostic: String
        let hex: String
        let json: String?
        let deterministic: Bool
        let error: String?

        var testDescription: String { "\(diagnostic) = \(hex)" }
    }

    static func appendixA() throws -> [Vector] {
        try Fixtures.vectors("cbor-rfc8949-appendix-a.json").map { vector in
            Vector(
                diagnostic: try #require(vector["diagnostic"]?.stringValue),
                hex: try #require(vector["hex"]?.stringValue),
                json: vector["json"]?.stringValue,
                deterministic: vector["deterministic"]?.boolValue ?? false,
                error: vector["error"]?.stringValue)
        }
    }

    @Test("the fixture holds all 81 examples of RFC 8949 Appendix A")
    func appendixACount() throws {
        let vectors = try Self.appendixA()
        #expect(vectors.count == 81)
        #expect(vectors.filter(\.deterministic).count == 45)
        #expect(vectors.filter { $0.error != nil }.count == 3)
    }

    @Test("JSONValue(cbor:) decodes each Appendix A example to its JSON equivalent", arguments: try appendixA())
    func decodeAppendixA(_ vector: Vector) throws {
        let input = bytes(hex: vector.hex)
        if let code = vector.error {
            let error = cborError(input)
            #expect(error?.code == .unsupportedCBOR)
            #expect(code == "unsupportedCBOR")
            return
        }
        let expectedText = try #require(vector.json)
        let decoded = try JSONValue(cbor: input)
        #expect(decoded.jsonString() == expectedText)
        #expect(decoded == (try JSONValue(parsing: expectedText)))
    }

    @Test(
        "cborBytes() reproduces the preferred encoding of each deterministic Appendix A example",
        arguments: try appendixA().filter(\.deterministic))
    func encodeAppendixA(_ vector: Vector) throws {
        let value = try JSONValue(parsing: try #require(vector.json))
        #expect(hex(value.cborBytes()) == vector.hex)
    }

    @Test("tags are read and their content kept")
    func tags() throws {
        let date = bytes(hex: "c074323031332d30332d32315432303a30343a30305a")
        #expect(try JSONValue(cbor: date) == "2013-03-21T20:04:00Z")
        #expect(try JSONValue(cbor: bytes(hex: "c11a514b67b0")) == .integer(1_363_896_240))
        #expect(try JSONValue(cbor: bytes(hex: "d9d9f7 c0 820102")) == [1, 2], "nested tags (55799 self-describe)")
        #expect(try JSONValue(cbor: bytes(hex: "a1 6161 c1 f93c00")) == ["a": 1.0])
    }

    @Test("non-preferred but well-formed encodings decode")
    func lenientDecoding() throws {
        #expect(try JSONValue(cbor: bytes(hex: "1800")) == .integer(0))
        #expect(try JSONValue(cbor: bytes(hex: "1b0000000000000001")) == .integer(1))
        #expect(try JSONValue(cbor: bytes(hex: "3b7fffffffffffffff")) == .integer(Int64.min))
        #expect(try JSONValue(cbor: bytes(hex: "1b7fffffffffffffff")) == .integer(Int64.max))
        #expect(try JSONValue(cbor: bytes(hex: "1b8000000000000000")).jsonString() == "9223372036854776000.0")
        let single = try JSONValue(cbor: bytes(hex: "fa3f800000"))
        #expect(single.jsonString() == "1.0")
        #expect(try JSONValue(cbor: bytes(hex: "fb3ff0000000000000")).jsonString() == "1.0")
        #expect(try JSONValue(cbor: bytes(hex: "7f ff")) == "")
        #expect(try JSONValue(cbor: bytes(hex: "5f ff")) == "")
        #expect(try JSONValue(cbor: bytes(hex: "bf ff")) == [:])
        #expect(try JSONValue(cbor: bytes(hex: "7f 6161 60 6162 ff")) == "ab")
    }

    // MARK: Encoder

    @Test(
        "integers use the shortest head",
        arguments: [
            (0, "00"), (23, "17"), (24, "1818"), (255, "18ff"), (256, "190100"), (65535, "19ffff"),
            (65536, "1a00010000"), (4_294_967_295, "1affffffff"), (4_294_967_296, "1b0000000100000000"),
            (Int64.max, "1b7fffffffffffffff"), (-1, "20"), (-24, "37"), (-25, "3818"), (-256, "38ff"),
            (-257, "390100"), (-65537, "3a00010000"), (Int64.min, "3b7fffffffffffffff"),
        ] as [(Int64, String)])
    func integerHeads(_ value: Int64, _ expected: String) throws {
        #expect(hex(JSONValue.integer(value).cborBytes()) == expected)
        #expect(try JSONValue(cbor: bytes(hex: expected)) == .integer(value))
    }

    @Test(
        "doubles use the shortest float that keeps the value",
        arguments: [
            (0.5, "f93800"), (3.0, "f94200"), (-0.0, "f98000"), (65504, "f97bff"), (65505, "fa477fe100"),
            (6.103515625e-05, "f90400"), (6.097555160522461e-05, "f903ff"), (5.960464477539063e-8, "f90001"),
            (2.9802322387695312e-08, "fa33000000"), (0.1, "fb3fb999999999999a"), (1.0 / 3, "fb3fd5555555555555"),
            (Double(Float.leastNonzeroMagnitude), "fa00000001"), (.leastNonzeroMagnitude, "fb0000000000000001"),
            (Double(Float.greatestFiniteMagnitude), "fa7f7fffff"), (0x1p128, "fb47f0000000000000"),
            (1e300, "fb7e37e43c8800759c"), (-4.1, "fbc010666666666666"), (131072.0, "fa48000000"),
        ] as [(Double, String)])
    func floatWidths(_ value: Double, _ expected: String) throws {
        #expect(hex(JSONValue.double(value).cborBytes()) == expected)
        let decoded = try JSONValue(cbor: bytes(hex: expected))
        guard case .double(let double) = decoded else {
            Issue.record("\(expected) decoded as \(decoded.typeName)")
            return
        }
        #expect(double == value)
        #expect(double.sign == value.sign)
    }

    @Test("non-finite doubles encode as half floats and decode as null")
    func nonFinite() throws {
        #expect(hex(JSONValue.double(.infinity).cborBytes()) == "f97c00")
        #expect(hex(JSONValue.double(-.infinity).cborBytes()) == "f9fc00")
        #expect(hex(JSONValue.double(.nan).cborBytes()) == "f97e00")
        #expect(try JSONValue(cbor: JSONValue.double(.nan).cborBytes()) == .null)
    }

    @Test("strings are definite-length UTF-8 text, arrays and maps definite-length")
    func containers() {
        let text24 = JSONValue.string(String(repeating: "x", count: 24))
        #expect(hex(text24.cborBytes()) == "7818" + String(repeating: "78", count: 24))
        #expect(hex(JSONValue.string("\u{0}").cborBytes()) == "6100")
        let array24 = JSONValue.array(Array(repeating: .null, count: 24))
        #expect(hex(array24.cborBytes()) == "9818" + String(repeating: "f6", count: 24))
        #expect(hex((["a": [nil, true, false]] as JSONValue).cborBytes()) == "a1616183f6f5f4")
    }

    @Test("map keys are sorted shorter first, then bytewise (RFC 8949 section 4.2.1)")
    func deterministicMapOrder() throws {
        #expect(hex((["b": 1, "a": 2, "aa": 3] as JSONValue).cborBytes()) == "a3" + "616102" + "616201" + "62616103")
        let nonASCII: JSONValue = ["\u{E9}": 1, "zz": 2, "z": 3]
        #expect(hex(nonASCII.cborBytes()) == "a3" + "617a03" + "627a7a02" + "62c3a901")
        let key23 = String(repeating: "z", count: 23)
        let key24 = String(repeating: "a", count: 24)
        var object = JSONObject()
        object[key24] = 2
        object[key23] = 1
        let expected =
            "a2" + "77" + String(repeating: "7a", count: 23) + "01" + "7818" + String(repeating: "61", count: 24) + "02"
        #expect(hex(JSONValue.object(object).cborBytes()) == expected)
        // Nested maps are sorted too; arrays keep their order.
        let nested = try JSONValue(parsing: #"{"b":{"d":1,"c":2},"a":[{"y":1,"x":2}]}"#)
        #expect(hex(nested.cborBytes()) == "a2" + "6161" + "81a2617802617901" + "6162" + "a2616302616401")
        // The encoding does not depend on member order.
        #expect(nested.cborBytes() == nested.reversingMemberOrder.cborBytes())
    }

    // MARK: Decoder refusals

    struct Refusal: Sendable, CustomTestStringConvertible {
        let hex: String
        let code: CoreError.Code
        let offset: Int
        let label: String

        init(_ hex: String, _ code: CoreError.Code, _ offset: Int, _ label: String) {
            self.hex = hex
            self.code = code
            self.offset = offset
            self.label = label
        }

        var testDescription: String { "\(label) (\(hex))" }
    }

    static let refusals: [Refusal] = [
        Refusal("", .invalidCBOR, 0, "empty input"),
        Refusal("19 03", .invalidCBOR, 1, "argument cut short"),
        Refusal("1b 00000000", .invalidCBOR, 1, "8-byte argument cut short"),
        Refusal("64 4945", .invalidCBOR, 0, "text shorter than its length"),
        Refusal("83 01 02", .invalidCBOR, 0, "array count beyond the bytes left"),
        Refusal("82 1903e8", .invalidCBOR, 4, "array missing an element"),
        Refusal("9f 01", .invalidCBOR, 2, "indefinite array without break"),
        Refusal("a1 6161", .invalidCBOR, 3, "map key without value"),
        Refusal("f8", .invalidCBOR, 1, "simple value cut short"),
        Refusal("62 c328", .invalidCBOR, 0, "invalid UTF-8 in text"),
        Refusal("82 01 61ff", .invalidCBOR, 2, "invalid UTF-8 in nested text"),
        Refusal("63 eda080", .invalidCBOR, 0, "UTF-8 encoded surrogate in text"),
        Refusal("7f 61c3 61bc ff", .invalidCBOR, 1, "UTF-8 sequence split across text chunks"),
        Refusal("7f 4161 ff", .invalidCBOR, 1, "byte string chunk in text string"),
        Refusal("5f 6161 ff", .invalidCBOR, 1, "text chunk in byte string"),
        Refusal("7f 7fff ff", .invalidCBOR, 1, "indefinite chunk inside indefinite string"),
        Refusal("7f 01 ff", .invalidCBOR, 1, "integer chunk in text string"),
        Refusal("a2 6161 01 6161 02", .invalidCBOR, 4, "duplicate map key"),
        Refusal("bf 6161 01 6161 02 ff", .invalidCBOR, 4, "duplicate key in indefinite map"),
        Refusal("a1 01 02", .unsupportedCBOR, 1, "integer map key"),
        Refusal("a1 4161 02", .unsupportedCBOR, 1, "byte string map key"),
        Refusal("a2 6161 01 f6 02", .unsupportedCBOR, 4, "null map key"),
        Refusal("a1 c0 6161 01", .unsupportedCBOR, 1, "tagged text map key"),
        Refusal("a1 80 01", .unsupportedCBOR, 1, "array map key"),
        Refusal("1c", .invalidCBOR, 0, "reserved additional information 28"),
        Refusal("1d", .invalidCBOR, 0, "reserved additional information 29"),
        Refusal("1e", .invalidCBOR, 0, "reserved additional information 30"),
        Refusal("3c", .invalidCBOR, 0, "reserved 28 on a negative integer"),
        Refusal("5d", .invalidCBOR, 0, "reserved 29 on a byte string"),
        Refusal("7e", .invalidCBOR, 0, "reserved 30 on a text string"),
        Refusal("9c", .invalidCBOR, 0, "reserved 28 on an array"),
        Refusal("bd", .invalidCBOR, 0, "reserved 29 on a map"),
        Refusal("de", .invalidCBOR, 0, "reserved 30 on a tag"),
        Refusal("fc", .invalidCBOR, 0, "reserved 28 in major type 7"),
        Refusal("fd", .invalidCBOR, 0, "reserved 29 in major type 7"),
        Refusal("fe", .invalidCBOR, 0, "reserved 30 in major type 7"),
        Refusal("82 00 1c", .invalidCBOR, 2, "reserved additional information inside an array"),
        Refusal("ff", .invalidCBOR, 0, "break on its own"),
        Refusal("81 ff", .invalidCBOR, 1, "break in a definite array"),
        Refusal("82 01 ff", .invalidCBOR, 2, "break in place of the last element"),
        Refusal("a1 6161 ff", .invalidCBOR, 3, "break in place of a map value"),
        Refusal("bf 6161 ff", .invalidCBOR, 3, "break after a key in an indefinite map"),
        Refusal("1f", .invalidCBOR, 0, "indefinite unsigned integer"),
        Refusal("3f", .invalidCBOR, 0, "indefinite negative integer"),
        Refusal("df 00", .invalidCBOR, 0, "indefinite tag"),
        Refusal("00 00", .invalidCBOR, 1, "trailing byte"),
        Refusal("80 80", .invalidCBOR, 1, "second item"),
        Refusal("9fff 00", .invalidCBOR, 2, "trailing byte after indefinite array"),
        Refusal("5b ffffffffffffffff", .invalidCBOR, 0, "huge byte string length"),
        Refusal("7b ffffffffffffffff", .invalidCBOR, 0, "huge text length"),
        Refusal("9b ffffffffffffffff", .invalidCBOR, 0, "huge array length"),
        Refusal("bb ffffffffffffffff", .invalidCBOR, 0, "huge map length"),
        Refusal("5b 7fffffffffffffff", .invalidCBOR, 0, "byte string length Int64.max"),
        Refusal("9a ffffffff 00", .invalidCBOR, 0, "array length beyond the input"),
        Refusal("5f 5bffffffffffffffff ff", .invalidCBOR, 1, "huge chunk length"),
        Refusal("f0", .unsupportedCBOR, 0, "simple(16)"),
        Refusal("e0", .unsupportedCBOR, 0, "simple(0)"),
        Refusal("f3", .unsupportedCBOR, 0, "simple(19)"),
        Refusal("f8ff", .unsupportedCBOR, 0, "simple(255)"),
        Refusal("f820", .unsupportedCBOR, 0, "simple(32)"),
        Refusal("f810", .invalidCBOR, 0, "simple value below 32 in the two-byte form"),
    ]

    @Test("malformed or unsupported input is refused with code and byte offset", arguments: refusals)
    func refusal(_ refusal: Refusal) {
        guard let error = cborError(bytes(hex: refusal.hex)) else { return }
        #expect(error.code == refusal.code)
        #expect(error.location == .byte(offset: refusal.offset))
        #expect(error.line == nil)
        #expect(!error.reason.isEmpty)
    }

    @Test("every proper prefix of a valid item is refused as truncated")
    func truncation() throws {
        var items = try Self.appendixA().filter { $0.error == nil }.map { bytes(hex: $0.hex) }
        let document = try JSONValue(parsing: #"{"a":[1,-2.5,"\u00fc",{"b":null}],"cc":1000000000000,"d":true}"#)
        items.append(document.cborBytes())
        var checked = 0
        for item in items {
            #expect(try JSONValue(cbor: item).jsonString().isEmpty == false)
            for length in 0..<item.count {
                let prefix = Array(item[..<length])
                guard let error = cborError(prefix) else { continue }
                #expect(error.code == .invalidCBOR, "\(hex(prefix))")
                let at = offset(of: error.location) ?? -1
                #expect((0...length).contains(at), "\(hex(prefix)): offset \(at)")
                checked += 1
            }
        }
        #expect(checked == items.reduce(0) { $0 + $1.count })
    }

    @Test("nesting deeper than the limit gives limitExceeded, not a stack overflow")
    func depthLimit() throws {
        let definite = [UInt8](repeating: 0x81, count: 10_000) + [0x00]
        let error = cborError(definite)
        #expect(error?.code == .limitExceeded)
        #expect(error?.location == .byte(offset: 256))

        let indefinite = [UInt8](repeating: 0x9F, count: 10_000)
        #expect(cborError(indefinite)?.code == .limitExceeded)
        #expect(cborError(indefinite)?.location == .byte(offset: 256))

        let tags = [UInt8](repeating: 0xC0, count: 10_000) + [0x00]
        #expect(cborError(tags)?.code == .limitExceeded)

        var maps: [UInt8] = []
        for _ in 0..<300 { maps += [0xA1, 0x61, 0x61] }
        maps.append(0x00)
        let mapError = cborError(maps)
        #expect(mapError?.code == .limitExceeded)
        #expect(mapError?.location == .byte(offset: 768))

        let shallow = DecodingLimits(maximumDepth: 3)
        #expect(try JSONValue(cbor: bytes(hex: "81818100"), limits: shallow) == [[[0]]])
        let deep = cborError(bytes(hex: "8181818100"), limits: shallow)
        #expect(deep?.code == .limitExceeded)
        #expect(deep?.location == .byte(offset: 3))

        // 256 levels are fine with the default limits.
        let deepest = [UInt8](repeating: 0x81, count: 256) + [0x00]
        var value = try JSONValue(cbor: deepest)
        var levels = 0
        while case .array(let elements) = value {
            levels += 1
            value = elements.first ?? .null
        }
        #expect(levels == 256)
        #expect(value == 0)
    }

    @Test("input larger than maximumSize gives limitExceeded")
    func sizeLimit() throws {
        let limits = DecodingLimits(maximumSize: 2)
        #expect(try JSONValue(cbor: bytes(hex: "1818"), limits: limits) == 24)
        let error = cborError(bytes(hex: "190100"), limits: limits)
        #expect(error?.code == .limitExceeded)
        #expect(error?.location == .byte(offset: 2))
    }

    @Test("input from a slice or a non-contiguous collection")
    func inputKinds() throws {
        let item = bytes(hex: "a26161016162820203")
        let padded = [0xFF] + item + [0xFF]
        #expect(try JSONValue(cbor: padded[1..<(padded.count - 1)]) == ["a": 1, "b": [2, 3]])
        #expect(try JSONValue(cbor: item.lazy.map { $0 }) == ["a": 1, "b": [2, 3]])
    }

    @Test("byte strings become base64url without padding")
    func byteStrings() throws {
        let cases: [(String, String)] = [
            ("40", ""), ("4100", "AA"), ("41ff", "_w"), ("42fbff", "-_8"), ("43000000", "AAAA"),
            ("44fbefbeef", "----7w"), ("4568656c6c6f", "aGVsbG8"), ("46666f6f626172", "Zm9vYmFy"),
        ]
        for (input, expected) in cases {
            #expect(try JSONValue(cbor: bytes(hex: input)) == .string(expected), "\(input)")
        }
    }

    // MARK: Round trips

    static let roundTripDocuments = [
        "null", "true", "0", "-1", "1.0", "-0.0", "1.5", "0.1", "1e+300", "5e-324", "9223372036854775807",
        "-9223372036854775808", "9223372036854776000.0", "\"\"", "\"\\u0000\u{E9}\u{1F600}\"", "[]", "{}",
        "[1,1.0,-0.0,0,1e300,100000.0,65504.0,3.4028234663852886e+38]",
        #"{"a":1,"b":[2,3],"aa":{"z":null,"y":false}}"#,
        #"{"title":"Lamp","properties":{"on":{"type":"boolean"},"level":{"type":"integer","maximum":100}},"version":1.25}"#,
        #"[[[[{"deep":[[1.1]]}]]]]"#,
    ]

    @Test("JSON -> CBOR -> JSON gives an equal value with identical text", arguments: roundTripDocuments)
    func roundTrip(_ document: String) throws {
        let original = try JSONValue(parsing: document)
        let encoded = original.cborBytes()
        let decoded = try JSONValue(cbor: encoded)
        #expect(decoded == original)
        // Map keys come back in deterministic order, so compare with sorted keys; other text is identical.
        #expect(decoded.jsonBytes(options: .sortedKeys) == original.jsonBytes(options: .sortedKeys))
        #expect(decoded.cborBytes() == encoded)
        #expect(decoded.typeName == original.typeName)
    }

    @Test("documents whose keys are already in deterministic order come back byte-identical")
    func roundTripOrderedKeys() throws {
        let document = "{\"a\":[1,2.0,-3,4.5e-7],\"b\":{\"c\":\"\u{FC}\",\"dd\":null},\"zz\":1e+21}"
        let decoded = try JSONValue(cbor: JSONValue(parsing: document).cborBytes())
        #expect(decoded.jsonString() == document)
        let reordered = try JSONValue(cbor: JSONValue(parsing: #"{"zz":1,"b":2,"a":3}"#).cborBytes())
        #expect(reordered.jsonString() == #"{"a":3,"b":2,"zz":1}"#)
    }
}
