import HTTPTypes
import Hummingbird
import LMOSCore
import LMOSDescription
import LMOSMessaging
import ServerSentEvents

/// The HTTP binding of exposed things (the WoT HTTP binding's default vocabulary): under `/{id}` the description,
/// `properties/{name}` (GET, PUT, `/observation` as Server-Sent Events), `properties` (GET all, PUT several),
/// `actions/{name}` (POST: 200 with the output, 201 with a status URL for long actions or `Prefer: respond-async`,
/// an event stream of statuses for `Accept: text/event-stream`), `actions/{name}/{invocation}` (GET status,
/// DELETE cancels), `events/{name}` and `events` (Server-Sent Events). Errors are RFC 7807 problems.
struct HTTPBindingResponder: Sendable {
    let host: ThingHost

    // MARK: Descriptions

    func wellKnown(_ request: Request) async throws -> Response {
        guard let entry = host.primary else { throw HTTPProblem(.notFound("this server exposes no thing yet")) }
        return await describe(entry)
    }

    func description(_ request: Request, thing: String) async throws -> Response {
        await describe(try entry(thing))
    }

    private func describe(_ entry: ThingHost.Entry) async -> Response {
        let description = await entry.thing.currentDescription()
        return Self.body(description.jsonValue, contentType: "application/td+json")
    }

    // MARK: Properties

    func readProperty(_ request: Request, thing: String, name: String) async throws -> Response {
        let entry = try entry(thing)
        let value = try await call { () async throws(ProblemDetails) in
            try await entry.thing.readProperty(name, context: context(request, entry))
        }
        return Self.value(value, request: request)
    }

    func readAllProperties(_ request: Request, thing: String) async throws -> Response {
        let entry = try entry(thing)
        let values = try await call { () async throws(ProblemDetails) in
            try await entry.thing.readAllProperties(context: context(request, entry))
        }
        return Self.value(.object(values), request: request)
    }

    func writeProperty(_ request: Request, thing: String, name: String) async throws -> Response {
        let entry = try entry(thing)
        let value = try await body(request)
        _ = try await call { () async throws(ProblemDetails) in
            try await entry.thing.writeProperty(name, value: value, context: context(request, entry))
        }
        return Response(status: .noContent)
    }

    func writeMultipleProperties(_ request: Request, thing: String) async throws -> Response {
        let entry = try entry(thing)
        guard case .object(let values) = try await body(request) else {
            throw HTTPProblem(.badRequest("the body must be an object of property names and values"))
        }
        for member in values {
            _ = try await call { () async throws(ProblemDetails) in
                try await entry.thing.writeProperty(member.key, value: member.value, context: context(request, entry))
            }
        }
        return Response(status: .noContent)
    }

    func observeProperty(_ request: Request, thing: String, name: String) async throws -> Response {
        let entry = try entry(thing)
        let changes = try await call { () async throws(ProblemDetails) in try await entry.thing.observeProperty(name) }
        return Self.eventStream(changes.map { (name, $0) }, heartbeat: host.limits.heartbeatInterval)
    }

    // MARK: Actions

    func invokeAction(_ request: Request, thing: String, name: String) async throws -> Response {
        let entry = try entry(thing)
        var request = request
        let buffer = try await request.collectBody(upTo: host.limits.maximumMessageSize)
        let input: JSONValue? = buffer.readableBytes == 0 ? nil : try Self.decode(buffer, request: request)
        let id = UUIDv4.random()
        let interaction = InteractionContext(
            thingID: entry.thing.id, invocationID: id, trace: Self.trace(request), transport: .http)
        let work = try await call { () async throws(ProblemDetails) in
            try await entry.thing.prepareAction(name, input: input, context: interaction)
        }
        let statuses = try await call { () async throws(ProblemDetails) in
            try await entry.runner.start(id: id, action: name, work: work)
        }
        let statusPath = "/\(PercentEncoding.encodePathSegment(entry.thing.id))/actions/"
            + "\(PercentEncoding.encodePathSegment(name))/\(id)"
        if Self.accepts(request, "text/event-stream") {
            return Self.eventStream(
                statuses.map { ("actionStatus", ActionStatusJSON.encode($0, href: statusPath)) },
                heartbeat: host.limits.heartbeatInterval)
        }
        let respondAsync = request.headers[HTTPField.Name.prefer].map { $0.lowercased().contains("respond-async") } ?? false
        if respondAsync || work.reportsProgress {
            var headers: HTTPFields = [.location: statusPath]
            headers[.contentType] = "application/json"
            let current = await entry.runner.invocation(id: id)?.report
                ?? ActionStatusReport(action: name, status: .pending, timeRequested: .now())
            return Response(
                status: .created, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: ActionStatusJSON.encode(current, href: statusPath).jsonBytes())))
        }
        var final: ActionStatusReport?
        for await report in statuses where report.status.isFinal { final = report }
        guard let final else { throw HTTPProblem(.internalError("the invocation ended without a status")) }
        if final.status == .failed { throw HTTPProblem(final.error ?? .internalError("the action failed")) }
        guard let output = final.output else { return Response(status: .noContent) }
        return Self.value(output, request: request)
    }

    func actionStatus(_ request: Request, thing: String, name: String, invocation: String) async throws -> Response {
        let entry = try entry(thing)
        guard let state = await entry.runner.invocation(id: invocation), state.action == name else {
            throw HTTPProblem(.notFound("no invocation \(invocation) of \(name)"))
        }
        if Self.accepts(request, "text/event-stream"), let statuses = await entry.runner.follow(id: invocation) {
            return Self.eventStream(
                statuses.map { ("actionStatus", ActionStatusJSON.encode($0, href: nil)) }, heartbeat: host.limits.heartbeatInterval)
        }
        return Self.body(ActionStatusJSON.encode(state.report, href: nil), contentType: "application/json")
    }

    func cancelAction(_ request: Request, thing: String, name: String, invocation: String) async throws -> Response {
        let entry = try entry(thing)
        guard let state = await entry.runner.invocation(id: invocation), state.action == name else {
            throw HTTPProblem(.notFound("no invocation \(invocation) of \(name)"))
        }
        switch await entry.runner.cancel(id: invocation, reason: request.headers[HTTPField.Name.cancelReason]) {
        case .cancelled(let report), .alreadyEnded(let report):
            return Self.body(ActionStatusJSON.encode(report, href: nil), contentType: "application/json")
        case .unknown:
            throw HTTPProblem(.notFound("no invocation \(invocation) of \(name)"))
        }
    }

    // MARK: Events

    func subscribeEvent(_ request: Request, thing: String, name: String) async throws -> Response {
        let entry = try entry(thing)
        let occurrences = try await call { () async throws(ProblemDetails) in try await entry.thing.subscribeEvent(name) }
        return Self.eventStream(occurrences.map { (name, $0) }, heartbeat: host.limits.heartbeatInterval)
    }

    func subscribeAllEvents(_ request: Request, thing: String) async throws -> Response {
        let entry = try entry(thing)
        let (merged, continuation) = AsyncStream<(String, JSONValue)>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        var tasks: [Task<Void, Never>] = []
        for name in await entry.thing.eventNames() {
            let occurrences = try await call { () async throws(ProblemDetails) in try await entry.thing.subscribeEvent(name) }
            tasks.append(Task { for await data in occurrences { continuation.yield((name, data)) } })
        }
        let all = tasks
        continuation.onTermination = { _ in for task in all { task.cancel() } }
        return Self.eventStream(merged, heartbeat: host.limits.heartbeatInterval)
    }

    // MARK: Helpers

    private func entry(_ thing: String) throws -> ThingHost.Entry {
        if let entry = host.entry(id: thing) { return entry }
        if let decoded = PercentEncoding.decode(thing), let entry = host.entry(id: decoded) { return entry }
        throw HTTPProblem(.notFound("this server exposes no thing with id \(PercentEncoding.decode(thing) ?? thing)"))
    }

    private func context(_ request: Request, _ entry: ThingHost.Entry) -> InteractionContext {
        InteractionContext(thingID: entry.thing.id, trace: Self.trace(request), transport: .http)
    }

    private func call<T>(_ body: () async throws(ProblemDetails) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw HTTPProblem(error)
        }
    }

    private func body(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: host.limits.maximumMessageSize)
        guard buffer.readableBytes > 0 else { throw HTTPProblem(.badRequest("the request has no body")) }
        return try Self.decode(buffer, request: request)
    }

    static func decode(_ buffer: ByteBuffer, request: Request) throws -> JSONValue {
        let type = request.headers[.contentType]?.lowercased() ?? "application/json"
        do {
            if type.hasPrefix("application/cbor") { return try JSONValue(cbor: buffer.readableBytesView) }
            return try JSONValue(parsing: buffer.readableBytesView)
        } catch {
            throw HTTPProblem(.badRequest("the body is not \(type.hasPrefix("application/cbor") ? "CBOR" : "JSON"): \(error)"))
        }
    }

    static func trace(_ request: Request) -> TraceContext? {
        guard let parent = request.headers[HTTPField.Name.traceparent] else { return nil }
        return TraceContext(traceparent: parent, tracestate: request.headers[HTTPField.Name.tracestate])?.child()
    }

    static func accepts(_ request: Request, _ type: String) -> Bool {
        request.headers[.accept]?.lowercased().contains(type) ?? false
    }

    /// A value as JSON, or as CBOR when the client asks for CBOR and not JSON.
    static func value(_ value: JSONValue, request: Request) -> Response {
        if let accept = request.headers[.accept]?.lowercased(), accept.contains("application/cbor"),
            !accept.contains("json")
        {
            return Response(
                status: .ok, headers: [.contentType: "application/cbor"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.cborBytes())))
        }
        return body(value, contentType: "application/json")
    }

    static func body(_ value: JSONValue, contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.jsonBytes())))
    }

    /// Server-Sent Events of `(event type, JSON data)`, until the source ends or the client goes away. A comment
    /// line every `heartbeat` seconds keeps proxies from closing an idle stream and finds clients that left (the
    /// write fails), so their subscriptions end.
    static func eventStream<S: AsyncSequence & Sendable>(_ items: S, heartbeat: Double) -> Response
    where S.Element == (String, JSONValue) {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                // The headers go out at once, so that the client knows it is subscribed.
                try await writer.write(ByteBuffer(bytes: ServerSentEvent.heartbeat))
                let (merged, continuation) = AsyncStream<(String, JSONValue)?>.makeStream()
                let source = Task {
                    do {
                        for try await item in items { continuation.yield(item) }
                    } catch {}
                    continuation.finish()
                }
                let ticker = Task {
                    while !Task.isCancelled {
                        do {
                            try await Task.sleep(for: .milliseconds(Int(heartbeat * 1000)))
                        } catch {
                            return
                        }
                        continuation.yield(nil)
                    }
                }
                defer {
                    source.cancel()
                    ticker.cancel()
                }
                for await item in merged {
                    if let (type, data) = item {
                        try await writer.write(
                            ByteBuffer(bytes: ServerSentEvent.encode(event: type, id: nil, data: data.jsonBytes())))
                    } else {
                        try await writer.write(ByteBuffer(bytes: ServerSentEvent.heartbeat))
                    }
                }
                try await writer.finish(nil)
            })
    }
}

/// A problem that becomes an `application/problem+json` response.
struct HTTPProblem: Error, HTTPResponseError {
    let problem: ProblemDetails

    init(_ problem: ProblemDetails) { self.problem = problem }

    var status: HTTPResponse.Status { .init(code: problem.status) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var object = problem.json(statusAsString: false)
        if object["instance"] == nil { object["instance"] = .string(request.uri.path) }
        return Response(
            status: status, headers: [.contentType: "application/problem+json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONValue.object(object).jsonBytes())))
    }
}

extension HTTPField.Name {
    static let prefer = Self("Prefer")!
    static let traceparent = Self("traceparent")!
    static let tracestate = Self("tracestate")!
    /// An optional reason given with a DELETE that cancels an invocation.
    static let cancelReason = Self("LMOS-Cancel-Reason")!
}
