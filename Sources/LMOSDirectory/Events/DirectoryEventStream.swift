/// The change events of a directory as an async sequence: first the logged events after the `Last-Event-ID` a
/// client resumed from (if any), then live events, without gaps or repeats. It ends when the directory shuts down
/// or when the subscriber falls too far behind (resume with the last id seen to catch up from the log).
public struct DirectoryEventStream: AsyncSequence, Sendable {
    public typealias Element = DirectoryEvent
    public typealias Failure = DirectoryError

    let live: AsyncStream<DirectoryEvent>
    let store: any DescriptionStore
    let after: Int64?
    let types: Set<DirectoryEventType>?

    public func makeAsyncIterator() -> Iterator {
        Iterator(live: live.makeAsyncIterator(), store: store, cursor: after, types: types)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var live: AsyncStream<DirectoryEvent>.AsyncIterator
        let store: any DescriptionStore
        /// The id of the last event delivered (or skipped by the filter); nil until the first live event when the
        /// subscriber did not resume.
        var cursor: Int64?
        let types: Set<DirectoryEventType>?
        var backlog: [DirectoryEvent] = []
        var backlogDone: Bool
        /// The last read of the log returned less than a batch: once `backlog` is empty, the log is caught up.
        var logExhausted = false

        init(live: AsyncStream<DirectoryEvent>.AsyncIterator, store: any DescriptionStore, cursor: Int64?, types: Set<DirectoryEventType>?) {
            self.live = live
            self.store = store
            self.cursor = cursor
            self.types = types
            self.backlogDone = cursor == nil
        }

        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(DirectoryError) -> DirectoryEvent? {
            while true {
                if !backlogDone {
                    if backlog.isEmpty, !logExhausted, let cursor {
                        let batchSize = 500
                        backlog = try await store.events(after: cursor, limit: batchSize)
                        // Not `backlogDone` yet: the events of this batch are still to be delivered.
                        if backlog.count < batchSize { logExhausted = true }
                        backlog.reverse()
                    }
                    if let event = backlog.popLast() {
                        cursor = event.id
                        if types?.contains(event.type) ?? true { return event }
                        continue
                    }
                    backlogDone = true
                }
                guard let event = await live.next(isolation: actor) else { return nil }
                if let cursor, event.id <= cursor { continue }
                cursor = event.id
                if types?.contains(event.type) ?? true { return event }
            }
        }

        public mutating func next() async throws(DirectoryError) -> DirectoryEvent? {
            try await next(isolation: nil)
        }
    }
}
