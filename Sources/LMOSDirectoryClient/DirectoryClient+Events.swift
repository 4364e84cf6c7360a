import AsyncHTTPClient
import LMOSCore
import ServerSentEvents
import NIOCore

/// A change in a directory, as its `/events` stream reports it.
public struct DirectoryChange: Sendable {
    /// `thing_created`, `thing_updated` or `thing_deleted`.
    public let type: String
    /// The event id (resume after it with `lastEventID`).
    public let eventID: String?
    /// The id of the description that changed.
    public let thingID: String?
    /// The event data: `{"id": ...}`, or with `diff` the whole description (created) or a merge patch (updated).
    public let data: JSONValue
}

extension DirectoryClient {
    /// The directory's change events as they happen (WoT Discovery Notification API). When the connection drops
    /// the stream reconnects with the last event id, so no change is missed while the directory keeps its log; it
    /// ends when the consuming task is cancelled, or fails after `maximumRetries` failed reconnections in a row.
    ///
    /// - Parameters:
    ///   - types: event types to receive (nil: all).
    ///   - diff: whole descriptions for creations and merge patches for updates.
    ///   - lastEventID: resume after this event.
    public func events(types: [String]? = nil, diff: Bool = false, lastEventID: String? = nil, maximumRetries: Int = 5)
        -> AsyncThrowingStream<DirectoryChange, any Error>
    {
        AsyncThrowingStream { continuation in
            let task = Task {
                var cursor = lastEventID
                var failures = 0
                while !Task.isCancelled {
                    do {
                        try await receive(types: types, diff: diff, after: cursor) { change in
                            if let id = change.eventID { cursor = id }
                            failures = 0
                            continuation.yield(change)
                        }
                        // The directory ended the stream (it is shutting down, or we lagged): reconnect.
                    } catch is CancellationError {
                        break
                    } catch {
                        failures += 1
                        if failures > maximumRetries {
                            continuation.finish(throwing: error)
                            return
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(min(5000, 200 * (1 << min(failures, 5)))))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func receive(types: [String]?, diff: Bool, after cursor: String?, _ deliver: (DirectoryChange) -> Void) async throws {
        let path = (types?.count == 1 ? "/events/" + (types?[0] ?? "") : "/events") + (diff ? "?diff=true" : "")
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let cursor { request.headers.add(name: "Last-Event-ID", value: cursor) }
        if let header = try await authorizationHeader() { request.headers.add(name: "Authorization", value: header) }
        let response = try await http.execute(request, deadline: .distantFuture)
        guard response.status.code == 200 else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw DirectoryClientError(status: Int(response.status.code), body: Array(body.readableBytesView))
        }
        var parser = ServerSentEventParser()
        let wanted = types.map(Set.init)
        for try await buffer in response.body {
            for message in parser.feed(buffer.readableBytesView) {
                let type = message.event ?? "message"
                if let wanted, !wanted.contains(type) { continue }
                let data = (try? JSONValue(parsing: message.data)) ?? .string(message.data)
                deliver(DirectoryChange(type: type, eventID: message.id, thingID: data["id"]?.stringValue, data: data))
            }
        }
    }
}
