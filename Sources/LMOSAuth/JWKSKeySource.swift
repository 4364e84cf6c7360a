import AsyncHTTPClient
import Foundation
import JWTKit
import LMOSCore
import NIOCore
import NIOHTTP1

/// The verification keys of a JWKS document, loaded from a file or fetched from a URL and cached. A token naming a
/// key id the cache does not know triggers a reload (keys rotate), at most once per `minimumRefreshInterval`; a
/// URL's document is also reloaded when its `Cache-Control: max-age` (bounded to 1 minute .. 1 day; 5 minutes
/// without one) runs out, a file's every 5 minutes. When a reload fails, the keys already loaded stay in use.
///
/// Only signature keys of the types the accepted algorithms need are kept (RSA, EC P-256, OKP Ed25519); symmetric
/// (`oct`) keys and keys marked `"use": "enc"` are ignored, so a JWKS can never turn a public value into an HMAC
/// secret.
public actor JWKSKeySource {
    /// What the verifier needs to know of one key besides the key itself.
    struct KeyInfo: Sendable {
        var kid: String
        var keyType: String
        var curve: String?
        var algorithm: String?
        /// A collection holding this key alone, as its default (so a token is only ever checked with the key its
        /// `kid` names: jwt-kit falls back to a default key for unknown ids).
        var collection: JWTKeyCollection
    }

    struct Loaded: Sendable {
        var keys: [String: KeyInfo]
        var validUntil: Double
    }

    public let location: JWKSLocation
    let httpClient: HTTPClient
    let minimumRefreshInterval: Double
    let now: @Sendable () -> Double
    private var loaded: Loaded?
    private var lastAttempt: Double = -Double.infinity
    /// Why the last load failed, while nothing is loaded: repeated without asking again within
    /// `minimumRefreshInterval`, so that a down issuer is not asked once per request.
    private var lastFailure: BearerError?
    private var inFlight: Task<Loaded, any Error>?

    /// - Parameters:
    ///   - location: the JWKS file or URL.
    ///   - httpClient: the client that fetches a URL (its TLS settings apply: a custom CA for an https JWKS).
    ///   - minimumRefreshInterval: the least time between two reloads caused by unknown key ids.
    public init(
        location: JWKSLocation, httpClient: HTTPClient = .shared, minimumRefreshInterval: Double = 10,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.location = location
        self.httpClient = httpClient
        self.minimumRefreshInterval = minimumRefreshInterval
        self.now = now
    }

    /// Loads the document now, so that a bad file or an unreachable URL shows at start-up; throws what went wrong.
    public func load() async throws(BearerError) {
        _ = try await reload()
    }

    /// The keys to check a token with key id `kid`; reloads once when `kid` is unknown or the cache ran out.
    func keys(for kid: String?) async throws(BearerError) -> Loaded {
        let time = now()
        if let loaded {
            let knows = kid.map { loaded.keys[$0] != nil } ?? true
            if knows {
                // Out of date: refreshed in the background while the keys at hand keep answering (an issuer that
                // is down must not make every request wait for a timeout).
                if time >= loaded.validUntil, inFlight == nil, time - lastAttempt >= minimumRefreshInterval {
                    Task { _ = try? await self.reload() }
                }
                return loaded
            }
            if time - lastAttempt < minimumRefreshInterval { return loaded }
            do {
                return try await reload()
            } catch {
                return loaded
            }
        }
        if let inFlight {
            do { return try await inFlight.value } catch { throw Self.unavailable(error) }
        }
        if let lastFailure, time - lastAttempt < minimumRefreshInterval { throw lastFailure }
        return try await reload()
    }

    private func reload() async throws(BearerError) -> Loaded {
        if let inFlight {
            do { return try await inFlight.value } catch { throw Self.unavailable(error) }
        }
        lastAttempt = now()
        let location = self.location
        let httpClient = self.httpClient
        let now = self.now
        let task = Task<Loaded, any Error> {
            let (bytes, lifetime) = try await Self.fetch(location, httpClient: httpClient)
            return try await Self.parse(bytes, source: location.description, loadedAt: now(), lifetime: lifetime)
        }
        inFlight = task
        defer { inFlight = nil }
        do {
            let result = try await task.value
            loaded = result
            lastFailure = nil
            return result
        } catch {
            let failure = Self.unavailable(error)
            lastFailure = failure
            throw failure
        }
    }

    static func unavailable(_ error: any Error) -> BearerError {
        if let error = error as? BearerError { return error }
        return .keysUnavailable("\(error)")
    }

    /// The document's bytes and how long to keep them.
    static func fetch(_ location: JWKSLocation, httpClient: HTTPClient) async throws -> ([UInt8], Double) {
        switch location {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw BearerError.keysUnavailable("cannot read the JWKS file \(path)")
            }
            return (Array(data), 300)
        case .url(let url):
            // Keys fetched in the clear could be anyone's: https, or plain http to loopback only.
            guard let origin = URLOrigin(url), origin.mayCarryCredentials else {
                throw BearerError.keysUnavailable("the JWKS URL \(url) must be https (plain http only to loopback)")
            }
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, timeout: .seconds(10))
            } catch {
                throw BearerError.keysUnavailable("cannot fetch the JWKS at \(url): \(error)")
            }
            guard response.status == .ok else {
                throw BearerError.keysUnavailable("the JWKS at \(url) answered \(response.status.code)")
            }
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: 1 << 20)
            } catch {
                throw BearerError.keysUnavailable("the JWKS at \(url) could not be read: \(error)")
            }
            return (Array(body.readableBytesView), maxAge(response.headers["Cache-Control"].first) ?? 300)
        }
    }

    /// `max-age` of a Cache-Control value, bounded to 60 s .. 1 day; `no-store`/`no-cache` give the minimum.
    static func maxAge(_ value: String?) -> Double? {
        guard let value else { return nil }
        for directive in value.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if parts.first == "no-store" || parts.first == "no-cache" { return 60 }
            if parts.first == "max-age", parts.count == 2, let seconds = Double(parts[1]) {
                return min(max(seconds, 60), 86_400)
            }
        }
        return nil
    }

    /// The usable keys of a JWKS document.
    static func parse(_ bytes: [UInt8], source: String, loadedAt: Double, lifetime: Double) async throws -> Loaded {
        guard let document = try? JSONValue(parsing: bytes), let keys = document["keys"]?.arrayValue else {
            throw BearerError.keysUnavailable("\(source) is not a JWKS document (a JSON object with a keys array)")
        }
        var infos: [String: KeyInfo] = [:]
        for (index, key) in keys.enumerated() {
            guard case .object(var object) = key, let keyType = object["kty"]?.stringValue else { continue }
            guard ["RSA", "EC", "OKP"].contains(keyType), object["use"]?.stringValue != "enc" else { continue }
            if object["d"] != nil { object["d"] = nil }  // a private key given by mistake: keep only the public part
            for member in ["p", "q", "dp", "dq", "qi"] { object[member] = nil }
            let kid = object["kid"]?.stringValue ?? "#\(index)"
            object["kid"] = .string(kid)
            guard let jwk = try? JSONDecoder().decode(JWK.self, from: Data(JSONValue.object(object).jsonBytes())) else { continue }
            let collection = JWTKeyCollection()
            guard (try? await collection.add(jwk: jwk, isDefault: true)) != nil else { continue }
            infos[kid] = KeyInfo(
                kid: kid, keyType: keyType, curve: object["crv"]?.stringValue, algorithm: object["alg"]?.stringValue,
                collection: collection)
        }
        guard !infos.isEmpty else {
            throw BearerError.keysUnavailable("\(source) holds no usable signature key (RSA, EC P-256 or Ed25519)")
        }
        return Loaded(keys: infos, validUntil: loadedAt + lifetime)
    }
}
