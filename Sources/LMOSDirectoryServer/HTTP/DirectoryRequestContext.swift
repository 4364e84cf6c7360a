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

    /// What limits count by: the client's IPv4 address, or the /64 network of its IPv6 address (one host has a
    /// whole /64 to pick addresses from).
    var clientKey: String { Self.clientKey(remoteAddress?.ipAddress) }

    static func clientKey(_ address: String?) -> String {
        guard let address else { return "local" }
        guard address.contains(":"), !address.hasPrefix("::ffff:"), address != "::1" else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        let prefix = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return prefix.joined(separator: ":") + "::/64"
    }
}
