import Foundation
import LMOSTestSupport

/// Runs the built `lmos` executable as a user would, capturing output and exit status.
struct CLIRunner {
    struct NotFound: Error, CustomStringConvertible {
        let description: String
    }

    /// `lmos` sits next to the test bundle in the build folder (the test target depends on it); `LMOS_BINARY`
    /// overrides.
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["LMOS_BINARY"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("lmos")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw NotFound(description: "lmos binary not found near \(CommandLine.arguments[0]); set LMOS_BINARY")
    }

    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil) throws -> Subprocess.Result {
        try Subprocess.run(binary(), arguments, stdin: stdin, in: directory)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL { try Subprocess.temporaryDirectory(prefix: "lmos-cli") }
}
