import LMOSCore

/// Credentials to attach to a request to a secured thing: header fields (Authorization, an API key header, Cookie)
/// and query parameters (an API key in the query).
public struct RequestAuthorization: Sendable, Hashable {
    public var headers: [String: String]
    public var query: [String: String]

    public init(headers: [String: String] = [:], query: [String: String] = [:]) {
        self.headers = headers
        self.query = query
    }

    /// Nothing to attach.
    public static let none = RequestAuthorization()

    /// `url` with the query parameters appended.
    public func apply(to url: String) -> String {
        guard !query.isEmpty else { return url }
        let pairs = query.sorted { $0.key < $1.key }.map { PercentEncoding.encode($0.key) + "=" + PercentEncoding.encode($0.value) }
        let (base, fragment) = url.firstIndex(of: "#").map { (String(url[..<$0]), String(url[$0...])) } ?? (url, "")
        return base + (base.contains("?") ? "&" : "?") + pairs.joined(separator: "&") + fragment
    }
}
