import LMOSCore
import Synchronization

/// A store that keeps everything in memory: for tests, demos and directories whose registrations are refreshed
/// often enough that a restart losing them does not matter.
public final class InMemoryDescriptionStore: DescriptionStore {
    private struct State {
        var records: [MemberName: StoredDescription] = [:]
        /// Ids in ascending UTF-8 byte order (= Unicode code point order).
        var orderedIDs: [String] = []
        var events: [DirectoryEvent] = []
        var lastEventID: Int64 = 0
        var closed = false

        func position(of id: String) -> (index: Int, found: Bool) {
            var low = 0
            var high = orderedIDs.count
            while low < high {
                let middle = (low + high) / 2
                let other = orderedIDs[middle]
                if other.utf8.elementsEqual(id.utf8) { return (middle, true) }
                if other.utf8.lexicographicallyPrecedes(id.utf8) { low = middle + 1 } else { high = middle }
            }
            return (low, false)
        }
    }

    private let state = Mutex(State())
    /// Events kept for resuming subscribers.
    private let eventCapacity: Int

    /// - Parameter eventCapacity: how many of the newest events to keep for subscribers that resume.
    public init(eventCapacity: Int = 100_000) {
        self.eventCapacity = eventCapacity
    }

    public func description(id: String) async throws(DirectoryError) -> StoredDescription? {
        try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            return state.records[MemberName(id)]
        }
    }

    public func write(
        id: String,
        time: Timestamp,
        _ change: @escaping @Sendable (StoredDescription?) throws(DirectoryError) -> StoreChange?,
        committed: @escaping @Sendable (DirectoryEvent) -> Void
    ) async throws(DirectoryError) -> DirectoryEvent? {
        try state.withLock { state throws(DirectoryError) -> DirectoryEvent? in
            try Self.checkOpen(state)
            guard let decision = try change(state.records[MemberName(id)]) else { return nil }
            let pending: PendingEvent
            switch decision {
            case .put(let record, let event):
                if state.records.updateValue(record, forKey: MemberName(id)) == nil {
                    state.orderedIDs.insert(id, at: state.position(of: id).index)
                }
                pending = event
            case .delete(let event):
                if state.records.removeValue(forKey: MemberName(id)) != nil {
                    let (index, found) = state.position(of: id)
                    if found { state.orderedIDs.remove(at: index) }
                }
                pending = event
            }
            state.lastEventID += 1
            let event = DirectoryEvent(
                id: state.lastEventID, type: pending.type, thingID: pending.thingID, diff: pending.diff, time: time)
            state.events.append(event)
            if state.events.count > eventCapacity + eventCapacity / 4 {
                state.events.removeFirst(state.events.count - eventCapacity)
            }
            committed(event)
            return event
        }
    }

    public func list(_ page: PageRequest, now: Timestamp) async throws(DirectoryError) -> DescriptionPage {
        try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            var live: [StoredDescription] = []
            for id in state.orderedIDs {
                if let record = state.records[MemberName(id)], !record.registration.isExpired(at: now) { live.append(record) }
            }
            return Self.window(live, page)
        }
    }

    public func list(after id: String?, limit: Int, now: Timestamp) async throws(DirectoryError) -> [StoredDescription] {
        try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            var start = 0
            if let id {
                let (index, found) = state.position(of: id)
                start = found ? index + 1 : index
            }
            var result: [StoredDescription] = []
            var index = start
            while index < state.orderedIDs.count, result.count < limit {
                if let record = state.records[MemberName(state.orderedIDs[index])], !record.registration.isExpired(at: now) {
                    result.append(record)
                }
                index += 1
            }
            return result
        }
    }

    public func search(_ query: DescriptionQuery, _ page: PageRequest, now: Timestamp) async throws(DirectoryError)
        -> [StoredDescription]
    {
        let type = query.typeValue
        let words = query.words
        return try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            var matches: [StoredDescription] = []
            for id in state.orderedIDs {
                guard let record = state.records[MemberName(id)] else { continue }
                if !record.registration.isExpired(at: now)
                    && (type.map { record.index.types.contains($0) } ?? true)
                    && (query.capability.map { record.index.capabilities.contains($0) } ?? true)
                    && SearchText.matches(words, record.index)
                {
                    matches.append(record)
                }
            }
            return Self.window(matches, page).items
        }
    }

    public func expiredIDs(now: Timestamp, limit: Int) async throws(DirectoryError) -> [String] {
        try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            return Array(state.records.values.lazy.filter { $0.registration.isExpired(at: now) }.map(\.id).prefix(limit))
        }
    }

    public func events(after id: Int64, limit: Int) async throws(DirectoryError) -> [DirectoryEvent] {
        try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            guard let first = state.events.first else { return [] }
            let start = max(0, Int(min(id + 1 - first.id, Int64(state.events.count))))
            return Array(state.events[start...].prefix(limit))
        }
    }

    public func lastEventID() async throws(DirectoryError) -> Int64 {
        try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            return state.lastEventID
        }
    }

    public func trimEvents(keepingLast count: Int) async throws(DirectoryError) {
        try state.withLock { state throws(DirectoryError) in
            try Self.checkOpen(state)
            if state.events.count > count { state.events.removeFirst(state.events.count - count) }
        }
    }

    public func close() async {
        state.withLock { $0.closed = true }
    }

    private static func checkOpen(_ state: State) throws(DirectoryError) {
        if state.closed { throw .unavailable("the store is closed") }
    }

    private static func window(_ all: [StoredDescription], _ page: PageRequest) -> DescriptionPage {
        let start = min(page.offset, all.count)
        let end = page.limit.map { min(all.count, start + $0) } ?? all.count
        return DescriptionPage(items: Array(all[start..<end]), total: all.count)
    }
}
