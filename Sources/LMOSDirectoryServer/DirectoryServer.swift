import Hummingbird
import LMOSDirectory
import Logging
import NIOCore
import ServiceLifecycle

/// A directory on HTTP: the ``DirectoryResponder`` on Hummingbird, with the expiry task, until SIGINT/SIGTERM,
/// then a graceful shutdown (open requests finish, event streams end, the store is closed).
public struct DirectoryServer: Sendable {
    public let directory: ThingDirectory
    public let configuration: DirectoryServerConfiguration
    let logger: Logger

    public init(directory: ThingDirectory, configuration: DirectoryServerConfiguration = .init(), logger: Logger) {
        self.directory = directory
        self.configuration = configuration
        self.logger = logger
    }

    /// The Hummingbird application alone (no expiry task, no signal handling), for embedding in another
    /// service group. `onReady` gets the URL once the server listens.
    public func application(onReady: @escaping @Sendable (String) async -> Void = { _ in }) -> some Service {
        let responder = DirectoryResponder(directory: directory, configuration: configuration, logger: logger)
        let host = configuration.host
        return Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shownHost = host.contains(":") ? "[\(host)]" : host
                await onReady("http://\(shownHost):\(port)")
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
                    .init(service: application(onReady: onReady)),
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
