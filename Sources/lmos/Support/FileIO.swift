#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing whole files and standard streams, with errors that name the file and the reason.
enum FileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The bytes of `path`, or of standard input when `path` is `-`.
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return try readAll(fileDescriptor: 0, name: "standard input") }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure(description: "\(path): \(lastError())") }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw Failure(description: "\(path): is a directory")
        }
        return try readAll(fileDescriptor: descriptor, name: path)
    }

    static func readAll(fileDescriptor: Int32, name: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "\(name): \(lastError())")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes `bytes` to `path` (created with mode 0644, replaced if present), or to standard output when `path` is
    /// `nil` or `-`.
    static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path, path != "-" else {
            try writeAll(bytes, fileDescriptor: 1, name: "standard output")
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "\(path): \(lastError())") }
        defer { close(descriptor) }
        try writeAll(bytes, fileDescriptor: descriptor, name: path)
    }

    static func writeAll(_ bytes: [UInt8], fileDescriptor: Int32, name: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "\(name): \(lastError())")
            }
            offset += written
        }
    }

    /// Whether standard output is a terminal.
    static var standardOutputIsTerminal: Bool { isatty(1) != 0 }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Prints one line to standard error.
func printError(_ message: String) {
    var line = Array("lmos: \(message)\n".utf8)
    _ = line.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// Pushes buffered standard output out now (for lines that a script or a test waits for).
func flushStandardOutput() {
    fflush(nil)
}

/// Rows as columns padded to their widest cell, two spaces apart; the last column is not padded.
func renderTable(_ rows: [[String]]) -> String {
    var widths = Array(repeating: 0, count: rows.map(\.count).max() ?? 0)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
    return rows.map { row in
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
