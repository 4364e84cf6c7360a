import LMOSCore
import Testing

@Suite("CoreError")
struct CoreErrorTests {
    @Test("errors compare and hash by code only")
    func equality() {
        let a = CoreError(.invalidJSON, at: .text(line: 1, column: 2, offset: 1), "one")
        let b = CoreError(.invalidJSON, at: .byte(offset: 9), "two")
        let c = CoreError(.invalidCBOR, at: .text(line: 1, column: 2, offset: 1), "one")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }

    @Test("codes are distinct and named")
    func codes() {
        let codes: [CoreError.Code] = [
            .invalidJSON, .invalidCBOR, .unsupportedCBOR, .limitExceeded, .notCanonicalizable,
        ]
        #expect(Set(codes).count == 5)
        #expect(
            codes.map(\.description)
                == ["invalid JSON", "invalid CBOR", "unsupported CBOR", "limit exceeded", "not canonicalizable"])
    }

    @Test("descriptions name the location and the reason")
    func descriptions() {
        #expect(
            CoreError(.invalidJSON, at: .text(line: 3, column: 7, offset: 20), "bad").description
                == "invalid JSON at line 3, column 7: bad")
        #expect(CoreError(.invalidCBOR, at: .byte(offset: 4), "bad").description == "invalid CBOR at byte 4: bad")
        #expect(
            CoreError(.notCanonicalizable, at: .value(pointer: "/a/0"), "bad").description
                == "not canonicalizable at /a/0: bad")
        #expect(
            CoreError(.notCanonicalizable, at: .value(pointer: ""), "bad").description
                == "not canonicalizable at the top-level value: bad")
    }

    @Test("line and column exist only for text locations")
    func lineAndColumn() {
        let text = CoreError(.invalidJSON, at: .text(line: 3, column: 7, offset: 20), "")
        #expect(text.line == 3)
        #expect(text.column == 7)
        let binary = CoreError(.invalidCBOR, at: .byte(offset: 4), "")
        #expect(binary.line == nil)
        #expect(binary.column == nil)
        #expect(CoreError(.notCanonicalizable, at: .value(pointer: "/x"), "").line == nil)
    }
}
