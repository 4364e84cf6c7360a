import LMOSCore
import LMOSTestSupport
import Testing

/// Property tests over seeded pseudo-random input: hostile bytes must be refused cleanly, and random values must
/// survive every codec exactly.
@Suite("Robustness", .timeLimit(.minutes(1)))
struct RobustnessTests {
    // MARK: Hostile input

    /// Outcomes of feeding inputs to one decoder.
    struct Tally {
        var accepted = 0
        var refused = 0
        /// What went wrong, for inputs whose outcome broke a rule.
        var problems: [String] = []
    }

    /// Feeds `input` to `JSONValue(parsing:)`: an accepted value must serialize and read back to the same value and
    /// text; a refusal must be `invalidJSON` at a text location inside the input, or `limitExceeded`.
    static func checkJSON(_ input: [UInt8], _ tally: inout Tally) {
        do {
            let value = try JSONValue(parsing: input)
            tally.accepted += 1
            let written = value.jsonBytes()
            guard let reparsed = try? JSONValue(parsing: written), reparsed == value, reparsed.jsonBytes() == written
            else {
                tally.problems.append("accepted \(hex(input)) but its text \(text(written)) reads differently")
                return
            }
        } catch {
            tally.refused += 1
            switch (error.code, error.location) {
            case (.invalidJSON, .text(let line, let column, let offset)):
                if !(0...input.count).contains(offset) || line < 1 || column < 1 {
                    tally.problems.append("bad location \(error.location) for \(hex(input))")
                }
            case (.limitExceeded, _):
                break
            default:
                tally.problems.append("unexpected error \(error) for \(hex(input))")
            }
        }
    }

    /// Feeds `input` to `JSONValue(cbor:)`: an accepted value must survive CBOR and JSON round trips; a refusal
    /// must be one of the CBOR codes at a byte offset inside the input.
    static func checkCBOR(_ input: [UInt8], _ tally: inout Tally) {
        do {
            let value = try JSONValue(cbor: input)
            tally.accepted += 1
            let encoded = value.cborBytes()
            guard let decoded = try? JSONValue(cbor: encoded), decoded == value, decoded.cborBytes() == encoded else {
                tally.problems.append("accepted \(hex(input)) but its encoding \(hex(encoded)) decodes differently")
                return
            }
            guard let reparsed = try? JSONValue(parsing: value.jsonBytes()), reparsed == value else {
                tally.problems.append("accepted \(hex(input)) but its JSON \(value.jsonString()) reads differently")
                return
            }
        } catch {
            tally.refused += 1
            guard [.invalidCBOR, .unsupportedCBOR, .limitExceeded].contains(error.code),
                case .byte(let offset) = error.location, (0...input.count).contains(offset)
            else {
                tally.problems.append("unexpected error \(error) for \(hex(input))")
                return
            }
        }
    }

    static func feed(_ input: [UInt8], json: inout Tally, cbor: inout Tally) {
        checkJSON(input, &json)
        checkCBOR(input, &cbor)
    }

    @Test("20 000 random byte strings up to 64 bytes are accepted or refused cleanly")
    func randomBytes() {
        var random = SplitMix64(seed: 0x5EED_0001)
        var json = Tally()
        var cbor = Tally()
        for _ in 0..<20_000 {
            let count = random.int(in: 0...64)
            var input = random.bytes(count)
            // Bias a quarter of the inputs towards JSON's alphabet so the parser gets past the first byte.
            if random.chance(0.25) {
                let alphabet = Array(#"{}[],:"\ 0123456789-+.eEtruefalsn"#.utf8)
                input = input.map { alphabet[Int($0) % alphabet.count] }
            }
            Self.feed(input, json: &json, cbor: &cbor)
        }
        #expect(json.problems.isEmpty, "\(json.problems.prefix(5))")
        #expect(cbor.problems.isEmpty, "\(cbor.problems.prefix(5))")
        #expect(json.accepted + json.refused == 20_000)
        #expect(cbor.accepted + cbor.refused == 20_000)
        #expect(json.refused > 15_000, "random bytes are almost never JSON")
        #expect(cbor.accepted > 0, "some random bytes are single CBOR items")
    }

    /// Valid documents to mutate: hand-written ones and random values.
    static func seedDocuments() -> [JSONValue] {
        var documents: [JSONValue] = [
            json(#"{"a":[1,2.5,-3e-7,"x\u00e9\ud83d\ude00",null,true,false],"b":{"c":{},"d":[]},"e":""}"#),
            json(#"[9223372036854775807,-9223372036854775808,1e300,0.1,"\u0000\"\\"]"#),
            json(#"{"@context":"https://www.w3.org/2022/wot/td/v1.1","title":"Lamp","properties":{"on":{"type":"boolean","forms":[{"href":"/on"}]}}}"#),
        ]
        var generator = ValueGenerator(seed: 0x5EED_0002)
        generator.maximumDepth = 4
        for _ in 0..<20 { documents.append(generator.value()) }
        return documents
    }

    static func mutate(_ input: [UInt8], random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<random.int(in: 1...4) {
            let position = bytes.isEmpty ? 0 : random.int(in: 0...(bytes.count - 1))
            switch random.int(in: 0...4) {
            case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8(random.int(in: 0...7))
            case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: min(position, bytes.count))
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3 where !bytes.isEmpty:
                let interesting: [UInt8] = [0x00, 0xFF, 0x22, 0x5C, 0x7B, 0x9F, 0xBF, 0x1B]
                bytes[position] = interesting[random.int(in: 0...7)]
            default: bytes = Array(bytes.prefix(random.int(in: 0...bytes.count)))
            }
        }
        return bytes
    }

    @Test("5 000 mutations each of valid JSON and valid CBOR are accepted or refused cleanly")
    func mutations() throws {
        let documents = Self.seedDocuments()
        let jsonSeeds = documents.map { $0.jsonBytes() }
        let cborSeeds = documents.map { $0.cborBytes() }
        for (seed, document) in zip(jsonSeeds, documents) { #expect(try JSONValue(parsing: seed) == document) }
        for (seed, document) in zip(cborSeeds, documents) { #expect(try JSONValue(cbor: seed) == document) }

        var random = SplitMix64(seed: 0x5EED_0003)
        var json = Tally()
        var cbor = Tally()
        for round in 0..<5_000 {
            let jsonInput = Self.mutate(jsonSeeds[round % jsonSeeds.count], random: &random)
            let cborInput = Self.mutate(cborSeeds[round % cborSeeds.count], random: &random)
            Self.feed(jsonInput, json: &json, cbor: &cbor)
            Self.feed(cborInput, json: &json, cbor: &cbor)
        }
        #expect(json.problems.isEmpty, "\(json.problems.prefix(5))")
        #expect(cbor.problems.isEmpty, "\(cbor.problems.prefix(5))")
        #expect(json.accepted + json.refused == 10_000)
        #expect(json.accepted > 0 && json.refused > 0)
        #expect(cbor.accepted > 0 && cbor.refused > 0)
    }

    // MARK: Random values

    @Test("2 000 random values round-trip exactly through JSON text and CBOR")
    func valueRoundTrips() throws {
        var generator = ValueGenerator(seed: 0x5EED_0004)
        for _ in 0..<2_000 {
            let value = generator.value()
            let written = value.jsonBytes()
            let parsed = try JSONValue(parsing: written)
            #expect(parsed == value, "\(text(written))")
            #expect(parsed.jsonBytes() == written, "\(text(written))")

            let pretty = try JSONValue(parsing: value.jsonBytes(options: .prettyPrinted))
            #expect(pretty.jsonBytes() == written, "\(text(written))")

            let encoded = value.cborBytes()
            let decoded = try JSONValue(cbor: encoded)
            #expect(decoded == value, "\(hex(encoded))")
            #expect(decoded.jsonBytes(options: .sortedKeys) == value.jsonBytes(options: .sortedKeys), "\(hex(encoded))")
            #expect(decoded.cborBytes() == encoded, "\(hex(encoded))")
        }
    }

    @Test("random doubles, including subnormals, keep their exact bits through both codecs")
    func doubleBits() throws {
        var generator = ValueGenerator(seed: 0x5EED_0005)
        var subnormals = 0
        for _ in 0..<5_000 {
            let double = generator.double()
            if double.isSubnormal { subnormals += 1 }
            let fromJSON = try JSONValue(parsing: JSONValue.double(double).jsonBytes())
            let fromCBOR = try JSONValue(cbor: JSONValue.double(double).cborBytes())
            for decoded in [fromJSON, fromCBOR] {
                guard case .double(let back) = decoded else {
                    Issue.record("\(double) came back as \(decoded.typeName)")
                    continue
                }
                #expect(back.bitPattern == double.bitPattern, "\(double)")
            }
        }
        #expect(subnormals > 100)
    }

    @Test("canonicalJSON is deterministic, independent of member order, and reparseable")
    func canonicalization() throws {
        var generator = ValueGenerator(seed: 0x5EED_0006)
        var canonicalized = 0
        for _ in 0..<2_000 {
            let value = generator.value()
            if value.containsIntegerBeyondDouble {
                let error = #expect(throws: CoreError.self) { try value.canonicalJSON() }
                #expect(error?.code == .notCanonicalizable)
                continue
            }
            canonicalized += 1
            let canonical = try value.canonicalJSON()
            #expect(try value.canonicalJSON() == canonical)
            #expect(try value.reversingMemberOrder.canonicalJSON() == canonical)
            #expect(!canonical.contains(UInt8(ascii: "\n")), "no whitespace outside strings")
            // RFC 8785 reads every number as an IEEE 754 double: so compared, the text holds the same value,
            // and canonicalizing it again gives the same bytes.
            let reparsed = try JSONValue(parsing: canonical)
            #expect(reparsed.asIEEENumbers == value.asIEEENumbers, "\(text(canonical))")
            #expect(
                reparsed.asIEEENumbers.jsonBytes(options: .sortedKeys)
                    == value.asIEEENumbers.jsonBytes(options: .sortedKeys))
            #expect(try reparsed.asIEEENumbers.canonicalJSON() == canonical, "\(text(canonical))")
        }
        #expect(canonicalized > 1_000)
    }
}
