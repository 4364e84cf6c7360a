import AsyncHTTPClient
import LMOSCore
import NIOCore
import NIOHTTP1

/// Talks to a WoT Thing Description Directory (an LMOS directory or any WoT Discovery one): registers
/// descriptions and keeps them registered, updates and removes them, lists, searches and watches changes.
///
/// ```swift
/// let directory = try DirectoryClient(url: "http://127.0.0.1:8080")
/// let registration = try await directory.register(agent.thing.jsonValue, ttl: 60)
/// for try await event in directory.events() { print(event.type, event.thingID) }
/// ```
public struct DirectoryClient: Sendable {
    /// The directory's base URL, without a trailing slash.
    public let baseURL: String
    let http: HTTPClient
    /// How long one request may take.
    public var timeout: TimeAmount = .seconds(30)
    /// The `Authorization` header value for each request (e.g. `Bearer <token>`), asked for anew each time so that
    /// tokens can be renewed; nil: none.
    public var authorization: (@Sendable () async throws -> String?)?

    /// - Parameters:
    ///   - url: the directory's base URL (`http://host:port` or with a path prefix).
    ///   - httpClient: the client to use (the shared one by default); its TLS settings (a custom CA) apply to
    ///     `https` directories.
    ///   - token: a bearer token sent with every request (a directory with authentication on needs one).
    public init(url: String, httpClient: HTTPClient = .shared, token: String? = nil) throws(DirectoryClientError) {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), base.count > 8 else {
            throw DirectoryClientError(status: nil, detail: "the directory URL must start with http:// or https://, not '\(url)'")
        }
        baseURL = base
        http = httpClient
        if let token { authorization = { "Bearer " + token } }
    }

    /// The Authorization header for a request, if any; never over plain http to another host than loopback.
    func authorizationHeader() async throws(DirectoryClientError) -> String? {
        guard let authorization else { return nil }
        guard let origin = URLOrigin(baseURL), origin.mayCarryCredentials else {
            throw DirectoryClientError(
                status: nil,
                detail: "not sending credentials to \(baseURL) over plain http: use https (plain http only to loopback)")
        }
        do {
            return try await authorization()
        } catch {
            throw DirectoryClientError(status: nil, detail: "cannot obtain credentials for \(baseURL): \(error)")
        }
    }

    /// The result of a registration.
    public struct Registration: Sendable, Hashable {
        /// The description's id (the generated `urn:uuid:` for an anonymous one).
        public let id: String
        /// Whether it was new (201) rather than a replacement (204).
        public let created: Bool
    }

    /// Registers `document`: with PUT at its `id` when it has one, otherwise with POST (the directory generates an
    /// id). `ttl` sets `registration.ttl` in seconds.
    @discardableResult
    public func register(_ document: JSONValue, ttl: Double? = nil) async throws(DirectoryClientError) -> Registration {
        guard case .object(var object) = document else {
            throw DirectoryClientError(status: nil, detail: "a description is a JSON object")
        }
        if let ttl {
            var registration = object["registration"]?.objectValue ?? JSONObject()
            registration["ttl"] = ttl.rounded() == ttl ? .integer(Int64(ttl)) : .double(ttl)
            object["registration"] = .object(registration)
        }
        let body = JSONValue.object(object).jsonBytes()
        if let id = object["id"]?.stringValue {
            let response = try await send(.PUT, "/things/" + Self.encode(id), body: body, contentType: "application/td+json")
            return Registration(id: id, created: response.status == 201)
        }
        let response = try await send(.POST, "/things", body: body, contentType: "application/td+json")
        guard let location = response.headers["Location"].first else {
            throw DirectoryClientError(status: response.status, detail: "the directory sent no Location for the new description")
        }
        let prefix = "/things/"
        let id = location.hasPrefix(prefix) ? Self.decode(String(location.dropFirst(prefix.count))) : location
        return Registration(id: id, created: true)
    }

    /// Replaces the description registered at `id` (PUT).
    public func update(id: String, _ document: JSONValue) async throws(DirectoryClientError) {
        _ = try await send(.PUT, "/things/" + Self.encode(id), body: document.jsonBytes(), contentType: "application/td+json")
    }

    /// Changes parts of a registered description with a JSON Merge Patch (RFC 7396).
    public func patch(id: String, _ patch: JSONValue) async throws(DirectoryClientError) {
        _ = try await send(.PATCH, "/things/" + Self.encode(id), body: patch.jsonBytes(), contentType: "application/merge-patch+json")
    }

    /// Removes the registration.
    public func deregister(id: String) async throws(DirectoryClientError) {
        _ = try await send(.DELETE, "/things/" + Self.encode(id))
    }

    /// The registered description (an Enriched TD with `registration`), or nil when there is none.
    public func description(id: String) async throws(DirectoryClientError) -> JSONValue? {
        do {
            return try await json(.GET, "/things/" + Self.encode(id))
        } catch where error.status == 404 {
            return nil
        }
    }

    /// A page of the registered descriptions in id order (`limit` nil: all of them).
    public func list(offset: Int = 0, limit: Int? = nil) async throws(DirectoryClientError) -> [JSONValue] {
        var query = [("offset", "\(offset)")]
        if let limit { query.append(("limit", "\(limit)")) }
        return try await json(.GET, "/things" + Self.query(query)).arrayValue ?? []
    }

    /// An LMOS search: `type` (`Agent`, `Tool`), a capability id, words; all optional, combined with AND.
    public func search(type: String? = nil, capability: String? = nil, text: String? = nil, offset: Int = 0, limit: Int? = nil)
        async throws(DirectoryClientError) -> [JSONValue]
    {
        var query: [(String, String)] = []
        if let type { query.append(("type", type)) }
        if let capability { query.append(("capability", capability)) }
        if let text { query.append(("q", text)) }
        if offset > 0 { query.append(("offset", "\(offset)")) }
        if let limit { query.append(("limit", "\(limit)")) }
        return try await json(.GET, "/search/lmos" + Self.query(query)).arrayValue ?? []
    }

    /// A JSONPath (RFC 9535) search over the array of all descriptions: the values it selects.
    public func search(jsonPath: String) async throws(DirectoryClientError) -> [JSONValue] {
        try await json(.GET, "/search/jsonpath" + Self.query([("query", jsonPath)])).arrayValue ?? []
    }

    /// The directory's own Thing Description (`/.well-known/wot`).
    public func directoryDescription() async throws(DirectoryClientError) -> JSONValue {
        try await json(.GET, "/.well-known/wot")
    }

    // MARK: - HTTP

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: [UInt8]
    }

    func json(_ method: HTTPMethod, _ path: String) async throws(DirectoryClientError) -> JSONValue {
        let answer = try await send(method, path, accept: "application/td+json, application/ld+json, application/json")
        do {
            return try JSONValue(parsing: answer.body)
        } catch {
            throw DirectoryClientError(status: answer.status, detail: "the directory's answer is not JSON: \(error)")
        }
    }

    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = nil, accept: String? = nil)
        async throws(DirectoryClientError) -> Answer
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let header = try await authorizationHeader() { request.headers.add(name: "Authorization", value: header) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await http.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: 256 * 1024 * 1024)
            let bytes = Array(buffer.readableBytesView)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else { throw DirectoryClientError(status: status, body: bytes) }
            return Answer(status: status, headers: response.headers, body: bytes)
        } catch let error as DirectoryClientError {
            throw error
        } catch {
            throw DirectoryClientError(status: nil, detail: "cannot reach \(baseURL): \(error)")
        }
    }

    static func encode(_ text: String) -> String { PercentEncoding.encode(text, keeping: ":") }

    static func decode(_ text: String) -> String { PercentEncoding.decode(text) ?? text }

    static func query(_ pairs: [(String, String)]) -> String {
        pairs.isEmpty ? "" : "?" + pairs.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }
}

