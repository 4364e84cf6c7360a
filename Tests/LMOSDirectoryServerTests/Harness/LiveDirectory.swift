import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LMOSCore
import LMOSTestSupport
import NIOCore
import NIOHTTP1

/// A real `lmos directory serve` process on a free port with its own SQLite file, started as a user would start
/// it. Tests talk to it over HTTP and stop it when done (`defer { directory.stop() }`).
final class LiveDirectory: Sendable {
    let process: BackgroundProcess
    /// `http://127.0.0.1:PORT`, from the line the server prints when it listens.
    let url: String
    /// The temporary folder that holds the SQLite file.
    let folder: URL
    let ownsFolder: Bool

    var storePath: String { Self.storePath(in: folder) }
    var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

    static func storePath(in folder: URL) -> String { folder.appendingPathComponent("directory.sqlite").path }

    private init(process: BackgroundProcess, url: String, folder: URL, ownsFolder: Bool) {
        self.process = process
        self.url = url
        self.folder = folder
        self.ownsFolder = ownsFolder
    }

    /// Starts a server on port 0. With `folder`, it uses (and keeps) the SQLite file there: how a test restarts a
    /// directory on the same store.
    static func start(in folder: URL? = nil, arguments: [String] = []) async throws -> LiveDirectory {
        let used = try folder ?? Subprocess.temporaryDirectory(prefix: "lmos-directory-server")
        let process = try BackgroundProcess(
            lmosBinary(),
            ["directory", "serve", "--port", "0", "--store", "sqlite:" + storePath(in: used)] + arguments)
        let line = try await firstLine(of: process, timeout: .seconds(30))
        // lmos directory listening on http://127.0.0.1:43567 (store sqlite:...)
        guard let start = line.range(of: "http://") else {
            process.terminate()
            throw HarnessError("unexpected first line of the server: \(line)")
        }
        let url = String(line[start.lowerBound...].prefix { $0 != " " })
        guard line.hasPrefix("lmos directory listening on "), url.count > "http://".count else {
            process.terminate()
            throw HarnessError("unexpected first line of the server: \(line)")
        }
        return LiveDirectory(process: process, url: url, folder: used, ownsFolder: folder == nil)
    }

    /// Stops the server (SIGTERM) and removes its folder unless the test gave it.
    func stop() {
        process.terminate()
        if ownsFolder { try? FileManager.default.removeItem(at: folder) }
    }

    /// Stops the server and keeps the folder (to start another one on the same store).
    func stopKeepingStore() {
        process.terminate()
    }

    // MARK: - HTTP

    /// One request, answered in full. `path` is appended to the base URL as it is (already percent-encoded).
    func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = nil, accept: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }

    func get(_ path: String, accept: String? = nil) async throws -> HTTPAnswer {
        try await send(.GET, path, accept: accept)
    }

    /// `PUT /things/{id}` of a JSON document (`application/td+json`).
    @discardableResult
    func put(_ id: String, _ document: JSONValue, contentType: String = "application/td+json") async throws -> HTTPAnswer {
        try await send(.PUT, Paths.thing(id), body: document.jsonBytes(), contentType: contentType)
    }

    /// `POST /things` of a JSON document.
    @discardableResult
    func post(_ document: JSONValue) async throws -> HTTPAnswer {
        try await send(.POST, "/things", body: document.jsonBytes(), contentType: "application/td+json")
    }

    /// `PATCH /things/{id}` with a merge patch.
    @discardableResult
    func patch(_ id: String, _ patch: JSONValue, contentType: String = "application/merge-patch+json") async throws -> HTTPAnswer {
        try await send(.PATCH, Paths.thing(id), body: patch.jsonBytes(), contentType: contentType)
    }

    @discardableResult
    func delete(_ id: String) async throws -> HTTPAnswer {
        try await send(.DELETE, Paths.thing(id))
    }

    /// The registered description, or nil on 404.
    func description(_ id: String) async throws -> JSONValue? {
        let answer = try await get(Paths.thing(id))
        if answer.status == 404 { return nil }
        guard answer.status == 200 else { throw HarnessError("GET \(id): \(answer.status) \(answer.text)") }
        return try answer.json()
    }

    /// Registers descriptions with PUT, expecting 201 for each.
    func register(_ documents: [JSONValue]) async throws {
        for document in documents {
            let id = document["id"]?.stringValue ?? ""
            let answer = try await put(id, document)
            guard answer.status == 201 else { throw HarnessError("PUT \(id): \(answer.status) \(answer.text)") }
        }
    }

    /// The raw bytes the server sends for a request written by hand (for what a client library hides: a HEAD
    /// response's body, the exact bytes on the wire). The connection is closed after one response.
    func raw(_ requestLine: String, headers: [String] = []) throws -> [UInt8] {
        try RawHTTP.exchange(
            port: port, text: ([requestLine, "Host: 127.0.0.1:\(port)", "Connection: close"] + headers).joined(separator: "\r\n")
                + "\r\n\r\n")
    }

    private static func firstLine(of process: BackgroundProcess, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let output = process.standardOutput
            if let newline = output.firstIndex(of: "\n") { return String(output[..<newline]) }
            if !process.isRunning {
                throw HarnessError("the server exited (\(process.exitStatus ?? -1)) before listening: \(process.standardError)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        process.terminate()
        throw HarnessError("the server printed nothing within \(timeout): \(process.standardError)")
    }
}

/// A complete HTTP response.
struct HTTPAnswer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> JSONValue { try JSONValue(parsing: body) }

    /// The first value of a header.
    func header(_ name: String) -> String? { headers.first(name: name) }

    var contentType: String? { header("Content-Type") }

    /// Every `Link` header value, parsed (RFC 8288).
    var links: [LinkValue] { headers["Link"].flatMap { LinkValue.parse($0) } }

    func link(_ relation: String) -> LinkValue? { links.first { $0.relations.contains(relation) } }
}

/// One link of an RFC 8288 `Link` header: `<target>; rel="next"; etag="12"`.
struct LinkValue: Sendable, Equatable {
    var target: String
    var parameters: [String: String]

    var relations: [String] { (parameters["rel"] ?? "").split(separator: " ").map(String.init) }

    /// The links in one header value. Returns an empty array when the value is not `link-value` syntax, so that
    /// tests notice malformed headers.
    static func parse(_ value: String) -> [LinkValue] {
        var links: [LinkValue] = []
        var scalars = Substring(value)
        func skipSpaces() { while scalars.first == " " || scalars.first == "\t" { scalars = scalars.dropFirst() } }
        while true {
            skipSpaces()
            guard scalars.first == "<", let close = scalars.firstIndex(of: ">") else { return links }
            let target = String(scalars[scalars.index(after: scalars.startIndex)..<close])
            scalars = scalars[scalars.index(after: close)...]
            var parameters: [String: String] = [:]
            while true {
                skipSpaces()
                guard scalars.first == ";" else { break }
                scalars = scalars.dropFirst()
                skipSpaces()
                let name = scalars.prefix { $0 != "=" && $0 != ";" && $0 != "," && $0 != " " }
                scalars = scalars.dropFirst(name.count)
                skipSpaces()
                var parameterValue = ""
                if scalars.first == "=" {
                    scalars = scalars.dropFirst()
                    skipSpaces()
                    if scalars.first == "\"" {
                        scalars = scalars.dropFirst()
                        guard let end = scalars.firstIndex(of: "\"") else { return [] }
                        parameterValue = String(scalars[..<end])
                        scalars = scalars[scalars.index(after: end)...]
                    } else {
                        let token = scalars.prefix { $0 != ";" && $0 != "," && $0 != " " }
                        parameterValue = String(token)
                        scalars = scalars.dropFirst(token.count)
                    }
                }
                parameters[name.lowercased()] = parameterValue
            }
            links.append(LinkValue(target: target, parameters: parameters))
            skipSpaces()
            guard scalars.first == "," else { return scalars.isEmpty ? links : [] }
            scalars = scalars.dropFirst()
        }
    }

    /// The query parameters of the target, percent-decoded.
    var query: [String: String] {
        guard let mark = target.firstIndex(of: "?") else { return [:] }
        var result: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? String(parts[1]) : ""
            result[String(parts[0])] = value.removingPercentEncoding ?? value
        }
        return result
    }

    /// The path of the target (without the query).
    var path: String { String(target.prefix { $0 != "?" }) }
}

/// Paths of the directory API with ids percent-encoded.
enum Paths {
    /// `/things/{id}` with every character outside RFC 3986 `unreserved` and `:` percent-encoded.
    static func thing(_ id: String) -> String { "/things/" + encode(id) }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet()
        allowed.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `path?name=value&...` with values percent-encoded.
    static func query(_ path: String, _ parameters: [(String, String)]) -> String {
        parameters.isEmpty ? path : path + "?" + parameters.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// An HTTP exchange on a plain socket: what AsyncHTTPClient would not show (bytes after a HEAD response).
enum RawHTTP {
    static func exchange(port: Int, text: String, timeoutSeconds: Int = 10) throws -> [UInt8] {
        try converse(port: port, text: text, timeoutSeconds: timeoutSeconds) { _ in false }
    }

    /// Sends `text` and reads until `terminator` appears after the header block (for streams that do not end).
    static func readStream(port: Int, text: String, until terminator: [UInt8], timeoutSeconds: Int = 10) throws -> String {
        let bytes = try converse(port: port, text: text, timeoutSeconds: timeoutSeconds) { received in
            let body = split(received).body
            guard body.count >= terminator.count else { return false }
            return (0...(body.count - terminator.count)).contains { Array(body[$0..<($0 + terminator.count)]) == terminator }
        }
        return String(decoding: split(bytes).body, as: UTF8.self)
    }

    private static func converse(port: Int, text: String, timeoutSeconds: Int, isComplete: ([UInt8]) -> Bool) throws -> [UInt8] {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw HarnessError("socket() failed") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError("connect() to port \(port) failed") }
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw HarnessError("send() failed") }
            sent += count
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw HarnessError("recv() failed or timed out after \(received.count) bytes") }
            received += chunk[..<count]
            if isComplete(received) { break }
        }
        return received
    }

    /// Splits a raw response into its head (status line and headers, as text) and the bytes after the blank line.
    static func split(_ response: [UInt8]) -> (head: String, body: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard response.count >= 4 else { return (String(decoding: response, as: UTF8.self), []) }
        for index in 0...(response.count - 4) where Array(response[index..<(index + 4)]) == separator {
            return (String(decoding: response[..<index], as: UTF8.self), Array(response[(index + 4)...]))
        }
        return (String(decoding: response, as: UTF8.self), [])
    }
}

/// Runs the `lmos` command-line tool to completion.
enum CLI {
    /// Waits on a thread of its own, not on one of the few threads of Swift's cooperative pool (tests run in
    /// parallel; a blocked pool would stall every other test).
    static func run(_ arguments: [String], stdin: Data? = nil, in folder: URL? = nil) async throws -> Subprocess.Result {
        let binary = try lmosBinary()
        return try await onThread { try Subprocess.run(binary, arguments, stdin: stdin, in: folder) }
    }
}

/// Runs blocking work on a thread of its own and waits for it without blocking a cooperative thread.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
