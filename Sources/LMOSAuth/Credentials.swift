/// What a consumer holds to satisfy a thing's declared security: a user name and password, a bearer token, an
/// API key, OAuth 2.0 client credentials. ``apply(to:)`` picks what the thing asks for.
public struct Credentials: Sendable {
    public var user: String?
    public var password: String?
    /// A bearer token (for `bearer`, and for `oauth2` when there is no client-credentials grant).
    public var bearerToken: String?
    public var apiKey: String?
    /// Obtains tokens for `oauth2` schemes (and `bearer` ones when no token is given).
    public var clientCredentials: ClientCredentialsGrant?

    public init(
        user: String? = nil, password: String? = nil, bearerToken: String? = nil, apiKey: String? = nil,
        clientCredentials: ClientCredentialsGrant? = nil
    ) {
        self.user = user
        self.password = password
        self.bearerToken = bearerToken
        self.apiKey = apiKey
        self.clientCredentials = clientCredentials
    }

    /// No credentials.
    public static let none = Credentials()

    /// What to add to a request: header fields and query parameters.
    public struct Applied: Sendable, Hashable {
        public var headers: [String: String] = [:]
        public var query: [String: String] = [:]
        var cookies: [String: String] = [:]

        public init(headers: [String: String] = [:], query: [String: String] = [:]) {
            self.headers = headers
            self.query = query
        }

        /// The Cookie header for API keys sent as cookies, merged into ``headers`` by ``apply(to:)``.
        mutating func finish() {
            if !cookies.isEmpty {
                headers["Cookie"] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            }
        }
    }

    /// The credentials for `security`, or an error naming what is missing.
    public func apply(to security: DeclaredSecurity) async throws(CredentialsError) -> Applied {
        var applied = Applied()
        for name in security.required {
            try await apply(name: name, security: security, to: &applied, depth: 0)
        }
        applied.finish()
        return applied
    }

    private func apply(name: String, security: DeclaredSecurity, to applied: inout Applied, depth: Int) async throws(CredentialsError) {
        let scheme: AuthenticationScheme
        do { scheme = try security.scheme(named: name) } catch { throw CredentialsError(error.description) }
        guard depth < 8 else { throw CredentialsError("the security definitions nest too deeply") }
        switch scheme {
        case .noSecurity:
            return
        case .basic:
            guard let user, let password else {
                throw CredentialsError("the thing asks for basic credentials (a user name and password)")
            }
            applied.headers["Authorization"] = AuthorizationHeader.basic(user: user, password: password).headerValue
        case .bearer:
            if let bearerToken {
                applied.headers["Authorization"] = AuthorizationHeader.bearer(bearerToken).headerValue
            } else if let clientCredentials {
                let token = try await clientCredentials.accessToken()
                applied.headers["Authorization"] = AuthorizationHeader.bearer(token).headerValue
            } else {
                throw CredentialsError("the thing asks for a bearer token")
            }
        case .oauth2(let flow, let endpoint, _, _):
            if let clientCredentials {
                guard flow == "client" || clientCredentials.tokenURL != nil else {
                    throw CredentialsError("the thing's oauth2 flow is \(flow); only the client-credentials flow (client) is supported")
                }
                let token = try await clientCredentials.accessToken(endpoint: endpoint)
                applied.headers["Authorization"] = AuthorizationHeader.bearer(token).headerValue
            } else if let bearerToken {
                applied.headers["Authorization"] = AuthorizationHeader.bearer(bearerToken).headerValue
            } else {
                throw CredentialsError("the thing asks for an OAuth 2.0 token: give client credentials or a token")
            }
        case .apiKey(let location, let keyName):
            guard let apiKey else { throw CredentialsError("the thing asks for an API key (\(location.rawValue) \(keyName))") }
            switch location {
            case .header: applied.headers[keyName] = apiKey
            case .query: applied.query[keyName] = apiKey
            case .cookie: applied.cookies[keyName] = apiKey
            }
        case .combo(let allOf, let oneOf):
            if let allOf {
                for member in allOf { try await apply(name: member, security: security, to: &applied, depth: depth + 1) }
                return
            }
            var reasons: [String] = []
            for member in oneOf ?? [] {
                var attempt = applied
                do {
                    try await apply(name: member, security: security, to: &attempt, depth: depth + 1)
                    applied = attempt
                    return
                } catch {
                    reasons.append(error.description)
                }
            }
            throw CredentialsError("none of the thing's alternatives can be satisfied: " + reasons.joined(separator: "; "))
        }
    }
}

extension Credentials {
    /// The Authorization header for a directory (PROTOCOL.md 7: bearer tokens): the bearer token, or one from the
    /// client-credentials grant; nil when neither is given.
    public var directoryAuthorization: (@Sendable () async throws -> String?)? {
        if let bearerToken { return { "Bearer " + bearerToken } }
        if let clientCredentials { return { "Bearer " + (try await clientCredentials.accessToken()) } }
        return nil
    }
}
