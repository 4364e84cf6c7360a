import Synchronization

/// Per-client limits that keep a public directory standing: a request rate (token bucket: `rate` requests per
/// second on average, bursts of `burst`) and a number of open event streams. Clients are counted by IP address.
/// The table forgets clients whose bucket is full again, so it stays as small as the set of busy clients.
final class ClientLimits: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    struct State {
        var buckets: [String: Bucket] = [:]
        var streams: [String: Int] = [:]
        var lastSweep: Double = 0
    }

    let rate: Double?
    let burst: Double
    let maximumStreams: Int?
    let exemptLoopback: Bool
    private let state = Mutex(State())

    init(rate: Double?, burst: Double?, maximumStreams: Int?, exemptLoopback: Bool = false) {
        self.exemptLoopback = exemptLoopback
        self.rate = rate.flatMap { $0 > 0 ? $0 : nil }
        self.burst = max(burst ?? (rate ?? 1) * 2, 1)
        self.maximumStreams = maximumStreams.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Takes one request from `client`'s allowance; nil when allowed, else the seconds until one is available.
    func admit(_ client: String, now: Double = ContinuousClock.secondsNow) -> Double? {
        guard let rate, !isExempt(client) else { return nil }
        let burst = self.burst
        return state.withLock { state in
            if now - state.lastSweep > 10 {
                state.lastSweep = now
                state.buckets = state.buckets.filter { (now - $0.value.updated) * rate + $0.value.tokens < burst }
            }
            var bucket = state.buckets[client] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                state.buckets[client] = bucket
                return nil
            }
            state.buckets[client] = bucket
            return (1 - bucket.tokens) / rate
        }
    }

    /// Opens an event stream for `client`, or nil when it has the most it may.
    func openStream(_ client: String) -> StreamSlot? {
        guard let maximumStreams, !isExempt(client) else { return StreamSlot(limits: nil, client: client) }
        let admitted = state.withLock { state in
            let open = state.streams[client, default: 0]
            guard open < maximumStreams else { return false }
            state.streams[client] = open + 1
            return true
        }
        return admitted ? StreamSlot(limits: self, client: client) : nil
    }

    fileprivate func closeStream(_ client: String) {
        state.withLock { state in
            let open = state.streams[client, default: 1] - 1
            state.streams[client] = open > 0 ? open : nil
        }
    }

    func isExempt(_ client: String) -> Bool {
        exemptLoopback && (client.hasPrefix("127.") || client == "::1" || client == "local" || client.hasPrefix("::ffff:127."))
    }
}

/// One open event stream; the slot is given back when the last reference goes (the stream ended, or its response
/// was never sent).
final class StreamSlot: Sendable {
    private let limits: ClientLimits?
    private let client: String

    fileprivate init(limits: ClientLimits?, client: String) {
        self.limits = limits
        self.client = client
    }

    deinit { limits?.closeStream(client) }
}

extension ContinuousClock {
    /// Seconds on the monotonic clock.
    static var secondsNow: Double {
        let elapsed = ContinuousClock.now - ContinuousClock.origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private static let origin = ContinuousClock.now
}
