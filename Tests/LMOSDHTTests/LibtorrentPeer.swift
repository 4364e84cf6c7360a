import Foundation
import LMOSCore
import LMOSTestSupport

/// A libtorrent DHT node (`Peers/lt_peer.py`) driven by JSON lines: one command in, one answer out.
final class LibtorrentPeer: Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Peers/lt_peer.py")
    static let mustRun = ProcessInfo.processInfo.environment["LMOS_REQUIRE_INTEROP"] == "1"
    static let available: Bool = {
        guard let result = try? Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import libtorrent, nacl"])
        else { return false }
        return result.status == 0
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let process: BackgroundProcess
    /// The UDP port libtorrent reported.
    let port: Int

    /// Starts a peer that joins our nodes at `nodes` (ports on 127.0.0.1).
    init(nodes: [Int]) async throws {
        process = try BackgroundProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", Self.script.path, "--port", "0"] + nodes.flatMap { ["--node", "127.0.0.1:\($0)"] },
            standardInput: true)
        let ready = try JSONValue(parsing: try await process.nextLine(timeout: 30))
        guard ready["ready"] == .bool(true), let port = ready["port"]?.integerValue else {
            throw Failure(description: "libtorrent peer not ready: \(ready)")
        }
        self.port = Int(port)
    }

    /// Sends one command and waits for its answer.
    func command(_ fields: JSONObject, timeout: Double = 30) async throws -> JSONValue {
        process.send(JSONValue.object(fields).jsonString() + "\n")
        return try JSONValue(parsing: try await process.nextLine(timeout: timeout))
    }

    func stop() {
        process.closeInput()
        process.terminate()
    }
}
