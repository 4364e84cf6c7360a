import KRPC

/// An iterative Kademlia lookup (BEP 5) as a state machine: it keeps the nodes it heard of sorted by distance to
/// the target, asks up to `alpha` of the closest unasked ones at a time, learns closer nodes from their answers,
/// and finishes when the `k` closest nodes that did not fail have all answered. No I/O: the caller sends the
/// queries `nextQueries()` names and reports answers and timeouts.
public struct Lookup: Sendable {
    public enum State: Sendable, Hashable {
        case fresh
        case inFlight
        case responded
        case failed
    }

    /// A node the lookup knows of.
    public struct Candidate: Sendable {
        public var node: NodeInfo
        public var distance: NodeID
        public var state: State
        /// 1 for the nodes the lookup started with, n + 1 for nodes learned from a node at depth n.
        public var depth: Int
        /// The write token it handed out, if any.
        public var token: [UInt8]?
        /// In flight for longer than a round trip should take: no longer holds one of the `alpha` slots.
        public var isSlow = false
    }

    public let target: NodeID
    public let k: Int
    public let alpha: Int
    /// Candidates kept (closest first); the rest are dropped as too far to matter.
    public let capacity: Int
    /// Queries a lookup sends at most, so that a network answering with ever new, ever closer nodes cannot keep
    /// it going.
    public let maximumQueries: Int

    public private(set) var candidates: [Candidate] = []
    private var inFlightCount = 0
    private var slowCount = 0
    /// Queries sent in all.
    public private(set) var queriesSent = 0

    public init(
        target: NodeID, seeds: [NodeInfo], k: Int = 8, alpha: Int = 3, capacity: Int = 64, maximumQueries: Int = 160
    ) {
        self.target = target
        self.k = max(1, k)
        self.alpha = max(1, alpha)
        self.capacity = max(self.k, capacity)
        self.maximumQueries = maximumQueries
        add(seeds, depth: 1)
    }

    /// Adds nodes learned at `depth`, ignoring ones already known (by id or by endpoint).
    public mutating func add(_ nodes: [NodeInfo], depth: Int) {
        for node in nodes {
            if candidates.contains(where: { $0.node.id == node.id || $0.node.endpoint == node.endpoint }) { continue }
            let candidate = Candidate(node: node, distance: node.id.distance(to: target), state: .fresh, depth: depth)
            let index = candidates.partitioningIndex { $0.distance > candidate.distance }
            guard index < capacity else { continue }
            candidates.insert(candidate, at: index)
            if candidates.count > capacity {
                let dropped = candidates.removeLast()
                if dropped.state == .inFlight { settle(dropped) }
            }
        }
    }

    /// The nodes to ask now (marked in flight): the closest fresh ones among the `k` closest live candidates,
    /// keeping at most `alpha` queries in flight that are not yet slow. Failed and slow candidates do not count
    /// as live, so nodes behind them get asked.
    public mutating func nextQueries() -> [NodeInfo] {
        var chosen: [NodeInfo] = []
        var live = 0
        for index in candidates.indices {
            guard inFlightCount - slowCount < alpha, live < k, queriesSent < maximumQueries else { break }
            let candidate = candidates[index]
            if candidate.state == .failed || (candidate.state == .inFlight && candidate.isSlow) { continue }
            if candidate.state == .fresh {
                candidates[index].state = .inFlight
                inFlightCount += 1
                queriesSent += 1
                chosen.append(candidate.node)
            }
            live += 1
        }
        return chosen
    }

    private mutating func settle(_ candidate: Candidate) {
        inFlightCount -= 1
        if candidate.isSlow { slowCount -= 1 }
    }

    /// A query has been in flight for longer than an answer should take (libtorrent's "short timeout"): it stays
    /// open, but another node may be asked in its place, so that dead nodes do not stall the lookup.
    public mutating func slow(_ endpoint: NodeEndpoint) {
        guard let index = candidates.firstIndex(where: { $0.node.endpoint == endpoint }),
            candidates[index].state == .inFlight, !candidates[index].isSlow
        else { return }
        candidates[index].isSlow = true
        slowCount += 1
    }

    /// `node` answered, naming `closer` nodes and maybe a token.
    public mutating func received(from node: NodeInfo, closer: [NodeInfo], token: [UInt8]?) {
        guard let index = candidates.firstIndex(where: { $0.node.endpoint == node.endpoint }) else { return }
        guard candidates[index].state == .inFlight else { return }
        settle(candidates[index])
        var candidate = candidates[index]
        candidate.state = .responded
        candidate.token = token
        if candidate.node.id != node.id {
            // It is not the node we were told of (it restarted, or someone named its endpoint with a forged id):
            // it takes the place its real id gives it.
            candidates.remove(at: index)
            candidate.node.id = node.id
            candidate.distance = node.id.distance(to: target)
            let position = candidates.partitioningIndex { $0.distance > candidate.distance }
            candidates.insert(candidate, at: position)
        } else {
            candidates[index] = candidate
        }
        add(closer, depth: candidate.depth + 1)
    }

    /// `node` did not answer (or answered with an error).
    public mutating func failed(_ endpoint: NodeEndpoint) {
        guard let index = candidates.firstIndex(where: { $0.node.endpoint == endpoint }),
            candidates[index].state == .inFlight
        else { return }
        settle(candidates[index])
        candidates[index].state = .failed
    }

    /// Whether nothing more is worth asking: the `k` closest candidates that neither failed nor went slow have
    /// all answered (queries still open to farther or slow nodes do not hold the result back), or nobody is left
    /// to ask and only slow queries are open.
    public var isFinished: Bool {
        if queriesSent >= maximumQueries { return inFlightCount == slowCount }
        var responded = 0
        for candidate in candidates {
            switch candidate.state {
            case .failed: continue
            case .fresh: return false
            case .inFlight: if !candidate.isSlow { return false }
            case .responded:
                responded += 1
                if responded == k { return true }
            }
        }
        // Fewer than k nodes answered in all (a small network, or many gone): finished once nothing is left to
        // ask and only slow queries are open; waiting them out would cost a full timeout per dead node.
        return inFlightCount == slowCount
    }

    /// The `k` closest nodes that answered, closest first, with their tokens.
    public var closestResponded: [Candidate] {
        Array(candidates.lazy.filter { $0.state == .responded }.prefix(k))
    }

    /// The deepest hop among the `k` closest nodes that answered: how many rounds the lookup needed.
    public var hops: Int { closestResponded.map(\.depth).max() ?? 0 }
}

extension Array {
    /// The first index whose element satisfies `belongsInSecondPartition` (the array is partitioned by it).
    func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsInSecondPartition(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
