import KRPC

/// Token buckets per source endpoint: at most `rate` queries a second on average, in bursts of up to `burst`.
/// Pure: time is passed in. Keyed by address and port, so that many nodes behind one address (a test network on
/// loopback, a NAT) each get their own allowance.
public struct RateLimiter: Sendable {
    public var rate: Double
    public var burst: Double
    /// Sources tracked at once; the least recently seen are forgotten beyond it.
    public var capacity: Int

    private var buckets: [NodeEndpoint: (tokens: Double, updated: Double)] = [:]

    public init(rate: Double = 250, burst: Double = 500, capacity: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.capacity = capacity
    }

    /// Takes one token for `source`; `false` when its bucket is empty.
    public mutating func allow(_ source: NodeEndpoint, now: Double) -> Bool {
        var bucket = buckets[source] ?? (burst, now)
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            buckets[source] = bucket
            return false
        }
        bucket.tokens -= 1
        if buckets[source] == nil, buckets.count >= capacity {
            // Forget full buckets first: they are the same as a new one.
            buckets = buckets.filter { min(burst, $0.value.tokens + (now - $0.value.updated) * rate) < burst }
            if buckets.count >= capacity { buckets.removeAll(keepingCapacity: true) }
        }
        buckets[source] = bucket
        return true
    }
}
