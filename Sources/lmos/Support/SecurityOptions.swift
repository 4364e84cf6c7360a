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
        if let tls = try self.configuration() { configuration.tlsConfiguration = tls }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// Credentials a command presents to a secured directory or thing.
struct CredentialOptions: ParsableArguments {
    @Option(help: "A bearer token (default: the LMOS_TOKEN environment variable).")
    var token: String?

    @Option(name: .customLong("client-id"), help: "OAuth 2.0 client id: obtain tokens with the client-credentials grant.")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "The client secret (default: the LMOS_CLIENT_SECRET environment variable).")
    var clientSecret: String?

    @Option(name: .customLong("token-url"), help: "The token endpoint (default: the one the thing's oauth2 scheme names).")
    var tokenURL: String?

    @Option(help: "A scope to ask the token endpoint for (repeatable).")
    var scope: [String] = []

    @Option(help: "USER:PASSWORD for HTTP Basic.")
    var user: String?

    @Option(name: .customLong("api-key"), help: "An API key (sent where the thing's apikey scheme says).")
    var apiKey: String?

    func validate() throws {
        if let user, !user.contains(":") { throw ValidationError("--user must be USER:PASSWORD") }
        if clientID != nil, resolvedSecret == nil {
            throw ValidationError("--client-id needs --client-secret (or LMOS_CLIENT_SECRET)")
        }
        if clientID == nil, tokenURL != nil || !scope.isEmpty {
            throw ValidationError("--token-url and --scope go with --client-id")
        }
    }

    var resolvedToken: String? {
        if let token { return token }
        let environment = ProcessInfo.processInfo.environment["LMOS_TOKEN"]
        return environment?.isEmpty == false ? environment : nil
    }

    var resolvedSecret: String? {
        if let clientSecret { return clientSecret }
        let environment = ProcessInfo.processInfo.environment["LMOS_CLIENT_SECRET"]
        return environment?.isEmpty == false ? environment : nil
    }

    /// The credentials; the grant fetches tokens with `httpClient`.
    func credentials(httpClient: HTTPClient) -> Credentials {
        var credentials = Credentials(bearerToken: resolvedToken, apiKey: apiKey)
        if let user, let colon = user.firstIndex(of: ":") {
            credentials.user = String(user[..<colon])
            credentials.password = String(user[user.index(after: colon)...])
        }
        if let clientID, let secret = resolvedSecret {
            credentials.clientCredentials = ClientCredentialsGrant(
                clientID: clientID, clientSecret: secret, tokenURL: tokenURL, scopes: scope, httpClient: httpClient)
        }
        return credentials
    }
}

/// The token options of directory commands: a bearer token or client credentials.
struct DirectoryCredentialOptions: ParsableArguments {
    @Option(help: "A bearer token for the directory (default: the LMOS_TOKEN environment variable).")
    var token: String?

    @Option(name: .customLong("client-id"), help: "OAuth 2.0 client id: obtain a token with the client-credentials grant (needs --token-url).")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "The client secret (default: the LMOS_CLIENT_SECRET environment variable).")
    var clientSecret: String?

    @Option(name: .customLong("token-url"), help: "The authorization server's token endpoint.")
    var tokenURL: String?

    @Option(help: "A scope to ask for (repeatable; e.g. lmos:write).")
    var scope: [String] = []

    func validate() throws {
        if clientID != nil {
            guard tokenURL != nil else { throw ValidationError("--client-id needs --token-url") }
            guard resolvedSecret != nil else { throw ValidationError("--client-id needs --client-secret (or LMOS_CLIENT_SECRET)") }
        } else if tokenURL != nil || !scope.isEmpty {
            throw ValidationError("--token-url and --scope go with --client-id")
        }
    }

    var resolvedSecret: String? {
        if let clientSecret { return clientSecret }
        let environment = ProcessInfo.processInfo.environment["LMOS_CLIENT_SECRET"]
        return environment?.isEmpty == false ? environment : nil
    }

    func credentials(httpClient: HTTPClient) -> Credentials {
        var credentials = Credentials()
        if let token {
            credentials.bearerToken = token
        } else if let environment = ProcessInfo.processInfo.environment["LMOS_TOKEN"], !environment.isEmpty {
            credentials.bearerToken = environment
        }
        if let clientID, let secret = resolvedSecret {
            credentials.clientCredentials = ClientCredentialsGrant(
                clientID: clientID, clientSecret: secret, tokenURL: tokenURL, scopes: scope, httpClient: httpClient)
        }
        return credentials
    }
}
