import Logging
import ServiceLifecycle

/// Runs a directory's housekeeping until graceful shutdown: purges expired registrations every
/// `purgeInterval` seconds (publishing `thing_deleted`) and trims the event log to `eventRetention` events.
public struct ExpiryService: Service {
    let directory: ThingDirectory

    public init(directory: ThingDirectory) {
        self.directory = directory
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        let interval = max(0.05, directory.configuration.purgeInterval)
        var rounds = 0
        while !Task.isCancelled {
            do {
                while try await directory.purgeExpired() >= 1000 {}
                rounds += 1
                if rounds % 10 == 1 {
                    try await directory.store.trimEvents(keepingLast: directory.configuration.eventRetention)
                }
            } catch {
                directory.logger.error("expiry task failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}
