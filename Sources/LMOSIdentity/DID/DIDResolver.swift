import AsyncHTTPClient
import LMOSCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// Turns a DID into its DID document.
public protocol DIDResolver: Sendable {
    func resolve(_ did: String) async throws(IdentityError) -> DIDDocument
}

/// Resolves `did:key` locally and `did:web` over HTTPS, the two methods LMOS identities use.
public struct StandardDIDResolver: DIDResolver {
    let web: DIDWebResolver

    /// - Parameter web: how `did:web` documents are fetched (default: HTTPS with the system's trust roots).
    public init(web: DIDWebResolver = DIDWebResolver()) {
        self.web = web
    }

    public func resolve(_ did: String) async throws(IdentityError) -> DIDDocument {
        let bare = DIDURL.stripFragment(did)
        switch try DIDURL.method(of: bare) {
        case "key": return try DIDKey(parsing: bare).document
        case "web": return try await web.resolve(bare)
        case let other: throw .invalidDID("\(bare): the did:\(other) method is not supported (did:key and did:web are)")
        }
    }
}

/// Fetches the bytes of a DID document; tests and servers supply their own.
public protocol DIDDocumentFetcher: Sendable {
    func fetch(_ url: String) async throws(IdentityError) -> [UInt8]
}

/// Resolves `did:web` DIDs: fetches `https://host/path/did.json` and checks that the document's `id` is the DID.
public struct DIDWebResolver: DIDResolver {
    let fetcher: any DIDDocumentFetcher
    let scheme: String

    /// Over HTTPS with AsyncHTTPClient.
    public init(fetcher: any DIDDocumentFetcher = HTTPDocumentFetcher()) {
        self.fetcher = fetcher
        scheme = "https"
    }

    /// With a chosen fetcher and URL scheme (`http` only for tests on loopback: did:web requires HTTPS).
    public init(fetcher: any DIDDocumentFetcher, scheme: String) {
        self.fetcher = fetcher
        self.scheme = scheme
    }

    public func resolve(_ did: String) async throws(IdentityError) -> DIDDocument {
        let bare = DIDURL.stripFragment(did)
        let url = try DIDWeb.documentURL(for: bare, scheme: scheme)
        let bytes = try await fetcher.fetch(url)
        let value: JSONValue
        do throws(CoreError) {
            value = try JSONValue(parsing: bytes, limits: DecodingLimits(maximumDepth: 32, maximumSize: 1 << 20))
        } catch {
            throw .resolutionFailed(did: bare, reason: "\(url) is not JSON: \(error)")
        }
        guard let document = try? DIDDocument(value) else {
            throw .resolutionFailed(did: bare, reason: "\(url) is not a DID document (no id)")
        }
        guard document.id == bare else {
            throw .resolutionFailed(did: bare, reason: "\(url) describes \(document.id), not \(bare)")
        }
        return document
    }
}

/// GETs DID documents with AsyncHTTPClient: TLS verified against the system's roots or a CA file, 10 s timeout,
/// at most 1 MiB.
public struct HTTPDocumentFetcher: DIDDocumentFetcher {
    let caFile: String?
    let timeout: TimeAmount

    /// - Parameter caFile: a PEM file of CA certificates to trust instead of the system's (for private CAs).
    public init(caFile: String? = nil, timeoutSeconds: Int64 = 10) {
        self.caFile = caFile
        timeout = .seconds(timeoutSeconds)
    }

    public func fetch(_ url: String) async throws(IdentityError) -> [UInt8] {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: timeout, read: timeout)
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        // One attempt: a refused connection or an untrusted certificate fails now, not at the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let result: Result<[UInt8], IdentityError>
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/did+json, application/json")
            let response = try await client.execute(request, timeout: timeout)
            if response.status == .ok {
                let body = try await response.body.collect(upTo: 1 << 20)
                result = .success(Array(body.readableBytesView))
            } else {
                result = .failure(.resolutionFailed(did: url, reason: "HTTP \(response.status.code) from \(url)"))
            }
        } catch {
            result = .failure(.resolutionFailed(did: url, reason: "GET \(url): \(Self.explain(error))"))
        }
        try? await client.shutdown()
        return try result.get()
    }

    /// Common transport failures in words; anything else as the client reported it.
    static func explain(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's TLS certificate is not trusted (for a private CA, give its PEM file)"
        }
        if text.contains("Connection refused") { return "connection refused" }
        if error is HTTPClientError, text.contains("deadlineExceeded") || text.contains("readTimeout") {
            return "timed out"
        }
        return text
    }
}
