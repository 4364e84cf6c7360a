import HTTPTypes
import LMOSCore
import LMOSMessaging
import Logging
import NIOCore
import NIOSSL
import WSClient

/// A client connection of the `lmosprotocol` WebSocket binding: one socket, any number of concurrent requests and
/// subscriptions to any things behind it, told apart by their correlation ids.
///
/// ```swift
/// let connection = try await WebSocketConnection.connect(to: "ws://127.0.0.1:8080/ws")
/// for try await reply in try await connection.send(Message(thingID: id, body: .readProperty(name: "mode"))) { ... }
/// ```
public actor WebSocketConnection {
    /// The URL connected to.
    public nonisolated let url: String
    private let logger: Logger
    private var outbound: WebSocketOutboundWriter?
    private var ready: CheckedContinuation<Void, any Error>?
    private var routes: [String: [Int: AsyncThrowingStream<Message, any Error>.Continuation]] = [:]
    private var nextRoute = 0
    private var closedError: BindingError?
    private var task: Task<Void, Never>?
    private let maximumMessageSize: Int
    private let headers: [String: String]
    private let tlsConfiguration: TLSConfiguration?
    /// ``url`` with the credentials' query parameters (kept out of error messages).
    private let connectURL: String

    private init(
        url: String, connectURL: String, logger: Logger, maximumMessageSize: Int, headers: [String: String],
        tlsConfiguration: TLSConfiguration?
    ) {
        self.url = url
        self.connectURL = connectURL
        self.logger = logger
        self.maximumMessageSize = maximumMessageSize
        self.headers = headers
        self.tlsConfiguration = tlsConfiguration
    }

    /// Opens a connection, offering the `lmosprotocol` sub-protocol.
    ///
    /// - Parameters:
    ///   - authorization: credentials for a secured thing, sent with the upgrade request (headers, and query
    ///     parameters on the URL).
    ///   - tlsConfiguration: for `wss://`: a custom CA or client certificate (default: the system's CAs).
    public static func connect(
        to url: String, maximumMessageSize: Int = 1 << 20, authorization: RequestAuthorization = .none,
        tlsConfiguration: TLSConfiguration? = nil, logger: Logger = Logger(label: "lmos.ws")
    ) async throws(BindingError) -> WebSocketConnection {
        let connection = WebSocketConnection(
            url: url, connectURL: authorization.apply(to: url), logger: logger, maximumMessageSize: maximumMessageSize,
            headers: authorization.headers, tlsConfiguration: tlsConfiguration)
        do {
            try await connection.open()
        } catch let error as BindingError {
            throw error
        } catch {
            throw BindingError("cannot open a WebSocket to \(url): \(error)")
        }
        return connection
    }

    private func open() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            ready = continuation
            var additional: HTTPFields = [.secWebSocketProtocol: "lmosprotocol"]
            for (name, value) in headers {
                if let field = HTTPField.Name(name) { additional[field] = value }
            }
            let configuration = WebSocketClientConfiguration(
                maxFrameSize: maximumMessageSize, additionalHeaders: additional,
                autoPing: .enabled(timePeriod: .seconds(30)), sniHostname: Self.sniHostname(for: url))
            let tlsConfiguration = self.tlsConfiguration
            let url = self.url
            let connectURL = self.connectURL
            let logger = self.logger
            let maximumSize = maximumMessageSize
            task = Task {
                do {
                    try await WebSocketClient.connect(
                        url: connectURL, configuration: configuration, tlsConfiguration: tlsConfiguration, logger: logger
                    ) {
                        inbound, outbound, _ in
                        await self.attached(outbound)
                        for try await message in inbound.messages(maxSize: maximumSize) {
                            switch message {
                            case .text(let text): await self.dispatch(Array(text.utf8))
                            case .binary(let buffer): await self.dispatch(Array(buffer.readableBytesView))
                            }
                        }
                    }
                    self.ended(BindingError("the WebSocket to \(url) was closed"))
                } catch {
                    self.ended(BindingError("the WebSocket to \(url) failed: \(error)"))
                }
            }
        }
    }

    /// The TLS server name to send for `url`: nil (the host) for a DNS name. An IP address cannot be sent as a
    /// server name (RFC 6066 3), and WSClient would send it and fail; a name under the reserved `.invalid` domain
    /// (RFC 2606) goes instead, which no certificate names, so the certificate is verified against the IP address
    /// connected to (its IP address entries), as for any TLS client connecting to an address.
    static func sniHostname(for url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPart = authority.split(separator: "@").last ?? authority
        let host: Substring
        if hostPart.hasPrefix("[") {
            return "ip-address.invalid"  // an IPv6 literal
        } else {
            host = hostPart.split(separator: ":").first ?? hostPart
        }
        let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { UInt8($0) != nil }
        return isIPv4 ? "ip-address.invalid" : nil
    }

    private func attached(_ writer: WebSocketOutboundWriter) {
        outbound = writer
        ready?.resume()
        ready = nil
    }

    private func ended(_ error: BindingError) {
        closedError = error
        outbound = nil
        if let ready {
            ready.resume(throwing: error)
            self.ready = nil
        }
        for continuations in routes.values {
            for continuation in continuations.values { continuation.finish(throwing: error) }
        }
        routes = [:]
    }

    private func dispatch(_ bytes: [UInt8]) {
        let message: Message
        do {
            (message, _) = try Message.decode(bytes, maximumSize: maximumMessageSize)
        } catch {
            logger.debug("ignoring a message that is not LMOS", metadata: ["reason": "\(error.reason)"])
            return
        }
        guard let correlationID = message.correlationID, let continuations = routes[correlationID] else {
            logger.debug("ignoring a message nobody waits for", metadata: ["type": "\(message.body.messageType)"])
            return
        }
        for continuation in continuations.values { continuation.yield(message) }
    }

    /// Sends `message` and returns the messages that come back with its correlation id (`correlationID`, else its
    /// `messageID`), until the stream is dropped or ``stopListening(to:)``.
    public func send(_ message: Message) async throws(BindingError) -> AsyncThrowingStream<Message, any Error> {
        let stream = listen(to: message.replyCorrelationID)
        try await post(message)
        return stream
    }

    /// Sends `message` without waiting for anything back.
    public func post(_ message: Message) async throws(BindingError) {
        guard let outbound else { throw closedError ?? BindingError("the WebSocket to \(url) is not open") }
        do {
            try await outbound.write(.text(message.jsonString()))
        } catch {
            throw BindingError("cannot send on the WebSocket to \(url): \(error)")
        }
    }

    /// The messages that arrive with `correlationID` from now on.
    public func listen(to correlationID: String) -> AsyncThrowingStream<Message, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Message, any Error>.makeStream()
        if let closedError {
            continuation.finish(throwing: closedError)
            return stream
        }
        let number = nextRoute
        nextRoute += 1
        routes[correlationID, default: [:]][number] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeRoute(correlationID, number) }
        }
        return stream
    }

    /// Ends every stream listening to `correlationID`.
    public func stopListening(to correlationID: String) {
        guard let continuations = routes.removeValue(forKey: correlationID) else { return }
        for continuation in continuations.values { continuation.finish() }
    }

    private func removeRoute(_ correlationID: String, _ number: Int) {
        routes[correlationID]?[number] = nil
        if routes[correlationID]?.isEmpty == true { routes[correlationID] = nil }
    }

    /// Whether the connection is open.
    public var isOpen: Bool { outbound != nil }

    /// Closes the connection (a normal close frame); streams still open end with an error.
    public func close() async {
        if let outbound { try? await outbound.close(.normalClosure, reason: nil) }
        await task?.value
    }
}
