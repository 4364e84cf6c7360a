import ArgumentParser
import AsyncHTTPClient
import Foundation
import LMOSAuth
import LMOSTLS
import NIOSSL

/// TLS options of commands that connect to https/wss servers.
struct ClientTLSOptions: ParsableArguments {
    @Option(name: .customLong("ca-file"), help: "A CA certificate (PEM) to trust besides the system's, e.g. DIR/ca.pem of lmos dev-cert.")
    var caFile: String?

    @Option(name: .customLong("client-cert"), help: "A client certificate (PEM) for servers that ask for one (with --client-key).")
    var clientCert: String?

    @Option(name: .customLong("client-key"), help: "The client certificate's key (PEM).")
    var clientKey: String?

    func validate() throws {
        guard (clientCert == nil) == (clientKey == nil) else { throw ValidationError("--client-cert and --client-key go together") }
    }

    /// Whether any option was given (else the system's defaults apply).
    var isSet: Bool { caFile != nil || clientCert != nil }

    /// The TLS settings, or nil for the defaults; a bad file exits 2 with its reason.
    func configuration() throws -> TLSConfiguration? {
        guard isSet else { return nil }
        do {
            return try TLSFiles.client(caFile: caFile, certificateFile: clientCert, keyFile: clientKey)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }

    /// An HTTP client with these settings that fails at once when nothing listens; shut it down after use.
    func httpClient() throws -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        // Credentials must not follow a redirect elsewhere.
        configuration.redirectConfiguration = .disallow
        if let tls = try self.configuration() { configuration.tlsConfiguration = tls }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// A bearer token, or OAuth 2.0 client credentials to obtain tokens with (the client-credentials grant).
struct TokenOptions: ParsableArguments {
    @Option(help: "A bearer token (default: the LMOS_TOKEN environment variable).")
    var token: String?

    @Option(name: .customLong("client-id"), help: "OAuth 2.0 client id: obtain tokens with the client-credentials grant.")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "The client secret (default: the LMOS_CLIENT_SECRET environment variable).")
    var clientSecret: String?

    @Option(name: .customLong("token-url"), help: "The authorization server's token endpoint.")
    var tokenURL: String?

    @Option(help: "A scope to ask the token endpoint for (repeatable; e.g. lmos:write).")
    var scope: [String] = []

    func validate() throws {
        if token != nil, clientID != nil { throw ValidationError("give --token or --client-id, not both") }
        if clientSecret != nil, clientID == nil { throw ValidationError("--client-secret goes with --client-id") }
        if clientID != nil, resolvedSecret == nil {
            throw ValidationError("--client-id needs --client-secret (or LMOS_CLIENT_SECRET)")
        }
        if clientID == nil, tokenURL != nil || !scope.isEmpty {
            throw ValidationError("--token-url and --scope go with --client-id")
        }
    }

    var resolvedToken: String? { token ?? Self.environment("LMOS_TOKEN") }

    var resolvedSecret: String? { clientSecret ?? Self.environment("LMOS_CLIENT_SECRET") }

    static func environment(_ name: String) -> String? {
        let value = ProcessInfo.processInfo.environment[name]
        return value?.isEmpty == false ? value : nil
    }

    /// The token and the grant (which fetches tokens with `httpClient`).
    func credentials(httpClient: HTTPClient) -> Credentials {
        var credentials = Credentials(bearerToken: resolvedToken)
        if let clientID, let secret = resolvedSecret {
            credentials.clientCredentials = ClientCredentialsGrant(
                clientID: clientID, clientSecret: secret, tokenURL: tokenURL, scopes: scope, httpClient: httpClient)
        }
        return credentials
    }
}

/// Credentials a command presents to a secured thing: a token or client credentials (the token endpoint defaults
/// to the one the thing's oauth2 scheme names), HTTP Basic, an API key.
struct CredentialOptions: ParsableArguments {
    @OptionGroup var tokens: TokenOptions

    @Option(help: "USER:PASSWORD for HTTP Basic (default: the LMOS_USER environment variable).")
    var user: String?

    @Option(name: .customLong("api-key"), help: "An API key, sent where the thing's apikey scheme says (default: LMOS_API_KEY).")
    var apiKey: String?

    func validate() throws {
        if let user = resolvedUser, !user.contains(":") { throw ValidationError("--user (or LMOS_USER) must be USER:PASSWORD") }
    }

    /// Secrets can come from the environment, so that they need not appear in the process list or shell history.
    var resolvedUser: String? { user ?? TokenOptions.environment("LMOS_USER") }

    func credentials(httpClient: HTTPClient) -> Credentials {
        var credentials = tokens.credentials(httpClient: httpClient)
        credentials.apiKey = apiKey ?? TokenOptions.environment("LMOS_API_KEY")
        if let user = resolvedUser, let colon = user.firstIndex(of: ":") {
            credentials.user = String(user[..<colon])
            credentials.password = String(user[user.index(after: colon)...])
        }
        return credentials
    }
}

/// Credentials for a directory: a bearer token or client credentials (a directory names no token endpoint, so the
/// grant needs --token-url).
struct DirectoryCredentialOptions: ParsableArguments {
    @OptionGroup var tokens: TokenOptions

    func validate() throws {
        if tokens.clientID != nil, tokens.tokenURL == nil { throw ValidationError("--client-id needs --token-url") }
    }

    func credentials(httpClient: HTTPClient) -> Credentials { tokens.credentials(httpClient: httpClient) }
}

/// TLS options of commands that serve (the directory, an agent).
struct ServerTLSOptions: ParsableArguments {
    @Option(name: .customLong("tls-cert"), help: "The server certificate chain (PEM): serve https (and wss).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The server certificate's private key (PEM).")
    var tlsKey: String?

    @Option(name: .customLong("tls-client-ca"), help: "Require client certificates issued by this CA (PEM): mutual TLS.")
    var tlsClientCA: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsClientCA != nil, tlsCert == nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
    }

    /// The server's TLS settings, or nil for plain HTTP; a bad file exits 2 with its reason.
    func configuration() throws -> TLSConfiguration? {
        guard let tlsCert, let tlsKey else { return nil }
        do {
            return try TLSFiles.server(certificateFile: tlsCert, keyFile: tlsKey, clientCAFile: tlsClientCA)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// The bearer JWT options of commands that check tokens: the JWKS and what tokens must say.
struct JWTOptions: ParsableArguments {
    @Option(help: "The JWKS with the keys tokens are signed with: a file or an https URL.")
    var jwks: String?

    @Option(help: "The issuer (iss) tokens must come from.")
    var issuer: String?

    @Option(help: "The audience (aud) tokens must name.")
    var audience: String?

    @Option(name: .customLong("clock-skew"), help: "Seconds of clock difference tolerated for exp and nbf.")
    var clockSkew = 60.0

    func validate() throws {
        guard clockSkew >= 0, clockSkew <= 600 else { throw ValidationError("--clock-skew must be 0 to 600 seconds") }
    }

    /// Whether any of the options was given.
    var isSet: Bool { jwks != nil || issuer != nil || audience != nil }

    /// Checks that everything needed is there for `flag` (e.g. `--auth jwt`), whose tokens are meant for `service`.
    func require(for flag: String, service: String) throws {
        guard jwks != nil else { throw ValidationError("\(flag) needs --jwks FILE|URL") }
        // Without them any token the identity provider signs, for any of its services, would be accepted.
        guard issuer != nil, audience != nil else {
            throw ValidationError("\(flag) needs --issuer and --audience (the tokens meant for this \(service))")
        }
    }

    /// The verifier, its JWKS loaded now (fetched with `httpClient`); a JWKS that cannot be loaded exits 1.
    func verifier(httpClient: HTTPClient) async throws -> BearerTokenVerifier {
        let keys = JWKSKeySource(location: JWKSLocation(jwks ?? ""), httpClient: httpClient)
        do {
            try await keys.load()
        } catch {
            printError("--jwks: \(error)")
            throw ExitCode(1)
        }
        return BearerTokenVerifier(
            keys: keys, requirements: TokenRequirements(issuer: issuer, audience: audience, clockSkew: clockSkew))
    }
}
