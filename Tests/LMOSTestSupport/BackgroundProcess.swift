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

    /// Where ``send(_:)`` writes, when the process was started with `standardInput: true`.
    let input: Pipe?
    /// How much of standard output ``nextLine(timeout:)`` has handed out.
    var consumed = 0

    /// Starts the process. With `standardInput`, its standard input is a pipe that ``send(_:)`` writes to (a peer
    /// driven by commands); otherwise it reads nothing.
    public init(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, standardInput: Bool = false
    ) throws {
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = output
        process.standardError = errors
        input = standardInput ? Pipe() : nil
        if let input { process.standardInput = input } else { process.standardInput = FileHandle.nullDevice }
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            // Empty data means end of file: stop watching, or the handler would be called again and again.
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

    /// The first line of standard output that satisfies `predicate`, waiting at most `seconds` (without blocking a
    /// thread).
    public func line(timeout seconds: Double = 20, where predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = standardOutput.split(separator: "\n").map(String.init).first(where: predicate) { return line }
            if !process.isRunning {
                if let line = standardOutput.split(separator: "\n").map(String.init).first(where: predicate) { return line }
                throw Timeout(description: "process exited (\(process.terminationStatus)) without the line; stdout: \(standardOutput) stderr: \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // One more look: a busy machine may not have run this task again until after the deadline.
        if let line = standardOutput.split(separator: "\n").map(String.init).first(where: predicate) { return line }
        throw Timeout(description: "no such line within \(seconds) s; stdout: \(standardOutput) stderr: \(standardError)")
    }

    /// Writes to the process's standard input (started with `standardInput: true`).
    public func send(_ text: String) {
        input?.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Closes the process's standard input (end of file for a peer that reads commands).
    public func closeInput() {
        try? input?.fileHandleForWriting.close()
    }

    /// The next line of standard output not handed out yet, waiting at most `seconds` (without blocking a thread).
    public func nextLine(timeout seconds: Double = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let line: String? = lock.withLock {
                let unread = buffer.dropFirst(consumed)
                guard let newline = unread.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                consumed = newline - buffer.startIndex + 1
                return String(decoding: unread[unread.startIndex..<newline], as: UTF8.self)
            }
            if let line { return line }
            if !process.isRunning {
                throw Timeout(description: "process exited (\(process.terminationStatus)): \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw Timeout(description: "no line within \(seconds) s: \(standardError)")
    }

    /// Sends a signal (SIGINT, SIGTERM) and waits up to `seconds` for the process to end; returns its status.
    public func signal(_ number: Int32, waitingUpTo seconds: Double = 10) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, number)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return exitStatus
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

    /// Stops the process (SIGTERM, then SIGKILL after a second) and waits for it, at most three seconds in all
    /// (Foundation sometimes never notices a child's exit; the zombie is then reaped here).
    public func terminate() {
        defer {
            output.fileHandleForReading.readabilityHandler = nil
            errors.fileHandleForReading.readabilityHandler = nil
        }
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        var deadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(10_000)
        }
    }

    deinit { terminate() }
}

/// The command line that runs `executable` with no signal blocked.
///
/// Processes started from a Swift concurrency thread inherit its signal mask, in which SIGTERM and SIGINT are
/// blocked, so a peer (or `timeout` inside a peer's script) would never see them. This puts a tiny `python3`
/// shim in front that clears the mask and then replaces itself with the command (same process id).
public func unblockingSignals(_ executable: URL, _ arguments: [String]) -> (URL, [String]) {
    let shim = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"
    return (URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", shim, executable.path] + arguments)
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
