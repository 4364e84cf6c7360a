import HTTPTypes
import Hummingbird
import LMOSDirectory
import ServerSentEvents
import ServiceLifecycle

/// `/events` and `/events/{type}` (WoT Discovery 7.3.2.4): Server-Sent Events of the directory's changes, with
/// `diff=true` for whole descriptions / merge patches and `Last-Event-ID` to resume.
extension DirectoryResponder {
    private enum Item: Sendable {
        case event(DirectoryEvent)
        case tick
    }

    func events(_ request: Request, client: String, typeName: String?) async throws -> Response {
        var types: Set<DirectoryEventType>?
        if let typeName {
            guard let type = DirectoryEventType(name: typeName) else {
                throw Problem(.notFound, "no event type \(typeName): use thing_created, thing_updated or thing_deleted")
            }
            types = [type]
        }
        let parameters = QueryParameters(request.uri.query)
        let diff: Bool
        switch parameters["diff"] {
        case nil, "false"?: diff = false
        case "true"?, ""?: diff = true
        case let other?: throw Problem(.badRequest, "diff must be true or false, not '\(other)'")
        }
        var resumeFrom: Int64?
        if let lastEventID = request.headers[.lastEventID]?.trimmingSpaces(), !lastEventID.isEmpty {
            guard let value = Int64(lastEventID), value >= 0 else {
                throw Problem(.badRequest, "Last-Event-ID must be an event id this directory sent, not '\(lastEventID)'")
            }
            resumeFrom = value
        }
        if let accept = request.headers[.accept],
            ContentNegotiation.choose(accept: accept, offers: [MediaType.eventStream]) == nil
        {
            throw Problem(.notAcceptable, "events are sent as text/event-stream")
        }
        // A HEAD gets the headers only: it holds no stream.
        let slot: StreamSlot?
        if request.method == .head {
            slot = nil
        } else {
            guard let opened = limits.openStream(client) else {
                throw Problem(
                    .tooManyRequests,
                    "\(client) has \(configuration.maximumEventStreamsPerClient ?? 0) event streams open, the most one client may")
            }
            slot = opened
        }
        let stream = directory.events(after: resumeFrom, types: types)
        let heartbeat = configuration.heartbeatInterval
        let logger = self.logger
        let headers: HTTPFields = [.contentType: MediaType.eventStream, .cacheControl: "no-cache"]
        let requestBody = request.body
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // The slot is given back when this closure (which holds it) is released.
            withExtendedLifetime(slot) {}
            let (items, continuation) = AsyncStream<Item>.makeStream()
            // A client that goes away ends the stream at once (not at the next heartbeat), which gives its slot back.
            try await requestBody.consumeWithInboundCloseHandler({ _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await event in stream { continuation.yield(.event(event)) }
                        } catch {
                            logger.warning("event stream ended", metadata: ["error": "\(error)"])
                        }
                        continuation.finish()
                    }
                    group.addTask {
                        // Graceful shutdown ends the stream (open event streams must not hold the server up).
                        try? await gracefulShutdown()
                        continuation.finish()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .milliseconds(Int(heartbeat * 1000)))
                            continuation.yield(.tick)
                        }
                    }
                    var lastWrite = ContinuousClock.now
                    for await item in items {
                        switch item {
                        case .event(let event):
                            let bytes = ServerSentEvent.encode(event: event.type.name, id: "\(event.id)", data: event.data(diff: diff))
                            try await writer.write(ByteBuffer(bytes: bytes))
                            lastWrite = .now
                        case .tick:
                            if ContinuousClock.now - lastWrite >= .milliseconds(Int(heartbeat * 1000) - 50) {
                                try await writer.write(ByteBuffer(bytes: ServerSentEvent.heartbeat))
                                lastWrite = .now
                            }
                        }
                    }
                    group.cancelAll()
                }
            }, onInboundClosed: { continuation.finish() })
            try await writer.finish(nil)
        })
    }
}
