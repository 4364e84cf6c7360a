import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

/// swift-lmos against Python's cbor2 and jcs: our CBOR decoded by cbor2 and byte-identical to its deterministic
/// encoding, our JCS identical to jcs, and cbor2's CBOR decoded by us.
@Suite(.enabled(if: PythonOracle.enabled, "python3 with the oracle packages is needed (scripts/test installs them)"))
struct CBORAndJCSInteropTests {
    static let fixtures: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("LMOSDescriptionTests/Fixtures")

    /// Documents to check: every fixture description plus generated values.
    static func documents() throws -> [(String, JSONValue)] {
        var documents: [(String, JSONValue)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures.path).sorted()
        where name.hasSuffix(".json") && !name.contains("broken") {
            let bytes = try Data(contentsOf: fixtures.appendingPathComponent(name))
            documents.append((name.replacingOccurrences(of: ".json", with: ""), try JSONValue(parsing: Array(bytes))))
        }
        var generator = ValueGenerator(seed: 0x5EED)
        for index in 0..<300 {
            documents.append(("generated-\(index)", generator.value()))
        }
        // Numbers at the edges of each float width and of the ECMAScript formatting rules.
        let doubles: [Double] = [
            0.0, -0.0, 1.0, 1.5, 65504.0, 65505.0, 100000.0, 3.4028234663852886e38, 1e300, Double.leastNonzeroMagnitude, 5.960464477539063e-8,
            0.00006103515625, 1e21, 1e-7, 123456789012345680000.0, 0.000001, 0.0000010000000000000002, -4.1,
            333333333.3333333, 9007199254740992.0, 295147905179352830000.0,
        ]
        let integers: [Int64] = [
            0, -1, 23, 24, -24, -25, 65535, 65536, 4294967295, 4294967296, Int64.max, Int64.min, 9007199254740992,
        ]
        documents.append(("numbers", .array(doubles.map(JSONValue.double) + integers.map(JSONValue.integer))))
        return documents
    }

    @Test func pythonAgreesWithOurCBORAndJCS() throws {
        let directory = try PythonOracle.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var written = 0
        for (name, value) in try Self.documents() {
            let base = directory.appendingPathComponent(name)
            try Data(value.jsonBytes()).write(to: base.appendingPathExtension("json"))
            try Data(value.cborBytes()).write(to: base.appendingPathExtension("cbor"))
            // JCS only where every number is an I-JSON number (what RFC 8785 covers).
            if let canonical = try? value.canonicalJSON() {
                try Data(canonical).write(to: base.appendingPathExtension("jcs"))
            }
            written += 1
        }
        let result = try PythonOracle.run([PythonOracle.script("cbor_jcs_oracle.py"), "check", directory.path])
        try #require(result.status == 0, "oracle failed: \(result.stderr)")
        let report = try JSONValue(parsing: Array(result.stdout))
        #expect(report["checked"] == .integer(Int64(written)))
        #expect(report["problems"] == [], "\(report["problems"] ?? .null)")
    }

    @Test func weDecodeWhatPythonEncodes() throws {
        let directory = try PythonOracle.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = 400
        let result = try PythonOracle.run([
            PythonOracle.script("cbor_jcs_oracle.py"), "generate", directory.path, String(count), "1234",
        ])
        try #require(result.status == 0, "oracle failed: \(result.stderr)")
        for index in 0..<count {
            let cbor = try Data(contentsOf: directory.appendingPathComponent("p\(index).cbor"))
            let json = try Data(contentsOf: directory.appendingPathComponent("p\(index).json"))
            let fromCBOR = try JSONValue(cbor: Array(cbor))
            let fromJSON = try JSONValue(parsing: Array(json))
            #expect(fromCBOR == fromJSON, "case \(index)")
            // Same kinds too: == treats 1 and 1.0 alike, canonical CBOR bytes do not.
            #expect(fromCBOR.cborBytes() == fromJSON.cborBytes(), "case \(index)")
        }
    }
}
