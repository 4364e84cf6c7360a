import Hummingbird
import NIOCore

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

    /// What limits count by: the client's IP address.
    var clientKey: String { remoteAddress?.ipAddress ?? "local" }
}
