import KRPC
import LMOSTestSupport
import Testing

@Suite struct BencodeTests {
    func decode(_ text: String) throws -> BencodeValue { try Bencode.decode(Array(text.utf8)) }

    @Test func readsEveryKindAndWritesItBack() throws {
        let text = "d4:listli1ei-42e0:4:spame3:num" + "i9223372036854775807e" + "3:str5:hello4:zeroi0ee"
        let value = try decode(text)
        #expect(value["num"]?.integerValue == Int64.max)
        #expect(value["str"]?.stringValue == "hello")
        #expect(value["list"]?.listValue?.count == 4)
        #expect(value["zero"]?.integerValue == 0)
        #expect(String(decoding: Bencode.encode(value), as: UTF8.self) == text)
        #expect(try decode("i-9223372036854775808e").integerValue == Int64.min)
        #expect(try decode("0:") == .bytes([]))
        #expect(try decode("le") == .list([]))
        #expect(try decode("de") == .dictionary(BencodeDictionary()))
    }

    @Test(arguments: [
        ("i01e", "leading zero"), ("i-0e", "-0"), ("ie", "no digits"), ("i-e", "sign only"),
        ("i9223372036854775808e", "beyond Int64"), ("i-9223372036854775809e", "below Int64"),
        ("i12", "unterminated integer"), ("i1.5e", "fraction"), ("01:a", "length with leading zero"),
        ("5:abc", "string longer than input"), ("3abc", "no colon"), ("l", "unterminated list"),
        ("d1:ai1e", "unterminated dictionary"), ("di1ei2ee", "integer key"), ("d1:ai1e1:ai2ee", "duplicate key"),
        ("i1ei2e", "trailing bytes"), ("", "empty"), ("x", "unknown type"),
        ("99999999999999999999:a", "absurd length"), ("d1:a", "key without value"),
    ])
    func refusesMalformedInput(input: String, why: String) {
        #expect(throws: BencodeError.self, "\(why)") { try decode(input) }
    }

    @Test func unsortedKeysAreAcceptedAndWrittenSorted() throws {
        let value = try decode("d1:bi2e1:ai1ee")
        #expect(String(decoding: Bencode.encode(value), as: UTF8.self) == "d1:ai1e1:bi2ee")
        #expect(throws: BencodeError.self) { try decode("d1:bi2e1:ai1e1:bi3ee") }
    }

    @Test func keysSortAsRawBytes() {
        var dictionary = BencodeDictionary()
        dictionary["b"] = .integer(1)
        dictionary["B"] = .integer(2)
        dictionary["a"] = .integer(3)
        dictionary[[0xFF]] = .integer(4)
        dictionary["aa"] = .integer(5)
        #expect(dictionary.members.map(\.key) == [[0x42], [0x61], [0x61, 0x61], [0x62], [0xFF]])
        dictionary["b"] = nil
        #expect(dictionary.count == 4)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "l", count: 10_000) + String(repeating: "e", count: 10_000)
        #expect(throws: BencodeError.self) { try decode(deep) }
        let fine = String(repeating: "l", count: 20) + String(repeating: "e", count: 20)
        #expect(throws: Never.self) { try decode(fine) }
    }

    @Test func spanFindsVerbatimBytes() throws {
        // Unsorted inner keys: the span keeps the bytes as sent, which re-encoding would change.
        let text = "d1:ad2:id20:abcdefghij01234567891:vd1:zi1e1:ai2eee1:t2:aae"
        let bytes = Array(text.utf8)
        let range = try #require(try Bencode.span(of: ["a", "v"], in: bytes))
        #expect(String(decoding: bytes[range], as: UTF8.self) == "d1:zi1e1:ai2ee")
        #expect(try Bencode.span(of: ["a", "missing"], in: bytes) == nil)
        #expect(try Bencode.span(of: ["t", "x"], in: bytes) == nil)
    }

    @Test func randomBytesNeverCrash() throws {
        var random = SplitMix64(seed: 44)
        let alphabet = Array("ilde0123456789:-abc".utf8)
        for _ in 0..<20_000 {
            let count = random.int(in: 0...40)
            let bytes = (0..<count).map { _ in alphabet[random.int(in: 0...(alphabet.count - 1))] }
            if let value = try? Bencode.decode(bytes) {
                // Whatever decodes re-encodes to something that decodes to the same value.
                #expect(try Bencode.decode(Bencode.encode(value)) == value)
            }
        }
    }
}
