import HTTPTypes
import Hummingbird
import LMOSCore
import LMOSDirectory
import LMOSAuth
import Logging

/// The directory's HTTP API (WoT Discovery 7.3.2 and LMOS search) as one Hummingbird responder: it dispatches on
/// the path itself so that ids containing `/` or percent-encoded characters reach the engine intact, answers
/// `HEAD` for every `GET` (`tdd-http-head`), turns every error into problem details and logs one line per request.
/// With ``DirectoryAccessControl`` it authenticates and authorizes each request before reading its body; per-client
/// limits (request rate, open event streams) answer 429.
public struct DirectoryResponder: HTTPResponder {
    public typealias Context = DirectoryRequestContext

    let directory: ThingDirectory
    let configuration: DirectoryServerConfiguration
    let accessControl: DirectoryAccessControl?
    let limits: ClientLimits
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client.
    let trustedProxies: Set<String>
    let logger: Logger

    public init(
        directory: ThingDirectory, configuration: DirectoryServerConfiguration, accessControl: DirectoryAccessControl? = nil,
        logger: Logger
    ) {
        self.directory = directory
        self.configuration = configuration
        self.accessControl = accessControl
        self.limits = ClientLimits(
            rate: configuration.requestsPerSecondPerClient, burst: configuration.requestBurstPerClient,
            maximumStreams: configuration.maximumEventStreamsPerClient, exemptLoopback: configuration.limitsExemptLoopback)
        self.trustedProxies = Set(configuration.trustedProxies.map(DirectoryRequestContext.normalized))
        self.logger = logger
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let path = request.uri.path
        var response: Response
        do {
            let client = DirectoryRequestContext.clientKey(context.clientAddress(request, trustedProxies: trustedProxies))
            if let wait = limits.admit(client) {
                let seconds = Int(min(max(wait.rounded(.up), 1), 86_400))
                throw Problem(
                    .tooManyRequests, "too many requests from \(client): try again in \(seconds) s",
                    headers: [.retryAfter: "\(seconds)"])
            }
            let call = Call(request: request, client: client)
            if request.method == .head {
                response = Self.headResponse(try await route(call, method: .get, path: path))
            } else {
                response = try await route(call, method: request.method, path: path)
            }
        } catch let problem as Problem {
            response = problem.response(instance: path)
        } catch let error as DirectoryError {
            response = Problem(error).response(instance: path)
        } catch let error as HTTPError {
            response = Problem(error.status, error.body ?? error.status.reasonPhrase).response(instance: path)
        } catch {
            logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(path)"])
            response = Problem(.internalServerError, "unexpected error").response(instance: path)
        }
        if request.method == .head, response.status.code >= 400 { response = Self.headResponse(response) }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "\(request.method.rawValue) \(request.uri.string) \(response.status.code) \(Self.format(milliseconds)) ms")
        return response
    }

    /// A request with what the responder learned about it before routing.
    struct Call {
        var request: Request
        /// The client's address (limits count by it).
        var client: String
        /// Who asks (set by ``authorize(_:_:)``).
        var requester: Requester = .anonymous
    }

    /// Authenticates and authorizes `call` for `operation` when access control is on.
    private func authorize(_ call: inout Call, _ operation: DirectoryAccessControl.Operation) async throws {
        guard let accessControl else { return }
        call.requester = try await accessControl.requester(
            authorization: call.request.headers[.authorization], for: operation, logger: logger)
    }

    private func route(_ call: Call, method: HTTPRequest.Method, path: String) async throws -> Response {
        var call = call
        let request = call.request
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        switch segments.first.map(String.init) {
        case "things"? where segments.count == 1:
            switch method {
            case .get:
                try await authorize(&call, .read)
                return try await listThings(request)
            case .post:
                try await authorize(&call, .write)
                return try await createAnonymous(request, requester: call.requester)
            default: throw Self.methodNotAllowed("GET, HEAD, POST")
            }
        case "things"?:
            let raw = segments.dropFirst().joined(separator: "/")
            guard let id = PercentEncoding.decode(raw), !id.isEmpty else {
                throw Problem(.badRequest, "the id in the path is not a valid percent-encoded UTF-8 string")
            }
            switch method {
            case .get:
                try await authorize(&call, .read)
                return try await retrieve(request, id: id)
            case .put:
                try await authorize(&call, .write)
                return try await put(request, id: id, requester: call.requester)
            case .patch:
                try await authorize(&call, .write)
                return try await patch(request, id: id, requester: call.requester)
            case .delete:
                try await authorize(&call, .write)
                return try await delete(id: id, requester: call.requester)
            default: throw Self.methodNotAllowed("GET, HEAD, PUT, PATCH, DELETE")
            }
        case "events"? where segments.count <= 2:
            guard method == .get else { throw Self.methodNotAllowed("GET, HEAD") }
            try await authorize(&call, .read)
            return try await events(request, client: call.client, typeName: segments.count == 2 ? String(segments.last ?? "") : nil)
        case "search"? where segments.count == 2:
            guard method == .get else { throw Self.methodNotAllowed("GET, HEAD") }
            try await authorize(&call, .read)
            switch segments.last {
            case "jsonpath": return try await searchJSONPath(request)
            case "lmos": return try await searchLMOS(request)
            case "sparql", "xpath":
                throw Problem(.notImplemented, "this directory does not implement \(segments.last ?? "") search; use /search/jsonpath or /search/lmos")
            default: throw Problem(.notFound, "no such search: \(path)")
            }
        case ".well-known"? where segments.count == 2 && segments.last == "wot", ""? where segments.count == 1:
            guard method == .get else { throw Self.methodNotAllowed("GET, HEAD") }
            return try ownDescription(request)
        default:
            throw Problem(.notFound, "no such resource: \(path)")
        }
    }

    /// The answer to HEAD: the GET's status and headers without its body. Unlike `createHeadResponse()`, a GET
    /// body of unknown length (a streamed listing, the event stream) does not become `Content-Length: 0`: RFC 9110
    /// 8.6 forbids a HEAD Content-Length other than the GET's.
    static func headResponse(_ response: Response) -> Response {
        Response(
            status: response.status, headers: response.headers,
            body: ResponseBody(contentLength: response.body.contentLength) { writer in try await writer.finish(nil) })
    }

    static func methodNotAllowed(_ allowed: String) -> Problem {
        Problem(.methodNotAllowed, "allowed methods: \(allowed)", headers: [.allow: allowed])
    }

    private static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    // MARK: - Bodies

    /// Reads the body as a JSON value: JSON (`application/td+json`, `application/json`, `application/ld+json` or
    /// any `+json`, or no Content-Type) or CBOR (`application/cbor`).
    func readDocument(_ request: Request, allowed: Set<String>? = nil) async throws -> JSONValue {
        let contentType = request.headers[.contentType].map(MediaType.essence)
        if let allowed, !allowed.contains(contentType ?? "") {
            throw Problem(
                .unsupportedMediaType,
                "Content-Type must be \(allowed.sorted().joined(separator: " or ")), not \(contentType ?? "missing")")
        }
        let isCBOR: Bool
        switch contentType {
        case nil: isCBOR = false
        case let type? where MediaType.isJSON(type): isCBOR = false
        case MediaType.cbor?: isCBOR = true
        case let type?:
            throw Problem(.unsupportedMediaType, "cannot read \(type): send application/td+json or application/cbor")
        }
        let body = request.body
        let buffer: ByteBuffer
        do {
            buffer = try await Self.collect(body, upTo: configuration.maximumBodySize, within: configuration.bodyTimeout)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // `collect(upTo:)` throws NIOTooManyBytesError (a Hummingbird HTTPResponseError), not HTTPError.
            throw Problem(.contentTooLarge, "the body is larger than \(configuration.maximumBodySize) bytes")
        }
        let bytes = buffer.readableBytesView
        if bytes.isEmpty { throw Problem(.badRequest, "the body is empty") }
        do {
            return isCBOR ? try JSONValue(cbor: bytes) : try JSONValue(parsing: bytes)
        } catch {
            throw Problem(.badRequest, "the body is not valid \(isCBOR ? "CBOR" : "JSON"): \(error)")
        }
    }

    /// The whole body, or 408 when the client takes longer than `timeout` seconds to send it (a slow client must
    /// not hold a request open for ever).
    static func collect(_ body: RequestBody, upTo maximum: Int, within timeout: Double) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: maximum) }
            group.addTask {
                try await Task.sleep(for: .seconds(min(max(timeout, 0.001), 86_400)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw Problem(.requestTimeout, "the body did not arrive within \(Int(timeout)) s")
            }
            return buffer
        }
    }

    /// A JSON value in the representation the client accepts (JSON types or CBOR).
    func respond(
        status: HTTPResponse.Status = .ok, json bytes: [UInt8], request: Request, jsonTypes: [String],
        headers: HTTPFields = [:]
    ) throws -> Response {
        guard let chosen = ContentNegotiation.choose(accept: request.headers[.accept], offers: jsonTypes + [MediaType.cbor])
        else {
            throw Problem(.notAcceptable, "this resource is available as \((jsonTypes + [MediaType.cbor]).joined(separator: ", "))")
        }
        var headers = headers
        headers[.contentType] = chosen
        headers[.vary] = "Accept"
        if chosen == MediaType.cbor {
            let value: JSONValue
            do { value = try JSONValue(parsing: bytes) } catch { throw Problem(.internalServerError, "stored JSON is unreadable: \(error)") }
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.cborBytes())))
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The base URL of this directory as the client sees it.
    func baseURL(_ request: Request) -> String {
        if let publicURL = configuration.publicURL { return publicURL }
        let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        return (configuration.isTLS ? "https://" : "http://") + host
    }

    func ownDescription(_ request: Request) throws -> Response {
        var document = DirectoryThingDescription.document(base: baseURL(request), title: configuration.title)
        if let accessControl { document = accessControl.secure(document) }
        return try respond(json: document.jsonBytes(), request: request, jsonTypes: [MediaType.thingDescription, MediaType.json])
    }
}
