import Foundation
import LMOSTestSupport

/// Runs the built `lmos` executable as a user would, capturing output and exit status.
struct CLIRunner {
    static func binary() throws -> URL { try lmosBinary() }

    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil) throws -> Subprocess.Result {
        try Subprocess.run(binary(), arguments, stdin: stdin, in: directory)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL { try Subprocess.temporaryDirectory(prefix: "lmos-cli") }
}
