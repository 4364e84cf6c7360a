/// What a server checks credentials with, for each scheme it may declare.
public struct CredentialVerifiers: Sendable {
    /// Basic: the principal for a user name and password, or nil when they are wrong.
    public var basic: (@Sendable (_ user: String, _ password: String) async -> String?)?
    /// Bearer JWTs (schemes `bearer` with format `jwt` or none, and `oauth2`).
    public var tokens: BearerTokenVerifier?
    /// Opaque bearer tokens that are not JWTs, each with its principal (scheme `bearer` when `tokens` is nil or the
    /// token is not a JWT).
    public var staticBearerTokens: [String: String]
    /// API keys, each with its principal.
    public var apiKeys: [String: String]

    public init(
        basic: (@Sendable (_ user: String, _ password: String) async -> String?)? = nil,
        tokens: BearerTokenVerifier? = nil, staticBearerTokens: [String: String] = [:], apiKeys: [String: String] = [:]
    ) {
        self.basic = basic
        self.tokens = tokens
        self.staticBearerTokens = staticBearerTokens
        self.apiKeys = apiKeys
    }

    /// Basic credentials from a table of users and passwords (compared in constant time).
    /// Every entry is compared, so that the time taken says nothing about which user names exist.
    public static func basic(users: [String: String]) -> @Sendable (String, String) async -> String? {
        let table = users.map { (Array($0.key.utf8), Array($0.value.utf8), $0.key) }
        return { user, password in
            let givenUser = Array(user.utf8)
            let givenPassword = Array(password.utf8)
            var found: String?
            for (name, secret, key) in table {
                let nameMatches = ConstantTime.equal(name, givenUser)
                let secretMatches = ConstantTime.equal(secret, givenPassword)
                if nameMatches && secretMatches { found = key }
            }
            return found
        }
    }
}

/// The credentials a request carries: its header fields and query parameters, by name.
public struct PresentedCredentials: Sendable {
    /// Header fields (names compared case-insensitively).
    public var headers: [(name: String, value: String)]
    /// Query parameters, decoded.
    public var query: [(name: String, value: String)]

    public init(headers: [(name: String, value: String)], query: [(name: String, value: String)] = []) {
        self.headers = headers
        self.query = query
    }

    func header(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    func cookie(_ name: String) -> String? {
        for line in header("Cookie") {
            for pair in line.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingSpaces() == name { return String(parts[1].trimmingSpaces()) }
            }
        }
        return nil
    }
}

/// The outcome of a ``SecurityGate`` check.
public enum AccessDecision: Sendable, Hashable {
    /// The request may go on; `principal` is who it speaks for (nil for `nosec`).
    case allowed(principal: String?, token: AccessToken?)
    /// Refused: the HTTP status (400, 401, 403 or 503), the `WWW-Authenticate` challenges to send, and why.
    case denied(status: Int, challenges: [String], detail: String)
}

/// Enforces the security a thing declares (``DeclaredSecurity``) with the server's ``CredentialVerifiers``.
public struct SecurityGate: Sendable {
    public let security: DeclaredSecurity
    public let verifiers: CredentialVerifiers
    /// The realm named in challenges.
    public let realm: String

    public init(security: DeclaredSecurity, verifiers: CredentialVerifiers, realm: String = "lmos") {
        self.security = security
        self.verifiers = verifiers
        self.realm = realm
    }

    /// Checks a request; `requiredScopes` are the OAuth scopes the operation needs (for `oauth2` and JWT `bearer`).
    public func check(_ presented: PresentedCredentials, requiredScopes: [String] = []) async -> AccessDecision {
        var principal: String?
        var token: AccessToken?
        for name in security.required {
            switch await check(name: name, presented, requiredScopes: requiredScopes, depth: 0) {
            case .allowed(let who, let verified):
                principal = principal ?? who
                token = token ?? verified
            case let denied:
                return denied
            }
        }
        return .allowed(principal: principal, token: token)
    }

    private func check(name: String, _ presented: PresentedCredentials, requiredScopes: [String], depth: Int) async
        -> AccessDecision
    {
        guard depth < 8, let scheme = try? security.scheme(named: name) else {
            return .denied(status: 500, challenges: [], detail: "the security definition \(name) cannot be enforced")
        }
        switch scheme {
        case .noSecurity:
            return .allowed(principal: nil, token: nil)
        case .basic:
            let challenge = Challenge(scheme: "Basic", parameters: [("realm", realm), ("charset", "UTF-8")]).headerValue
            guard let verify = verifiers.basic else {
                return .denied(status: 500, challenges: [], detail: "basic credentials cannot be checked here")
            }
            guard let value = presented.header("Authorization").first, case .basic(let user, let password)? = AuthorizationHeader(value)
            else { return .denied(status: 401, challenges: [challenge], detail: "basic credentials are required") }
            guard let who = await verify(user, password) else {
                return .denied(status: 401, challenges: [challenge], detail: "the user name or password is wrong")
            }
            return .allowed(principal: who, token: nil)
        case .bearer(let format, _, _):
            let value = presented.header("Authorization").first
            if case .bearer(let token)? = value.flatMap(AuthorizationHeader.init),
                let who = ConstantTime.lookup(token, in: verifiers.staticBearerTokens),
                format?.lowercased() != "jwt" || verifiers.tokens == nil
            {
                return .allowed(principal: who, token: nil)
            }
            guard let tokens = verifiers.tokens else {
                let error = value == nil ? BearerError.missingToken : .invalidToken("the token is not known")
                return deny(error)
            }
            return await verify(header: value, with: tokens, requiredScopes: requiredScopes)
        case .oauth2:
            guard let tokens = verifiers.tokens else {
                return .denied(status: 500, challenges: [], detail: "OAuth 2.0 tokens cannot be checked here")
            }
            return await verify(header: presented.header("Authorization").first, with: tokens, requiredScopes: requiredScopes)
        case .apiKey(let location, let keyName):
            let challenge = Challenge(scheme: "APIKey", parameters: [("realm", realm), ("in", location.rawValue), ("name", keyName)]).headerValue
            let key: String?
            switch location {
            case .header: key = presented.header(keyName).first
            case .query: key = presented.query.first(where: { $0.name == keyName })?.value
            case .cookie: key = presented.cookie(keyName)
            }
            guard let key else {
                return .denied(status: 401, challenges: [challenge], detail: "an API key is required in the \(location.rawValue) \(keyName)")
            }
            guard let who = ConstantTime.lookup(key, in: verifiers.apiKeys) else {
                return .denied(status: 401, challenges: [challenge], detail: "the API key is not known")
            }
            return .allowed(principal: who, token: nil)
        case .combo(let allOf, let oneOf):
            if let allOf {
                var principal: String?
                var token: AccessToken?
                for member in allOf {
                    switch await check(name: member, presented, requiredScopes: requiredScopes, depth: depth + 1) {
                    case .allowed(let who, let verified):
                        principal = principal ?? who
                        token = token ?? verified
                    case let denied: return denied
                    }
                }
                return .allowed(principal: principal, token: token)
            }
            var refusals: [AccessDecision] = []
            for member in oneOf ?? [] {
                let decision = await check(name: member, presented, requiredScopes: requiredScopes, depth: depth + 1)
                if case .allowed = decision { return decision }
                refusals.append(decision)
            }
            // Any one would do: offer every challenge; the most telling refusal (403 over 401) explains.
            var challenges: [String] = []
            var worst: (status: Int, detail: String)?
            for case .denied(let status, let offered, let detail) in refusals {
                challenges += offered
                if worst == nil || (worst?.status == 401 && status != 401) { worst = (status, detail) }
            }
            let chosen = worst ?? (401, "credentials are required")
            return .denied(status: chosen.status, challenges: challenges, detail: chosen.detail)
        }
    }

    private func verify(header: String?, with tokens: BearerTokenVerifier, requiredScopes: [String]) async -> AccessDecision {
        do {
            let access = try await tokens.authorize(header: header, requiring: requiredScopes)
            return .allowed(principal: access.subject, token: access)
        } catch {
            return deny(error)
        }
    }

    private func deny(_ error: BearerError) -> AccessDecision {
        .denied(status: error.status, challenges: error.challenge(realm: realm).map { [$0] } ?? [], detail: error.description)
    }
}

/// Comparison that takes the same time wherever the first difference is.
enum ConstantTime {
    /// The value of the entry whose key equals `secret`, comparing every key in constant time.
    static func lookup(_ secret: String, in table: [String: String]) -> String? {
        let given = Array(secret.utf8)
        var found: String?
        for (key, value) in table where equal(Array(key.utf8), given) { found = value }
        return found
    }

    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
