import Foundation

/// A peer that runs while a test talks to it (an HTTPS server, later brokers and DHT nodes): started, asked for
/// the first line it prints (usually its port), and terminated when the test is done.
public final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    let output = Pipe()
    let errors = Pipe()
    let lock = NSLock()
    var buffer = Data()
    var errorText = Data()

    public init(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.buffer.append(data) }
        }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.errorText.append(data) }
        }
        try process.run()
    }

    public struct Timeout: Error, CustomStringConvertible {
        public let description: String
    }

    /// The first line printed on standard output, waiting at most `seconds`.
    public func firstLine(timeout seconds: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let line: String? = lock.withLock {
                guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                return String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            }
            if let line { return line }
            if !process.isRunning {
                throw Timeout(description: "process exited (\(process.terminationStatus)) before printing a line: \(standardError)")
            }
            usleep(10_000)
        }
        throw Timeout(description: "no line within \(seconds) s: \(standardError)")
    }

    /// What the process wrote to standard error so far.
    public var standardError: String { lock.withLock { String(decoding: errorText, as: UTF8.self) } }

    /// What the process wrote to standard output so far.
    public var standardOutput: String { lock.withLock { String(decoding: buffer, as: UTF8.self) } }

    /// The process id, to send it a signal (`kill(pid, SIGINT)`).
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Whether the process still runs.
    public var isRunning: Bool { process.isRunning }

    /// The exit status once the process has ended, or nil while it runs.
    public var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Stops the process (SIGTERM, then SIGKILL after a second) and waits for it.
    public func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
    }

    deinit { terminate() }
}

/// The `lmos` executable built next to the test bundle (`LMOS_BINARY` overrides).
public func lmosBinary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["LMOS_BINARY"] { return URL(fileURLWithPath: path) }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("lmos")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    throw BackgroundProcess.Timeout(description: "lmos binary not found near \(CommandLine.arguments[0]); set LMOS_BINARY")
}
