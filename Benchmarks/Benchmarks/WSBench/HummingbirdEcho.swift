import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// A second, informational baseline: a bare WebSocket echo route on Hummingbird, served exactly as the agent's
/// WebSocket endpoint is (`.http1WebSocketUpgrade(webSocketRouter:)`, 1 MiB frames, pings every 30 s, `inbound.messages`
/// in, `outbound.write` out) but with no LMOS work, so that the gap between the raw NIO echo and the agent can be
/// split into what the framework costs and what the LMOS layers cost.
enum HummingbirdEcho {
    /// Runs until the calling task is cancelled; `onReady` gets the port.
    static func run(logger: Logger, onReady: @escaping @Sendable (Int) async -> Void) async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/ws", shouldUpgrade: { request, _ in
            let offered = request.headers[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }
            guard offered.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "lmosprotocol" }) else {
                return .upgrade([:])
            }
            return .upgrade([.secWebSocketProtocol: "lmosprotocol"])
        }) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                switch message {
                case .text(let text): try await outbound.write(.text(text))
                case .binary(let buffer): try await outbound.write(.binary(buffer))
                }
            }
        }
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(
                    http1: .init(), ws: WebSocketServerConfiguration(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: .seconds(30))))),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.runService(gracefulShutdownSignals: [])
    }
}
