import AsyncHTTPClient
import Foundation
import LMOSCore
import NIOCore
import NIOHTTP1

/// The OAuth 2.0 client-credentials grant (RFC 6749 4.4): a client obtains access tokens for itself from a token
/// endpoint, authenticating with HTTP Basic (RFC 6749 2.3.1). Tokens are cached per endpoint and scopes until 30
/// seconds before they expire.
public actor ClientCredentialsGrant {
    public let clientID: String
    let clientSecret: String
    /// The token endpoint; nil: the one the thing's `oauth2` scheme names.
    public let tokenURL: String?
    /// Scopes to ask for besides those a scheme names.
    public let scopes: [String]
    /// An `audience` parameter for authorization servers that want one (Auth0, Keycloak's token exchange).
    public let audience: String?
    let httpClient: HTTPClient
    private var cache: [String: (token: String, validUntil: Double)] = [:]

    public init(
        clientID: String, clientSecret: String, tokenURL: String? = nil, scopes: [String] = [], audience: String? = nil,
        httpClient: HTTPClient = .shared
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenURL = tokenURL
        self.scopes = scopes
        self.audience = audience
        self.httpClient = httpClient
    }

    /// An access token for `scopes` from `endpoint` (or ``tokenURL``), from the cache or a new request.
    public func accessToken(endpoint: String? = nil, scopes extra: [String] = []) async throws(CredentialsError) -> String {
        guard let url = tokenURL ?? endpoint else {
            throw CredentialsError("no token endpoint: the thing's oauth2 scheme names none and none was given")
        }
        guard let origin = URLOrigin(url), origin.mayCarryCredentials else {
            throw CredentialsError("not sending the client secret to \(url): the token endpoint must be https (plain http only to loopback)")
        }
        let wanted = Array(Set(scopes + extra)).sorted()
        let key = url + " " + wanted.joined(separator: " ")
        let now = Date().timeIntervalSince1970
        if let cached = cache[key], cached.validUntil > now { return cached.token }
        let (token, lifetime) = try await request(url: url, scopes: wanted)
        cache[key] = (token, now + max(lifetime - 30, lifetime / 2))
        return token
    }

    /// Forgets cached tokens (after a resource server refused one).
    public func invalidate() {
        cache = [:]
    }

    private func request(url: String, scopes: [String]) async throws(CredentialsError) -> (String, Double) {
        var form = [("grant_type", "client_credentials")]
        if !scopes.isEmpty { form.append(("scope", scopes.joined(separator: " "))) }
        if let audience { form.append(("audience", audience)) }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        // RFC 6749 2.3.1: the id and secret are form-urlencoded before they go into Basic; so are the form's fields.
        let basic = AuthorizationHeader.basic(user: PercentEncoding.encode(clientID), password: PercentEncoding.encode(clientSecret))
        request.headers.add(name: "Authorization", value: basic.headerValue)
        request.body = .bytes(ByteBuffer(string: form.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")))
        let bytes: [UInt8]
        let status: Int
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(15))
            status = Int(response.status.code)
            bytes = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        } catch {
            throw CredentialsError("the token endpoint \(url) could not be reached: \(error)")
        }
        let document = try? JSONValue(parsing: bytes)
        guard status == 200 else {
            let error = document?["error"]?.stringValue.map { " (\($0)\(document?["error_description"]?.stringValue.map { ": " + $0 } ?? ""))" } ?? ""
            throw CredentialsError("the token endpoint \(url) refused the client credentials: HTTP \(status)\(error)")
        }
        guard let token = document?["access_token"]?.stringValue, !token.isEmpty else {
            throw CredentialsError("the token endpoint \(url) answered without access_token")
        }
        if let type = document?["token_type"]?.stringValue, type.lowercased() != "bearer" {
            throw CredentialsError("the token endpoint \(url) issued a \(type) token, not a bearer token")
        }
        return (token, document?["expires_in"]?.doubleValue ?? 300)
    }
}

/// Credentials that cannot satisfy what a thing asks for, or could not be obtained.
public struct CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
