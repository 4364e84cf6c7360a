import KRPC

/// The items a node stores for others (BEP 44), with the checks a storing node makes: size and salt limits,
/// signatures, sequence numbers only going up, compare-and-swap, and expiry. Pure: time is passed in.
public struct ItemStore: Sendable {
    /// How long an item lives without being put again (BEP 44 suggests 2 hours).
    public var lifetime: Double
    /// At most this many items; when full, the one written longest ago makes room.
    public var capacity: Int

    struct Entry: Sendable {
        var item: DHTItem
        var storedAt: Double
    }

    private var entries: [NodeID: Entry] = [:]

    public init(lifetime: Double = 7200, capacity: Int = 20_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    public var count: Int { entries.count }

    /// Stores `item` under `target` at time `now`, or says why not (a KRPC error to send back).
    @discardableResult
    public mutating func put(_ item: DHTItem, compareAndSwap: Int64? = nil, now: Double) throws(KRPCError) -> NodeID {
        try item.validate()
        let target = item.target
        if let existing = entries[target], now - existing.storedAt < lifetime, let newSequence = item.sequenceNumber {
            let current = existing.item.sequenceNumber ?? 0
            if let compareAndSwap, compareAndSwap != current { throw .casMismatch }
            if newSequence < current { throw .sequenceNumberLessThanCurrent }
            if newSequence == current, existing.item.value != item.value {
                // One sequence number, one value: a different value must come with a higher number.
                throw .sequenceNumberLessThanCurrent
            }
        }
        if entries[target] == nil, entries.count >= capacity { evictOldest() }
        entries[target] = Entry(item: item, storedAt: now)
        return target
    }

    /// The live item under `target`.
    public func get(_ target: NodeID, now: Double) -> DHTItem? {
        guard let entry = entries[target], now - entry.storedAt < lifetime else { return nil }
        return entry.item
    }

    /// Removes items older than the lifetime.
    public mutating func expire(now: Double) {
        entries = entries.filter { now - $0.value.storedAt < lifetime }
    }

    private mutating func evictOldest() {
        guard let oldest = entries.min(by: { $0.value.storedAt < $1.value.storedAt }) else { return }
        entries[oldest.key] = nil
    }
}
