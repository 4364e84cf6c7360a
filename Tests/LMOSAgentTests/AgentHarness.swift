import Foundation
import LMOSAgent
import LMOSConsumer
import Logging
import Synchronization

/// Runs an ``AgentServer`` in this process on a free loopback port for one test.
final class RunningAgent: Sendable {
    let server: AgentServer
    let ready: AgentServer.Ready
    private let task: Task<Void, any Error>

    private init(server: AgentServer, ready: AgentServer.Ready, task: Task<Void, any Error>) {
        self.server = server
        self.ready = ready
        self.task = task
    }

    static func start(
        _ agents: [Agent], configuration: AgentServerConfiguration = .init(port: 0),
        onNotice: @escaping @Sendable (AgentServer.Notice) -> Void = { _ in }
    ) async throws -> RunningAgent {
        var configuration = configuration
        configuration.port = 0
        let server = AgentServer(agents: agents, configuration: configuration, logger: Logger(label: "test.agent"))
        let (readiness, continuation) = AsyncStream<AgentServer.Ready>.makeStream()
        let task = Task {
            // A server that stops before it is ready (it could not start) ends the wait instead of leaving it hanging.
            defer { continuation.finish() }
            try await server.run(handleSignals: false, onNotice: onNotice) { ready in continuation.yield(ready) }
        }
        for await ready in readiness { return RunningAgent(server: server, ready: ready, task: task) }
        try await task.value
        throw CancellationError()
    }

    /// The first agent's description URL.
    var url: String { ready.descriptionURLs[0] }

    func consumed() async throws -> ConsumedThing { try await ConsumedThing.fetch(url) }

    /// Stops the server (graceful: deregistration, subscriptions ended) and waits for it.
    func stop() async {
        await server.shutdown()
        _ = try? await task.value
    }
}
