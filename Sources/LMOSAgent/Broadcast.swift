import Synchronization

/// Hands each published value to every current subscriber; a subscriber that falls behind by more than `buffer`
/// values loses the oldest ones (memory stays bounded whatever the subscriber's speed).
final class Broadcast<Value: Sendable>: Sendable {
    private let subscribers = Mutex<(next: Int, all: [Int: AsyncStream<Value>.Continuation])>((0, [:]))
    let buffer: Int

    init(buffer: Int) {
        self.buffer = buffer
    }

    func subscribe() -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        let number = subscribers.withLock { state in
            defer { state.next += 1 }
            state.all[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.all.removeValue(forKey: number) }
        }
        return stream
    }

    func publish(_ value: Value) {
        for continuation in subscribers.withLock({ Array($0.all.values) }) { continuation.yield(value) }
    }

    var subscriberCount: Int { subscribers.withLock { $0.all.count } }

    func finishAll() {
        for continuation in subscribers.withLock({ state in
            defer { state.all = [:] }
            return Array(state.all.values)
        }) {
            continuation.finish()
        }
    }
}
