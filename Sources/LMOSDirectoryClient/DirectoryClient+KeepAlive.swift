import LMOSCore

extension DirectoryClient {
    /// Registers `document` with a time-to-live of `ttl` seconds and renews the registration before it runs out
    /// (at half the TTL, sooner after a failed renewal), until the calling task is cancelled; then removes it.
    /// `onEvent` reports each registration, renewal, failure and the removal.
    ///
    /// Renewal re-sends the whole description (PUT), which also brings back a registration the directory lost.
    public func keepRegistered(
        _ document: JSONValue, ttl: Double, onEvent: @Sendable (KeepAliveEvent) -> Void = { _ in }
    ) async throws(DirectoryClientError) {
        guard ttl >= 1 else { throw DirectoryClientError(status: nil, detail: "the time-to-live must be at least 1 second") }
        let registration = try await register(document, ttl: ttl)
        onEvent(.registered(id: registration.id))
        var renewable = document
        if renewable["id"] == nil, case .object(var object) = renewable {
            object["id"] = .string(registration.id)
            renewable = .object(object)
        }
        var delay = ttl / 2
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            } catch {
                break
            }
            do {
                try await register(renewable, ttl: ttl)
                onEvent(.renewed(id: registration.id))
                delay = ttl / 2
            } catch {
                onEvent(.renewalFailed(id: registration.id, error: error))
                delay = max(0.5, min(delay / 2, ttl / 8))
            }
        }
        // The calling task is cancelled by now: deregister from a task of its own so the request still goes out.
        let client = self
        let outcome = await Task { () async -> Result<Void, DirectoryClientError> in
            do throws(DirectoryClientError) {
                try await client.deregister(id: registration.id)
                return .success(())
            } catch {
                return .failure(error)
            }
        }.value
        switch outcome {
        case .success:
            onEvent(.deregistered(id: registration.id))
        case .failure(let error):
            onEvent(.deregistrationFailed(id: registration.id, error: error))
            throw error
        }
    }
}

/// What ``DirectoryClient/keepRegistered(_:ttl:onEvent:)`` did.
public enum KeepAliveEvent: Sendable {
    case registered(id: String)
    case renewed(id: String)
    case renewalFailed(id: String, error: DirectoryClientError)
    case deregistered(id: String)
    case deregistrationFailed(id: String, error: DirectoryClientError)
}
