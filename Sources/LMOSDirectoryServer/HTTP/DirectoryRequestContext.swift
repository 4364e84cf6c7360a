import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The request context of the directory: Hummingbird's basic one plus the peer's address, which rate limits and
/// event-stream limits count by.
public struct DirectoryRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address (nil for a Unix socket peer).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's address: the peer's, or, when the peer is one of `trustedProxies`, the address the proxies say
    /// they forwarded for (the right-most `X-Forwarded-For` entry that is not itself a trusted proxy: entries
    /// further left were written by the client and prove nothing).
    func clientAddress(_ request: Request, trustedProxies: Set<String>) -> String? {
        guard let peer = remoteAddress?.ipAddress else { return nil }
        guard trustedProxies.contains(Self.normalized(peer)) else { return peer }
        let hops = request.headers[values: .xForwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { Self.normalized(String($0.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())) }
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return Self.isIPAddress(hop) ? hop : peer
        }
        return peer
    }

    /// An address without IPv4-mapped prefix, brackets or zone.
    static func normalized(_ address: String) -> String {
        var text = Substring(address)
        if text.hasPrefix("[") { text = text.dropFirst().prefix { $0 != "]" } }
        if text.hasPrefix("::ffff:"), text.contains(".") { text = text.dropFirst(7) }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        return String(text)
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    static func clientKey(_ address: String?) -> String {
        guard let address else { return "local" }
        guard address.contains(":"), !address.hasPrefix("::ffff:"), address != "::1" else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        let prefix = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return prefix.joined(separator: ":") + "::/64"
    }
}

extension HTTPField.Name {
    /// The de-facto header of reverse proxies (RFC 7239's `Forwarded` is rarer in practice).
    static let xForwardedFor = Self("X-Forwarded-For")!
}
