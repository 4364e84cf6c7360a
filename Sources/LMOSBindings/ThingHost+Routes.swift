import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import LMOSCore
import LMOSMessaging
import Logging

extension ThingHost {
    /// The WebSocket sub-protocol of LMOS messages.
    public static let webSocketSubprotocol = "lmosprotocol"

    /// Adds both bindings to `router`: the WebSocket endpoint at `webSocketPath` and the HTTP binding under `/{id}`
    /// of each thing, plus `/.well-known/wot` (the first thing's description).
    ///
    /// Serve the router with `.http1WebSocketUpgrade(webSocketRouter: router, configuration:
    /// host.webSocketConfiguration)` so that HTTP and WebSocket share one port.
    public func addRoutes(to router: Router<BasicWebSocketRequestContext>, webSocketPath: String = "/ws") {
        let http = HTTPBindingResponder(host: self)
        router.ws(RouterPath(webSocketPath), shouldUpgrade: { request, _ in
            guard request.headers[.upgrade]?.lowercased().contains("websocket") == true else {
                throw HTTPProblem(
                    ProblemDetails(
                        title: "Upgrade Required", status: 426,
                        detail: "this is the WebSocket endpoint (sub-protocol lmosprotocol); see the description's forms"))
            }
            // Echo `lmosprotocol` when offered; a client that offers no sub-protocol is accepted too.
            let offered = request.headers[values: .secWebSocketProtocol]
                .flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: " \t") }
            guard offered.contains(Self.webSocketSubprotocol) else { return .upgrade([:]) }
            return .upgrade([.secWebSocketProtocol: Self.webSocketSubprotocol])
        }) { inbound, outbound, context in
            let session = MessageSession(host: self, transport: .webSocket, logger: context.logger) { text in
                try await outbound.write(.text(text))
            }
            do {
                for try await message in inbound.messages(maxSize: self.limits.maximumMessageSize) {
                    switch message {
                    case .text(let text): await session.receive(text.utf8)
                    case .binary(let buffer): await session.receive(buffer.readableBytesView)
                    }
                }
            } catch {
                context.logger.debug("WebSocket closed", metadata: ["error": "\(error)"])
            }
            await session.close()
        }
        router.get(".well-known/wot") { request, _ in try await http.wellKnown(request) }
        router.get(":thing") { request, context in try await http.description(request, thing: try context.parameters.require("thing")) }
        router.get(":thing/properties") { request, context in
            try await http.readAllProperties(request, thing: try context.parameters.require("thing"))
        }
        router.put(":thing/properties") { request, context in
            try await http.writeMultipleProperties(request, thing: try context.parameters.require("thing"))
        }
        router.get(":thing/properties/:name") { request, context in
            try await http.readProperty(
                request, thing: try context.parameters.require("thing"), name: try Self.name(context, "name"))
        }
        router.put(":thing/properties/:name") { request, context in
            try await http.writeProperty(
                request, thing: try context.parameters.require("thing"), name: try Self.name(context, "name"))
        }
        router.get(":thing/properties/:name/observation") { request, context in
            try await http.observeProperty(
                request, thing: try context.parameters.require("thing"), name: try Self.name(context, "name"))
        }
        router.post(":thing/actions/:name") { request, context in
            try await http.invokeAction(
                request, thing: try context.parameters.require("thing"), name: try Self.name(context, "name"))
        }
        router.get(":thing/actions/:name/:invocation") { request, context in
            try await http.actionStatus(
                request, thing: try context.parameters.require("thing"), name: try Self.name(context, "name"),
                invocation: try context.parameters.require("invocation"))
        }
        router.delete(":thing/actions/:name/:invocation") { request, context in
            try await http.cancelAction(
                request, thing: try context.parameters.require("thing"), name: try Self.name(context, "name"),
                invocation: try context.parameters.require("invocation"))
        }
        router.get(":thing/events") { request, context in
            try await http.subscribeAllEvents(request, thing: try context.parameters.require("thing"))
        }
        router.get(":thing/events/:name") { request, context in
            try await http.subscribeEvent(
                request, thing: try context.parameters.require("thing"), name: try Self.name(context, "name"))
        }
    }

    /// The WebSocket settings that go with ``addRoutes(to:webSocketPath:)``: frame size and ping interval from
    /// ``limits``.
    public var webSocketConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(
            maxFrameSize: limits.maximumMessageSize,
            autoPing: limits.pingInterval.map { .enabled(timePeriod: .milliseconds(Int($0 * 1000))) } ?? .disabled)
    }

    private static func name(_ context: BasicWebSocketRequestContext, _ key: String) throws -> String {
        let raw = try context.parameters.require(key)
        return PercentEncoding.decode(raw) ?? raw
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
