import AsyncHTTPClient
import Foundation
import LMOSCore
import NIOCore
import NIOHTTP1

/// One Server-Sent Event as a client sees it (HTML 9.2.6: `event:`, `id:`, `data:` lines, dispatched at a blank
/// line).
struct ServerSentEvent: Sendable, Equatable, CustomStringConvertible {
    var type: String
    var id: String?
    var data: String

    func json() throws -> JSONValue { try JSONValue(parsing: data) }

    var description: String { "\(type) #\(id ?? "-") \(data)" }
}

/// A streaming SSE client on AsyncHTTPClient: it reads the response body as it arrives and parses events line by
/// line, so a test can wait for each one with a timeout.
final class EventStreamClient: @unchecked Sendable {
    let status: Int
    let headers: HTTPHeaders
    private let lock = NSLock()
    private var events: [ServerSentEvent] = []
    private var pending: [UInt8] = []
    private var fields: (type: String?, id: String?, data: [String]) = (nil, nil, [])
    private var ended = false
    private var reader: Task<Void, Never>?
    /// The body of a non-200 answer (a problem).
    private(set) var errorBody: [UInt8] = []

    private init(status: Int, headers: HTTPHeaders) {
        self.status = status
        self.headers = headers
    }

    /// Subscribes to `path` (`/events`, `/events/thing_created?diff=true`, ...). Returns once the response head
    /// arrived: the server has subscribed by then, so changes made afterwards are delivered.
    static func open(
        _ directory: LiveDirectory, _ path: String, lastEventID: String? = nil, accept: String? = "text/event-stream"
    ) async throws -> EventStreamClient {
        var request = HTTPClientRequest(url: directory.url + path)
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, deadline: .now() + .minutes(5))
        let client = EventStreamClient(status: Int(response.status.code), headers: response.headers)
        if response.status != .ok {
            let body = try await response.body.collect(upTo: 1 << 20)
            client.errorBody = Array(body.readableBytesView)
            client.ended = true
            return client
        }
        client.reader = Task {
            do {
                for try await chunk in response.body { client.feed(Array(chunk.readableBytesView)) }
            } catch {}
            client.lock.withLock { client.ended = true }
        }
        return client
    }

    /// The next event, waiting at most `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> ServerSentEvent {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (event, isOver): (ServerSentEvent?, Bool) = lock.withLock {
                events.isEmpty ? (nil, ended) : (events.removeFirst(), false)
            }
            if let event { return event }
            if isOver { throw HarnessError("the event stream ended") }
            if ContinuousClock.now >= deadline { throw HarnessError("no event within \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The next `count` events.
    func next(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [ServerSentEvent] {
        var result: [ServerSentEvent] = []
        for _ in 0..<count { result.append(try await next(timeout: timeout)) }
        return result
    }

    /// The events that arrive within `duration` (to check that nothing else comes).
    func drain(for duration: Duration) async throws -> [ServerSentEvent] {
        try await Task.sleep(for: duration)
        return lock.withLock {
            defer { events.removeAll() }
            return events
        }
    }

    /// Whether the server ended the stream.
    var hasEnded: Bool { lock.withLock { ended } }

    /// Hangs up.
    func close() {
        reader?.cancel()
    }

    private func feed(_ bytes: [UInt8]) {
        lock.withLock {
            pending += bytes
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                process(String(decoding: line, as: UTF8.self))
            }
        }
    }

    private func process(_ line: String) {
        if line.isEmpty {
            if !fields.data.isEmpty {
                events.append(
                    ServerSentEvent(type: fields.type ?? "message", id: fields.id, data: fields.data.joined(separator: "\n")))
            }
            fields = (nil, nil, [])
            return
        }
        if line.hasPrefix(":") { return }
        let name: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            name = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            name = Substring(line)
            value = ""
        }
        switch name {
        case "event": fields.type = String(value)
        case "id": fields.id = String(value)
        case "data": fields.data.append(String(value))
        default: break
        }
    }
}
