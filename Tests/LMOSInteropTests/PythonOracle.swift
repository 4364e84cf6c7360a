import Foundation
import LMOSTestSupport
import Testing

/// Runs Python with the oracle packages that scripts/test installs (cbor2, jcs, PyNaCl, cryptography).
enum PythonOracle {
    static let scriptsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts")

    /// Whether the oracles can run here. When `LMOS_REQUIRE_INTEROP=1` (set by scripts/test and CI), a missing
    /// oracle fails the tests instead of skipping them.
    static let available: Bool = {
        let probe = try? run(["-c", "import cbor2, jcs, nacl, cryptography"])
        return probe?.status == 0
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["LMOS_REQUIRE_INTEROP"] == "1" }

    static var enabled: Bool { available || required }

    static func run(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments)
    }

    static func script(_ name: String) -> String { scriptsDirectory.appendingPathComponent(name).path }

    static func temporaryDirectory() throws -> URL { try Subprocess.temporaryDirectory(prefix: "lmos-interop") }
}
