import Logging
import NIOCore
import NIOPosix

/// A datagram that arrived on one of the mDNS sockets.
struct ReceivedPacket: Sendable {
    var bytes: [UInt8]
    var source: SocketAddress
    /// The index of the interface whose socket received it.
    var interfaceIndex: Int
}

/// The mDNS sockets: per selected interface, one IPv4 socket and one IPv6 socket bound to port 5353 (shared with
/// other mDNS stacks on the host through SO_REUSEADDR / SO_REUSEPORT), joined to 224.0.0.251 / ff02::fb on that
/// interface only, sending there with TTL / hop limit 255 and loopback on (so that processes on one host see each
/// other, RFC 6762 section 15).
final class MulticastTransport: Sendable {
    /// 224.0.0.251:5353 (nil only if the platform cannot represent it).
    static let ipv4Group = try? SocketAddress(ipAddress: "224.0.0.251", port: 5353)
    /// [ff02::fb]:5353.
    static let ipv6Group = try? SocketAddress(ipAddress: "ff02::fb", port: 5353)

    private let channels: [Channel]
    /// The packets received on every socket, in arrival order per socket.
    let inbound: AsyncStream<ReceivedPacket>
    private let continuation: AsyncStream<ReceivedPacket>.Continuation

    private init(channels: [Channel], inbound: AsyncStream<ReceivedPacket>, continuation: AsyncStream<ReceivedPacket>.Continuation) {
        self.channels = channels
        self.inbound = inbound
        self.continuation = continuation
    }

    /// Opens the sockets on `interfaces`. An interface whose IPv6 socket cannot join (no IPv6 multicast route)
    /// still works over IPv4; it fails only when no socket at all could be opened.
    static func open(
        on interfaces: [SelectedInterface], port: Int = 5353, group: any EventLoopGroup, logger: Logger
    ) async throws(LocalDiscoveryError) -> MulticastTransport {
        let (stream, continuation) = AsyncStream.makeStream(of: ReceivedPacket.self, bufferingPolicy: .bufferingNewest(4096))
        var channels: [Channel] = []
        var failures: [String] = []
        for interface in interfaces {
            for device in [interface.ipv4, interface.ipv6].compactMap({ $0 }) {
                do {
                    channels.append(
                        try await openSocket(device: device, interfaceIndex: interface.index, port: port, group: group, continuation: continuation))
                } catch {
                    let family = device.address?.protocol == .inet ? "IPv4" : "IPv6"
                    failures.append("\(interface.name) \(family): \(error)")
                    logger.debug("mDNS socket not opened", metadata: ["interface": "\(interface.name)", "family": "\(family)", "error": "\(error)"])
                }
            }
        }
        guard !channels.isEmpty else {
            continuation.finish()
            throw .socket(failures.isEmpty ? "no interface to open" : failures.joined(separator: "; "))
        }
        return MulticastTransport(channels: channels, inbound: stream, continuation: continuation)
    }

    private static func openSocket(
        device: NIONetworkDevice, interfaceIndex: Int, port: Int, group: any EventLoopGroup,
        continuation: AsyncStream<ReceivedPacket>.Continuation
    ) async throws -> Channel {
        let isIPv4 = device.address?.protocol == .inet
        let bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: soReusePort)), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DatagramReceiver(interfaceIndex: interfaceIndex, continuation: continuation))
                }
            }
        let channel: Channel
        if isIPv4 {
            channel = try await bootstrap.bind(host: "0.0.0.0", port: port).get()
        } else {
            channel = try await bootstrap
                .channelOption(ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
                .bind(host: "::", port: port).get()
        }
        do {
            guard let multicast = channel as? MulticastChannel, let options = channel as? SocketOptionProvider,
                let ipv4Group, let ipv6Group
            else {
                throw LocalDiscoveryError.socket("the channel does not support multicast")
            }
            if isIPv4 {
                #if os(Linux)
                // Receive only the groups this socket joined on its own interface (Linux IP_MULTICAST_ALL = 49).
                try await options.unsafeSetSocketOption(level: .ip, name: .init(rawValue: 49), value: CInt(0)).get()
                #endif
                try await multicast.joinGroup(ipv4Group, device: device).get()
                if case .v4(let address)? = device.address {
                    try await options.setIPMulticastIF(address.address.sin_addr).get()
                }
                try await options.setIPMulticastTTL(255).get()
                try await options.setIPMulticastLoop(1).get()
            } else {
                #if os(Linux)
                // Linux IPV6_MULTICAST_ALL = 29.
                try await options.unsafeSetSocketOption(level: .ipv6, name: .init(rawValue: 29), value: CInt(0)).get()
                #endif
                try await multicast.joinGroup(ipv6Group, device: device).get()
                try await options.setIPv6MulticastIF(CUnsignedInt(interfaceIndex)).get()
                try await options.setIPv6MulticastHops(255).get()
                try await options.setIPv6MulticastLoop(1).get()
            }
        } catch {
            try? await channel.close()
            throw error
        }
        return channel
    }

    /// Sends `bytes` to the mDNS group on every socket; completes when written.
    func multicast(_ bytes: [UInt8]) async {
        await withTaskGroup(of: Void.self) { tasks in
            for channel in channels {
                guard let local = channel.localAddress, let group = local.protocol == .inet ? Self.ipv4Group : Self.ipv6Group
                else { continue }
                let envelope = AddressedEnvelope(remoteAddress: group, data: channel.allocator.buffer(bytes: bytes))
                tasks.addTask { try? await channel.writeAndFlush(envelope) }
            }
        }
    }

    /// Sends `bytes` to one peer, from a socket of the peer's address family.
    func unicast(_ bytes: [UInt8], to peer: SocketAddress) async {
        guard let channel = channels.first(where: { $0.localAddress?.protocol == peer.protocol }) else { return }
        let envelope = AddressedEnvelope(remoteAddress: peer, data: channel.allocator.buffer(bytes: bytes))
        try? await channel.writeAndFlush(envelope)
    }

    /// Closes every socket and ends ``inbound``.
    func close() async {
        for channel in channels { try? await channel.close() }
        continuation.finish()
    }
}

#if canImport(Glibc)
import Glibc
private let soReusePort = CInt(SO_REUSEPORT)
#elseif canImport(Musl)
import Musl
private let soReusePort = CInt(SO_REUSEPORT)
#else
import Darwin
private let soReusePort = CInt(SO_REUSEPORT)
#endif

/// Forwards each datagram into the transport's stream.
private final class DatagramReceiver: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let interfaceIndex: Int
    private let continuation: AsyncStream<ReceivedPacket>.Continuation

    init(interfaceIndex: Int, continuation: AsyncStream<ReceivedPacket>.Continuation) {
        self.interfaceIndex = interfaceIndex
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        continuation.yield(ReceivedPacket(bytes: bytes, source: envelope.remoteAddress, interfaceIndex: interfaceIndex))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A datagram error (for example ICMP unreachable after a unicast reply) must not close the socket.
    }
}
