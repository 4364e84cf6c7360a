import LMOSCore
import LMOSTestSupport
import Testing

@Suite("JSON Merge Patch (RFC 7396)")
struct JSONMergePatchTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let original: String
        let patch: String
        let result: String
        var testDescription: String { "\(original) + \(patch) = \(result)" }
    }

    /// RFC 7396 Appendix A, all 15 rows.
    static let appendixA: [Example] = [
        Example(original: #"{"a":"b"}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        Example(original: #"{"a":"b"}"#, patch: #"{"b":"c"}"#, result: #"{"a":"b","b":"c"}"#),
        Example(original: #"{"a":"b"}"#, patch: #"{"a":null}"#, result: #"{}"#),
        Example(original: #"{"a":"b","b":"c"}"#, patch: #"{"a":null}"#, result: #"{"b":"c"}"#),
        Example(original: #"{"a":["b"]}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        Example(original: #"{"a":"c"}"#, patch: #"{"a":["b"]}"#, result: #"{"a":["b"]}"#),
        Example(original: #"{"a":{"b":"c"}}"#, patch: #"{"a":{"b":"d","c":null}}"#, result: #"{"a":{"b":"d"}}"#),
        Example(original: #"{"a":[{"b":"c"}]}"#, patch: #"{"a":[1]}"#, result: #"{"a":[1]}"#),
        Example(original: #"["a","b"]"#, patch: #"["c","d"]"#, result: #"["c","d"]"#),
        Example(original: #"{"a":"b"}"#, patch: #"["c"]"#, result: #"["c"]"#),
        Example(original: #"{"a":"foo"}"#, patch: "null", result: "null"),
        Example(original: #"{"a":"foo"}"#, patch: #""bar""#, result: #""bar""#),
        Example(original: #"{"e":null}"#, patch: #"{"a":1}"#, result: #"{"e":null,"a":1}"#),
        Example(original: "[1,2]", patch: #"{"a":"b","c":null}"#, result: #"{"a":"b"}"#),
        Example(original: "{}", patch: #"{"a":{"bb":{"ccc":null}}}"#, result: #"{"a":{"bb":{}}}"#),
    ]

    @Test("Appendix A: every example gives the RFC's result, in the RFC's member order", arguments: appendixA)
    func appendixAExample(_ example: Example) throws {
        let original = try JSONValue(parsing: example.original)
        let patch = try JSONValue(parsing: example.patch)
        let result = original.mergePatched(with: patch)
        #expect(result.jsonString() == example.result)
        var mutated = original
        mutated.applyMergePatch(patch)
        #expect(mutated.jsonString() == example.result)
        #expect(original.jsonString() == example.original, "mergePatched(with:) leaves the original alone")
    }

    @Test("section 3: the example document")
    func section3Example() throws {
        let target = try JSONValue(
            parsing: """
                {
                  "title": "Goodbye!",
                  "author" : {
                    "givenName" : "John",
                    "familyName" : "Doe"
                  },
                  "tags":[ "example", "sample" ],
                  "content": "This will be unchanged"
                }
                """)
        let patch = try JSONValue(
            parsing: """
                {
                  "title": "Hello!",
                  "phoneNumber": "+01-123-456-7890",
                  "author": {
                    "familyName": null
                  },
                  "tags": [ "example" ]
                }
                """)
        let expected = """
            {
              "title": "Hello!",
              "author": {
                "givenName": "John"
              },
              "tags": [
                "example"
              ],
              "content": "This will be unchanged",
              "phoneNumber": "+01-123-456-7890"
            }

            """
        #expect(target.mergePatched(with: patch).jsonString(options: .prettyPrinted) == expected)
    }

    @Test("existing members keep their position; new ones are appended in patch order")
    func positions() {
        let original: JSONValue = ["a": 1, "b": 2, "c": ["x": 1, "y": 2], "d": 4]
        let patch: JSONValue = ["new2": true, "c": ["x": nil, "z": 3, "y": 20], "a": nil, "b": "two", "new1": [1]]
        #expect(
            original.mergePatched(with: patch).jsonString()
                == #"{"b":"two","c":{"y":20,"z":3},"d":4,"new2":true,"new1":[1]}"#)
    }

    @Test("positions are kept in objects past the hash-index threshold")
    func largeObjectPositions() {
        let original = JSONValue.object(JSONObject((0..<20).map { ("k\($0)", JSONValue.integer(Int64($0))) }))
        let patch: JSONValue = ["k3": nil, "k10": "ten", "k19": ["n": 1], "k20": 20]
        let result = original.mergePatched(with: patch)
        let keys = (0..<21).filter { $0 != 3 }.map { "k\($0)" }
        #expect(result.objectValue?.keys == keys)
        #expect(result["k10"] == "ten")
        #expect(result["k19"] == ["n": 1])
        #expect(result["k20"] == 20)
        #expect(result["k3"] == nil)
    }

    @Test("mergePatch(from:to:) builds the patch")
    func diff() {
        #expect(JSONValue.mergePatch(from: ["a": 1, "b": 2], to: ["a": 1, "c": 3]) == ["b": nil, "c": 3])
        #expect(
            JSONValue.mergePatch(from: ["a": 1, "b": 2], to: ["a": 1, "c": 3])?.jsonString() == #"{"b":null,"c":3}"#)
        #expect(JSONValue.mergePatch(from: ["a": ["b": 1, "c": 2]], to: ["a": ["b": 1]]) == ["a": ["c": nil]])
        #expect(JSONValue.mergePatch(from: ["a": [1, 2]], to: ["a": [1]]) == ["a": [1]])
        #expect(JSONValue.mergePatch(from: 1, to: [1]) == [1])
        #expect(JSONValue.mergePatch(from: ["a": 1], to: nil) == .some(.null))
        #expect(JSONValue.mergePatch(from: ["a": 1], to: "x") == "x")
        #expect(JSONValue.mergePatch(from: [1], to: ["a": 1]) == ["a": 1])
        // Equal values need no patch, whatever the member order or number form.
        #expect(JSONValue.mergePatch(from: ["a": 1, "b": [1]], to: ["b": [1.0], "a": 1.0]) == nil)
        #expect(JSONValue.mergePatch(from: nil, to: nil) == nil)
        #expect(JSONValue.mergePatch(from: "s", to: "s") == nil)
    }

    @Test("null members in the target cannot be expressed and are removed instead")
    func targetNulls() {
        let source: JSONValue = [:]
        let target: JSONValue = ["a": nil, "b": ["c": nil, "d": 1], "e": [nil]]
        let patch = JSONValue.mergePatch(from: source, to: target)
        #expect(patch?.jsonString() == #"{"a":null,"b":{"d":1},"e":[null]}"#)
        #expect(source.mergePatched(with: patch ?? [:]) == ["b": ["d": 1], "e": [nil]])
    }

    // MARK: Property test

    /// Small random documents over few keys, so that sources and targets overlap.
    struct DocumentGenerator {
        var random: SplitMix64
        let keys = ["a", "b", "c", "d", "e"]

        mutating func object(depth: Int, allowNull: Bool) -> JSONObject {
            var object = JSONObject()
            for key in keys where random.chance(0.5) {
                object[key] = value(depth: depth + 1, allowNull: allowNull)
            }
            return object
        }

        mutating func value(depth: Int, allowNull: Bool) -> JSONValue {
            switch random.int(in: 0...9) {
            case 0 where allowNull: return .null
            case 1: return .integer(Int64(random.int(in: 0...3)))
            case 2: return .double(Double(random.int(in: 0...3)) / 2)
            case 3: return .string(["x", "y", ""][random.int(in: 0...2)])
            case 4: return .bool(random.chance(0.5))
            case 5: return .array((0..<random.int(in: 0...2)).map { _ in value(depth: 3, allowNull: true) })
            default:
                if depth >= 3 { return .integer(9) }
                return .object(object(depth: depth, allowNull: allowNull))
            }
        }
    }

    /// `value` without `null` object members, recursively (arrays untouched).
    static func withoutNullMembers(_ value: JSONValue) -> JSONValue {
        guard case .object(let object) = value else { return value }
        let members = object.members.filter { !$0.value.isNull }
        return .object(JSONObject(members.map { ($0.key, withoutNullMembers($0.value)) }))
    }

    @Test("applying mergePatch(from:to:) to the source gives the target (2 000 random pairs)")
    func diffProperty() {
        var generator = DocumentGenerator(random: SplitMix64(seed: 7396))
        var patched = 0
        for _ in 0..<2_000 {
            let source = JSONValue.object(generator.object(depth: 0, allowNull: true))
            let target = JSONValue.object(generator.object(depth: 0, allowNull: false))
            guard let patch = JSONValue.mergePatch(from: source, to: target) else {
                #expect(source == target)
                continue
            }
            patched += 1
            #expect(source != target)
            #expect(source.mergePatched(with: patch) == target, "\(source) + \(patch)")
            // A merge patch is idempotent: applied to its own result it changes nothing.
            #expect(target.mergePatched(with: patch) == target, "\(target) + \(patch)")
        }
        #expect(patched > 1_500)
    }

    @Test("with null members anywhere, the result is the target up to null members (2 000 random pairs)")
    func diffPropertyWithNulls() {
        var generator = DocumentGenerator(random: SplitMix64(seed: 8259))
        for _ in 0..<2_000 {
            let source = generator.value(depth: 0, allowNull: true)
            let target = generator.value(depth: 0, allowNull: true)
            guard let patch = JSONValue.mergePatch(from: source, to: target) else {
                #expect(source == target)
                continue
            }
            let result = source.mergePatched(with: patch)
            #expect(Self.withoutNullMembers(result) == Self.withoutNullMembers(target), "\(source) -> \(target)")
            if target.objectValue == nil {
                #expect(result == target, "\(source) -> \(target)")
            }
        }
    }
}
