import AsyncHTTPClient
import Foundation
import LMOSCore
import LMOSTestSupport
import NIOCore
import NIOHTTP1
import NIOSSL

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Peers {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers")
    static let mustRun = ProcessInfo.processInfo.environment["LMOS_REQUIRE_INTEROP"] == "1"
    /// PyJWT and cryptography for the authorization server, requests and websockets for the TLS peer.
    static let available: Bool = {
        guard let result = try? Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import jwt, cryptography, requests, websockets"])
        else { return false }
        return result.status == 0
    }()
}

/// `Peers/oauth_server.py`: a real OAuth 2.0 authorization server (client-credentials grant, JWKS) in Python with
/// PyJWT, with a `/mint` endpoint for the tokens a test needs (expired, another issuer, ...).
final class OAuthServer: Sendable {
    let process: BackgroundProcess
    let url: String
    let issuer: String
    let audience: String

    var tokenURL: String { url + "/token" }
    var jwksURL: String { url + "/jwks.json" }

    /// Clients: `alice-app` (sub alice, read+write), `bob-app` (bob, read+write), `reader-app` (reader, read),
    /// `admin-app` (admin, admin+read+write); secrets are `<id>-secret`.
    init(audience: String = "lmos-directory", alg: String = "ES256") async throws {
        self.audience = audience
        issuer = "https://issuer.lmos.test"
        let (executable, arguments) = unblockingSignals(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Peers.folder.appendingPathComponent("oauth_server.py").path, "--port", "0", "--issuer", issuer,
                "--audience", audience, "--alg", alg, "--lifetime", "900",
                "--client", "alice-app:alice-app-secret:lmos:read,lmos:write:alice",
                "--client", "bob-app:bob-app-secret:lmos:read,lmos:write:bob",
                "--client", "reader-app:reader-app-secret:lmos:read:reader",
                "--client", "admin-app:admin-app-secret:lmos:admin,lmos:read,lmos:write:admin",
            ])
        process = try BackgroundProcess(executable, arguments)
        let line = try await process.line(timeout: 30) { $0.hasPrefix("listening ") }
        url = String(line.dropFirst("listening ".count))
    }

    func stop() { process.terminate() }

    /// A token from `/mint`: `claims` over the defaults (iss, sub "tester", aud, 5 minutes), more options as
    /// `oauth_server.py` documents them.
    func mint(_ claims: JSONObject = [:], options: JSONObject = [:]) async throws -> String {
        var body = options
        body["claims"] = .object(claims)
        let answer = try await HTTP.send(.POST, url + "/mint", body: JSONValue.object(body).jsonBytes(), contentType: "application/json")
        guard answer.status == 200, let token = answer.json?["token"]?.stringValue else {
            throw HarnessError("/mint answered \(answer.status): \(answer.text)")
        }
        return token
    }

    /// A token by the client-credentials grant.
    func clientToken(_ client: String, scope: String? = nil) async throws -> String {
        var form = "grant_type=client_credentials"
        if let scope { form += "&scope=" + scope.replacingOccurrences(of: " ", with: "+").replacingOccurrences(of: ":", with: "%3A") }
        let basic = Data("\(client):\(client)-secret".utf8).base64EncodedString()
        let answer = try await HTTP.send(
            .POST, tokenURL, body: Array(form.utf8), contentType: "application/x-www-form-urlencoded",
            headers: [("Authorization", "Basic " + basic)])
        guard answer.status == 200, let token = answer.json?["access_token"]?.stringValue else {
            throw HarnessError("/token answered \(answer.status): \(answer.text)")
        }
        return token
    }
}

/// A whole HTTP answer.
struct HTTPAnswer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue(parsing: body) }
    var challenge: String? { headers["WWW-Authenticate"].first }
}

enum HTTP {
    /// One request with `client` (the shared one by default), answered in full.
    static func send(
        _ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, contentType: String? = nil, token: String? = nil,
        headers: [(String, String)] = [], client: HTTPClient = .shared
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(20))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }

    /// The status and headers of a GET whose body may never end (an event stream); the body is not read.
    static func head(of url: String, token: String?, client: HTTPClient = .shared) async throws -> (status: Int, headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        let response = try await client.execute(request, timeout: .seconds(20))
        return (Int(response.status.code), response.headers)
    }
}

/// A `lmos` process that prints a ready line (`lmos directory serve`, `lmos example agent`).
final class LMOSServer: Sendable {
    let process: BackgroundProcess
    /// The URL of the ready line.
    let url: String
    let folder: URL
    var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

    init(_ arguments: [String], readyPrefix: String, folder: URL? = nil) async throws {
        self.folder = try folder ?? Subprocess.temporaryDirectory(prefix: "lmos-security")
        process = try BackgroundProcess(try lmosBinary(), arguments)
        let line = try await process.line(timeout: 30) { $0.hasPrefix(readyPrefix) }
        guard let start = line.range(of: "://") else { throw HarnessError("no URL in '\(line)'") }
        var begin = line[..<start.lowerBound]
        while let last = begin.last, last.isLetter { begin = begin.dropLast() }
        url = String(line[begin.endIndex...].prefix { $0 != " " })
    }

    /// `lmos directory serve` on a fresh SQLite file and port 0, with `arguments`.
    static func directory(_ arguments: [String]) async throws -> LMOSServer {
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-security-directory")
        return try await LMOSServer(
            ["directory", "serve", "--port", "0", "--store", "sqlite:" + folder.appendingPathComponent("d.sqlite").path] + arguments,
            readyPrefix: "lmos directory listening on ", folder: folder)
    }

    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs the `lmos` binary to the end (on a thread of its own: see `Subprocess.runOffPool`).
func lmos(_ arguments: [String], environment: [String: String]? = nil) async throws -> Subprocess.Result {
    try await Subprocess.runOffPool(try lmosBinary(), arguments, environment: environment)
}

/// A minimal valid Agent Description.
func agentDescription(id: String?, title: String = "Secured Test Agent") -> JSONValue {
    var object: JSONObject = [
        "@context": ["https://www.w3.org/2022/wot/td/v1.1", ["lmos": "https://eclipse.dev/lmos/protocol/v1"]],
        "@type": "lmos:Agent", "title": .string(title),
        "securityDefinitions": ["nosec_sc": ["scheme": "nosec"]], "security": "nosec_sc",
    ]
    if let id { object["id"] = .string(id) }
    return .object(object)
}

/// An HTTP client that trusts `caFile` (and fails at once when nothing listens); shut it down after use.
func httpClient(trusting caFile: String) throws -> HTTPClient {
    var configuration = HTTPClient.Configuration()
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.additionalTrustRoots = [.file(caFile)]
    configuration.tlsConfiguration = tls
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}
