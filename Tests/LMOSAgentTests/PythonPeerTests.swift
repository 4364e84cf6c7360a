import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

/// Independent clients against `lmos example agent`: Python `websockets` sending hand-written JSON of every
/// message type in both dialects, and `requests` on the HTTP binding (`Peers/`).
enum PythonPeers {
    static let peers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers")
    static let mustRun = ProcessInfo.processInfo.environment["LMOS_REQUIRE_INTEROP"] == "1"
    static let available: Bool = {
        guard let result = try? Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import websockets, requests"])
        else { return false }
        return result.status == 0
    }()
}

@Suite("Python peers", .enabled(if: PythonPeers.available || PythonPeers.mustRun))
struct PythonPeerTests {
    static func runPeer(_ script: String, _ arguments: (_ descriptionURL: String, _ webSocketURL: String, _ id: String) -> [String]) async throws {
        let id = "urn:uuid:" + UUIDv4.random()
        let agent = try BackgroundProcess(try lmosBinary(), ["example", "agent", "--port", "0", "--id", id])
        defer { agent.terminate() }
        let description = try await agent.line(timeout: 20) { $0.hasPrefix("description: ") }
        let webSocket = try await agent.line(timeout: 20) { $0.hasPrefix("websocket: ") }
        let result = try Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", PythonPeers.peers.appendingPathComponent(script).path]
                + arguments(String(description.dropFirst("description: ".count)), String(webSocket.dropFirst("websocket: ".count)), id))
        #expect(result.status == 0, "\(script): \(result.stderr)\n\(result.output.suffix(2000))")
        let last = result.output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("ok ") && last.hasSuffix(" checks"), "\(result.output.suffix(500))")
    }

    @Test func webSocketMessagesInBothDialects() async throws {
        try await Self.runPeer("ws_lmos_peer.py") { _, ws, id in ["--ws", ws, "--thing-id", id] }
    }

    @Test func httpBinding() async throws {
        try await Self.runPeer("http_binding_peer.py") { description, _, _ in ["--description", description] }
    }
}
