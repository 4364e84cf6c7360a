@testable import LMOSCore
import LMOSTestSupport
import Testing

/// JCS sorts member names by UTF-16 code units; the sort compares UTF-8 bytes and scalars instead.
@Suite("UTF-16 order without transcoding")
struct UTF16OrderTests {
    @Test("agrees with comparing utf16 views, on random names across the planes")
    func agreesWithUTF16Views() {
        var generator = ValueGenerator(seed: 0x00F1_6016)
        var strings: [String] = ["", "a", "ab", "\u{E000}", "\u{FFFF}", "\u{10000}", "\u{1F600}", "\u{D7FF}", "é", "e\u{301}"]
        for _ in 0..<600 { strings.append(generator.string(maximumLength: 5)) }
        var disagreements: [(String, String)] = []
        for lhs in strings {
            for rhs in strings.prefix(120) where UTF16Order.precedes(lhs, rhs) != lhs.utf16.lexicographicallyPrecedes(rhs.utf16) {
                disagreements.append((lhs, rhs))
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5).map { ($0.0.unicodeScalars.map(\.value), $0.1.unicodeScalars.map(\.value)) })")
    }

    @Test("a supplementary character sorts between U+D7FF and U+E000, as in UTF-16")
    func surrogateRange() {
        #expect(UTF16Order.precedes("\u{D7FF}", "\u{1F600}"))
        #expect(UTF16Order.precedes("\u{1F600}", "\u{E000}"))
        #expect(!UTF16Order.precedes("\u{FFFF}", "\u{10000}"))
        #expect(UTF16Order.precedes("a", "ab"))
        #expect(!UTF16Order.precedes("ab", "ab"))
    }
}
