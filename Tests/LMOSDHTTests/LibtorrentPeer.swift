import Foundation
import LMOSCore
import LMOSTestSupport

/// A libtorrent DHT node (`Peers/lt_peer.py`) driven by JSON lines: one command in, one answer out.
final class LibtorrentPeer: @unchecked Sendable {
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

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var buffer = Data()
    private var errorText = Data()
    /// The UDP port and node id libtorrent reported.
    private(set) var port = 0
    private(set) var nodeID = ""

    init(nodes: [Int]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--port", "0"] + nodes.flatMap { ["--node", "127.0.0.1:\($0)"] }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            guard let self else { return }
            self.lock.withLock { self.buffer.append(data) }
        }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            guard let self else { return }
            self.lock.withLock { self.errorText.append(data) }
        }
        try process.run()
        let ready = try nextLine(timeout: 30)
        guard ready["ready"] == .bool(true), let port = ready["port"]?.integerValue else {
            throw Failure(description: "libtorrent peer not ready: \(ready)")
        }
        self.port = Int(port)
        nodeID = ready["node_id"]?.stringValue ?? ""
    }

    private func nextLine(timeout: Double) throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let line: Data? = lock.withLock {
                guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return Data(line)
            }
            if let line { return try JSONValue(parsing: Array(line)) }
            if !process.isRunning {
                throw Failure(description: "libtorrent peer exited: \(String(decoding: lock.withLock { errorText }, as: UTF8.self))")
            }
            usleep(2000)
        }
        throw Failure(description: "libtorrent peer did not answer within \(timeout) s")
    }

    /// Sends one command and waits for its answer.
    func command(_ fields: JSONObject, timeout: Double = 30) async throws -> JSONValue {
        var line = JSONValue.object(fields).jsonBytes()
        line.append(UInt8(ascii: "\n"))
        input.fileHandleForWriting.write(Data(line))
        return try await Task.detached { try self.nextLine(timeout: timeout) }.value
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
