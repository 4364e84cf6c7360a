import AsyncHTTPClient
import LMOSCore
import LMOSMessaging
import NIOCore
import NIOHTTP1
import ServerSentEvents

/// The client side of the HTTP binding: requests to the absolute URLs of a description's forms.
public struct HTTPBindingClient: Sendable {
    let http: HTTPClient
    /// How long a request may take (event streams excepted).
    public var timeout: TimeAmount = .seconds(60)
    /// The largest body read.
    public var maximumBodySize = 16 << 20
    /// The credentials for a request to a URL (asked for anew each time, so that tokens can be renewed); it may
    /// refuse a URL it should not send credentials to.
    public var authorization: (@Sendable (_ url: String) async throws(BindingError) -> RequestAuthorization)?

    /// - Parameters:
    ///   - httpClient: the client to use; its TLS settings (a custom CA, a client certificate) apply to `https`.
    ///   - authorization: the credentials a secured thing asks for.
    public init(
        httpClient: HTTPClient = HTTPBindingClient.sharedHTTPClient,
        authorization: (@Sendable (_ url: String) async throws(BindingError) -> RequestAuthorization)? = nil
    ) {
        http = httpClient
        self.authorization = authorization
    }

    /// `request` with the credentials added.
    private func authorize(_ request: inout HTTPClientRequest) async throws(BindingError) {
        guard let authorization else { return }
        let credentials = try await authorization(request.url)
        request.url = credentials.apply(to: request.url)
        for (name, value) in credentials.headers { request.headers.replaceOrAdd(name: name, value: value) }
    }

    /// The client the bindings use by default: like `HTTPClient.shared`, but a refused connection fails at once
    /// instead of being retried until the request's deadline, and connecting may take 10 s at most.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10))
        configuration.connectionPool.retryConnectionEstablishment = false
        // Credentials must not follow a redirect to another host (AsyncHTTPClient drops Authorization and Cookie
        // then, but not an API key header); bindings answer directly.
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// GET `url` as JSON (a property's value, all properties, an action's status).
    public func get(_ url: String, trace: TraceContext? = nil) async throws(BindingError) -> JSONValue {
        let (_, body) = try await send(.GET, url, body: nil, trace: trace)
        return try Self.json(body, url: url)
    }

    /// PUT `value` to `url` as JSON (write a property, or several).
    public func put(_ url: String, _ value: JSONValue, trace: TraceContext? = nil) async throws(BindingError) {
        _ = try await send(.PUT, url, body: value, trace: trace)
    }

    /// The result of a POST to an action.
    public enum Invocation: Sendable {
        /// Synchronous: the output (nil for 204).
        case output(JSONValue?)
        /// Accepted as a long-running invocation: its status URL.
        case accepted(statusURL: String)
    }

    /// POSTs `input` to an action's `url`.
    public func invoke(_ url: String, input: JSONValue?, trace: TraceContext? = nil) async throws(BindingError)
        -> Invocation
    {
        let (response, body) = try await send(.POST, url, body: input, trace: trace)
        if response.status == .created, let location = response.headers["Location"].first {
            return .accepted(statusURL: Self.resolveLocation(location, against: url))
        }
        if response.status == .noContent || body.isEmpty { return .output(nil) }
        return .output(try Self.json(body, url: url))
    }

    /// DELETE `url` (cancel an invocation); returns its final status.
    public func delete(_ url: String, trace: TraceContext? = nil) async throws(BindingError) -> JSONValue? {
        let (_, body) = try await send(.DELETE, url, body: nil, trace: trace)
        return body.isEmpty ? nil : try Self.json(body, url: url)
    }

    /// Opens `url` as Server-Sent Events (`method` POST with `body` for an action's statuses) and yields each
    /// event's type and JSON data until the server ends the stream or the consumer stops.
    public func events(
        _ url: String, method: HTTPMethod = .GET, body: JSONValue? = nil, trace: TraceContext? = nil
    ) async throws(BindingError) -> AsyncThrowingStream<(type: String, data: JSONValue), any Error> {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "text/event-stream")
        Self.add(trace, to: &request)
        try await authorize(&request)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body.jsonBytes())
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, deadline: .distantFuture)
        } catch {
            throw BindingError("\(method) \(url) failed: \(error)")
        }
        guard response.status == .ok else {
            let bytes = (try? await response.body.collect(upTo: maximumBodySize)).map { Array($0.readableBytesView) } ?? []
            throw Self.failure(response.status, bytes, url: url)
        }
        let (stream, continuation) = AsyncThrowingStream<(type: String, data: JSONValue), any Error>.makeStream()
        let task = Task {
            var parser = ServerSentEventParser()
            do {
                for try await buffer in response.body {
                    for event in parser.feed(buffer.readableBytesView) {
                        let data = (try? JSONValue(parsing: event.data)) ?? .string(event.data)
                        continuation.yield((event.event ?? "message", data))
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func send(_ method: HTTPMethod, _ url: String, body: JSONValue?, trace: TraceContext?)
        async throws(BindingError) -> (HTTPClientResponse, [UInt8])
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        Self.add(trace, to: &request)
        try await authorize(&request)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body.jsonBytes())
        }
        let response: HTTPClientResponse
        let bytes: [UInt8]
        do {
            response = try await http.execute(request, timeout: timeout)
            bytes = Array(try await response.body.collect(upTo: maximumBodySize).readableBytesView)
        } catch {
            throw BindingError("\(method) \(url) failed: \(error)")
        }
        guard (200..<300).contains(response.status.code) else { throw Self.failure(response.status, bytes, url: url) }
        return (response, bytes)
    }

    private static func add(_ trace: TraceContext?, to request: inout HTTPClientRequest) {
        guard let trace else { return }
        request.headers.add(name: "traceparent", value: trace.traceparent)
        if let state = trace.tracestate { request.headers.add(name: "tracestate", value: state) }
    }

    private static func json(_ bytes: [UInt8], url: String) throws(BindingError) -> JSONValue {
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw BindingError("\(url) did not answer with JSON: \(error)")
        }
    }

    static func failure(_ status: HTTPResponseStatus, _ bytes: [UInt8], url: String) -> BindingError {
        if case .object(let object)? = try? JSONValue(parsing: bytes), var problem = ProblemDetails(json: object) {
            problem.status = Int(status.code)
            return BindingError(problem: problem)
        }
        return BindingError(problem: ProblemDetails(title: status.reasonPhrase, status: Int(status.code), detail: url))
    }

    /// Resolves a `Location` or `href` against the request URL (an absolute path or an absolute URL).
    public static func resolveLocation(_ location: String, against url: String) -> String {
        if location.contains("://") { return location }
        guard location.hasPrefix("/"), let schemeEnd = url.firstRange(of: "://") else { return location }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        return String(url[..<authorityEnd]) + location
    }
}
