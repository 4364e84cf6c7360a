import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import LMOSAuth
import LMOSCore

/// The security an ``AgentServer`` declares in its agents' descriptions and enforces on every interaction (HTTP
/// routes and the WebSocket upgrade); descriptions themselves stay public, so that consumers learn what to send.
public struct AgentSecurity: Sendable {
    /// What the descriptions declare (`securityDefinitions` and `security`).
    public var declared: DeclaredSecurity
    /// What credentials are checked with.
    public var verifiers: CredentialVerifiers
    /// OAuth scopes every interaction needs (`oauth2` and JWT `bearer`).
    public var requiredScopes: [String]

    public init(declared: DeclaredSecurity, verifiers: CredentialVerifiers, requiredScopes: [String] = []) {
        self.declared = declared
        self.verifiers = verifiers
        self.requiredScopes = requiredScopes
    }

    /// Basic credentials from a table of users and passwords.
    public static func basic(users: [String: String]) -> AgentSecurity {
        AgentSecurity(declared: .only(.basic), verifiers: CredentialVerifiers(basic: CredentialVerifiers.basic(users: users)))
    }

    /// Opaque bearer tokens, each with the principal it stands for.
    public static func bearer(tokens: [String: String]) -> AgentSecurity {
        AgentSecurity(
            declared: .only(.bearer(format: nil, algorithm: nil, authorization: nil)),
            verifiers: CredentialVerifiers(staticBearerTokens: tokens))
    }

    /// API keys (each with its principal) in the header, query parameter or cookie `name`.
    public static func apiKey(_ keys: [String: String], in location: AuthenticationScheme.APIKeyLocation = .header, name: String = "X-API-Key")
        -> AgentSecurity
    {
        AgentSecurity(declared: .only(.apiKey(location: location, name: name)), verifiers: CredentialVerifiers(apiKeys: keys))
    }

    /// OAuth 2.0 bearer JWTs checked by `verifier`; the description names `tokenURL` as the client-credentials
    /// token endpoint, and every interaction needs `scopes`.
    public static func oauth2(verifier: BearerTokenVerifier, tokenURL: String?, scopes: [String] = []) -> AgentSecurity {
        AgentSecurity(
            declared: .only(.oauth2(flow: "client", token: tokenURL, authorization: nil, scopes: scopes)),
            verifiers: CredentialVerifiers(tokens: verifier), requiredScopes: scopes)
    }
}

/// Checks every request against an ``AgentSecurity`` except reads of descriptions (`GET /.well-known/wot` and
/// `GET /{id}`); refusals are problem details with the schemes' `WWW-Authenticate` challenges.
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = BasicWebSocketRequestContext

    let gate: SecurityGate
    let requiredScopes: [String]
    let webSocketPath: String

    init(security: AgentSecurity, webSocketPath: String) {
        gate = SecurityGate(security: security.declared, verifiers: security.verifiers, realm: "lmos-agent")
        requiredScopes = security.requiredScopes
        self.webSocketPath = webSocketPath
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if isDescription(request) { return try await next(request, context) }
        let presented = PresentedCredentials(
            headers: request.headers.map { ($0.name.rawName, $0.value) },
            query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        switch await gate.check(presented, requiredScopes: requiredScopes) {
        case .allowed:
            return try await next(request, context)
        case .denied(let status, let challenges, let detail):
            var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8"]
            for challenge in challenges { headers.append(HTTPField(name: .wwwAuthenticate, value: challenge)) }
            let known: [Int: HTTPResponse.Status] = [
                400: .badRequest, 401: .unauthorized, 403: .forbidden, 500: .internalServerError, 503: .serviceUnavailable,
            ]
            let httpStatus = known[status] ?? HTTPResponse.Status(code: status)
            let body: JSONObject = [
                "type": "about:blank", "title": .string(httpStatus.reasonPhrase),
                "status": .integer(Int64(status)), "detail": .string(detail), "instance": .string(request.uri.path),
            ]
            return Response(
                status: httpStatus, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONValue.object(body).jsonBytes())))
        }
    }

    /// `GET`/`HEAD` of `/.well-known/wot` or of a thing's description `/{id}` (one path segment, not the WebSocket
    /// endpoint).
    /// Paths are compared by their non-empty segments, as the router matches them (`//ws/` is `/ws`).
    func isDescription(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let segments = request.uri.path.split(separator: "/")
        if segments == [".well-known", "wot"] { return true }
        return segments.count == 1 && segments != webSocketPath.split(separator: "/")
    }
}

/// A server configuration that cannot run as given.
public struct AgentServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
