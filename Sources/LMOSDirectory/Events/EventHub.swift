import Synchronization

/// Fans committed events out to live subscribers, in commit order. A subscriber that falls too far behind is
/// ended (its stream finishes); it resumes from the event log with the last id it saw, so nothing is lost.
final class EventHub: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<DirectoryEvent>.Continuation] = [:]
        var nextToken = 0
        var closed = false
    }

    private let state = Mutex(State())
    /// Events buffered per subscriber before it is ended.
    let bufferLimit: Int

    init(bufferLimit: Int = 4096) {
        self.bufferLimit = bufferLimit
    }

    /// Delivers `event` to every live subscriber. Called by stores in commit order.
    func publish(_ event: DirectoryEvent) {
        let lagging = state.withLock { state -> [AsyncStream<DirectoryEvent>.Continuation] in
            var lagging: [AsyncStream<DirectoryEvent>.Continuation] = []
            for (token, continuation) in state.subscribers {
                if case .dropped = continuation.yield(event) {
                    state.subscribers[token] = nil
                    lagging.append(continuation)
                }
            }
            return lagging
        }
        for continuation in lagging { continuation.finish() }
    }

    /// A stream of the events published from now on; it finishes when the hub closes, when the subscriber lags
    /// `bufferLimit` events behind, or when its consumer stops iterating.
    func subscribe() -> AsyncStream<DirectoryEvent> {
        let (stream, continuation) = AsyncStream<DirectoryEvent>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        let accepted = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            let token = state.nextToken
            state.nextToken += 1
            state.subscribers[token] = continuation
            return token
        }
        guard let token = accepted else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: token) }
        }
        return stream
    }

    /// How many subscribers are listening.
    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Ends every subscription and refuses new ones (graceful shutdown).
    func close() {
        let continuations = state.withLock { state -> [AsyncStream<DirectoryEvent>.Continuation] in
            state.closed = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
