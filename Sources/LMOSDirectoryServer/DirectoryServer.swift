import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LMOSDirectory
import NIOSSL
import Logging
import NIOCore
import ServiceLifecycle

/// A directory on HTTP: the ``DirectoryResponder`` on Hummingbird, with the expiry task, until SIGINT/SIGTERM,
/// then a graceful shutdown (open requests finish, event streams end, the store is closed).
public struct DirectoryServer: Sendable {
    public let directory: ThingDirectory
    public let configuration: DirectoryServerConfiguration
    /// TLS settings (`https`); nil: plain HTTP.
    public let tls: TLSConfiguration?
    /// Authentication and authorization; nil: open to all (the default for a local directory).
    public let accessControl: DirectoryAccessControl?
    let logger: Logger

    public init(
        directory: ThingDirectory, configuration: DirectoryServerConfiguration = .init(), tls: TLSConfiguration? = nil,
        accessControl: DirectoryAccessControl? = nil, logger: Logger
    ) {
        self.directory = directory
        var configuration = configuration
        configuration.isTLS = tls != nil
        self.configuration = configuration
        self.tls = tls
        self.accessControl = accessControl
        self.logger = logger
    }

    /// The Hummingbird application alone (no expiry task, no signal handling), for embedding in another
    /// service group. `onReady` gets the URL once the server listens.
    public func application(onReady: @escaping @Sendable (String) async -> Void = { _ in }) throws -> some Service {
        let responder = DirectoryResponder(
            directory: directory, configuration: configuration, accessControl: accessControl, logger: logger)
        let host = configuration.host
        let http = HTTPServerBuilder.http1(
            configuration: .init(idleTimeout: .milliseconds(Int64(min(max(configuration.idleTimeout, 0.001), 86_400) * 1000))))
        let scheme = tls == nil ? "http" : "https"
        return Application(
            responder: responder,
            server: try tls.map { try .tls(http, tlsConfiguration: $0) } ?? http,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shownHost = host.contains(":") ? "[\(host)]" : host
                await onReady("\(scheme)://\(shownHost):\(port)")
            },
            logger: logger
        )
    }

    /// Runs until SIGINT or SIGTERM, then shuts down gracefully.
    public func run(onReady: @escaping @Sendable (String) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: DirectoryCloser(directory: directory)),
                    .init(service: ExpiryService(directory: directory)),
                    .init(service: try application(onReady: onReady)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        try await group.run()
    }
}

/// Closes the directory (ends event streams, closes the store) when the service group shuts down; it is the first
/// service, so the last to stop.
struct DirectoryCloser: Service {
    let directory: ThingDirectory

    func run() async throws {
        try? await gracefulShutdown()
        await directory.shutdown()
    }
}

extension DirectoryServer {
    /// Whether `text` is an IPv4 or IPv6 address (for options that name proxies).
    public static func isIPAddress(_ text: String) -> Bool {
        DirectoryRequestContext.isIPAddress(DirectoryRequestContext.normalized(text))
    }
}
