import KRPC
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands each datagram to the node. The node's actor runs on this channel's event loop, so this is a direct call,
/// not a hop.
final class DHTChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let node: DHTNode

    init(node: DHTNode) { self.node = node }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let source = NodeEndpoint(envelope.remoteAddress) else { return }
        let bytes = Array(envelope.data.readableBytesView)
        node.assumeIsolated { $0.receive(bytes, from: source) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors and the like on an unconnected UDP socket: nothing to do; queries time out.
    }
}

extension NodeEndpoint {
    /// The IPv4 endpoint of a socket address (IPv4-mapped IPv6 included); `nil` for other addresses.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(address: UInt32(bigEndian: v4.address.sin_addr.s_addr), port: UInt16(clamping: address.port ?? 0))
        default:
            guard let text = address.ipAddress, let port = address.port else { return nil }
            let host = text.hasPrefix("::ffff:") ? String(text.dropFirst(7)) : text
            self.init(host: host, port: port)
        }
    }

    /// The socket address to send to.
    var socketAddress: SocketAddress {
        var raw = sockaddr_in()
        raw.sin_family = sa_family_t(AF_INET)
        raw.sin_port = port.bigEndian
        raw.sin_addr.s_addr = address.bigEndian
        return SocketAddress(raw, host: "")
    }
}
