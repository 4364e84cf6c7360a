import KRPC

/// A Kademlia routing table (BEP 5): nodes grouped by how many leading bits their id shares with ours, at most
/// `bucketSize` (k = 8) per group, good nodes kept over new ones, unresponsive ones evicted. This is the usual
/// array-of-buckets form of BEP 5's splitting table: bucket `i` holds ids whose distance to ours has `i` leading
/// zero bits, which is exactly the set of buckets that splitting the bucket holding our own id produces.
/// Pure: time is passed in.
public struct RoutingTable: Sendable {
    /// A known node and what we know of its health.
    public struct Entry: Sendable, Hashable {
        public var node: NodeInfo
        /// When it last answered one of our queries (-infinity: never).
        public var lastResponse: Double
        /// When it last sent us a query (-infinity: never).
        public var lastQuery: Double
        /// Queries in a row it did not answer.
        public var failures: Int

        /// Good (BEP 5): answered within 15 minutes, or answered once and queried us within 15 minutes.
        public func isGood(now: Double) -> Bool {
            failures == 0 && lastResponse > -.infinity && (now - lastResponse < 900 || now - lastQuery < 900)
        }
    }

    /// What `insert` did.
    public enum InsertOutcome: Sendable, Equatable {
        case added
        case updated
        /// The bucket is full of nodes that may still be good: ping this one (its oldest); if it fails, the new
        /// node, kept as a replacement, takes its place.
        case pingOldest(NodeInfo)
        case ignored
    }

    public let ownID: NodeID
    public let bucketSize: Int
    /// Queries in a row a node may leave unanswered before it is removed.
    public let maximumFailures: Int

    private var buckets: [[Entry]]
    private var replacements: [[NodeInfo]]
    private var bucketChanged: [Double]

    public init(ownID: NodeID, bucketSize: Int = 8, maximumFailures: Int = 2, now: Double = 0) {
        self.ownID = ownID
        self.bucketSize = bucketSize
        self.maximumFailures = maximumFailures
        buckets = Array(repeating: [], count: 160)
        replacements = Array(repeating: [], count: 160)
        bucketChanged = Array(repeating: now, count: 160)
    }

    /// The number of nodes in the table.
    public var count: Int { buckets.reduce(0) { $0 + $1.count } }

    /// Every node, closest buckets last.
    public var allNodes: [NodeInfo] { buckets.flatMap { $0.map(\.node) } }

    func bucketIndex(_ id: NodeID) -> Int? {
        let zeros = id.distance(to: ownID).leadingZeroBitCount
        return zeros >= 160 ? nil : zeros
    }

    /// Learns of a node: it answered us (`responded`) or queried us. Nodes with our own id are ignored; a node
    /// that changed its endpoint replaces the old entry only after the old one fails.
    @discardableResult
    public mutating func insert(_ node: NodeInfo, responded: Bool, now: Double) -> InsertOutcome {
        guard let index = bucketIndex(node.id) else { return .ignored }
        if let position = buckets[index].firstIndex(where: { $0.node.id == node.id }) {
            guard buckets[index][position].node.endpoint == node.endpoint else { return .ignored }
            if responded {
                buckets[index][position].lastResponse = now
                buckets[index][position].failures = 0
            } else {
                buckets[index][position].lastQuery = now
            }
            bucketChanged[index] = now
            return .updated
        }
        // One endpoint, one entry: a node that restarted with a new id replaces its old self, but only once it
        // answered us (a query's source address can be forged).
        if let stale = buckets[index].firstIndex(where: { $0.node.endpoint == node.endpoint }) {
            guard responded else { return .ignored }
            buckets[index].remove(at: stale)
        }
        let entry = Entry(
            node: node, lastResponse: responded ? now : -.infinity, lastQuery: responded ? -.infinity : now, failures: 0)
        if buckets[index].count < bucketSize {
            buckets[index].append(entry)
            bucketChanged[index] = now
            return .added
        }
        if let bad = buckets[index].firstIndex(where: { $0.failures >= 1 && !$0.isGood(now: now) }) {
            buckets[index][bad] = entry
            replacements[index].removeAll { $0.id == node.id }
            bucketChanged[index] = now
            return .added
        }
        addReplacement(node, bucket: index)
        if let oldest = buckets[index].filter({ !$0.isGood(now: now) }).min(by: { $0.lastResponse < $1.lastResponse }) {
            return .pingOldest(oldest.node)
        }
        return .ignored
    }

    private mutating func addReplacement(_ node: NodeInfo, bucket index: Int) {
        replacements[index].removeAll { $0.id == node.id }
        replacements[index].append(node)
        if replacements[index].count > bucketSize { replacements[index].removeFirst() }
    }

    /// A query to `id` went unanswered. After `maximumFailures` in a row the node is removed and the newest
    /// replacement takes its place.
    public mutating func recordFailure(_ node: NodeInfo) {
        guard let index = bucketIndex(node.id),
            let position = buckets[index].firstIndex(where: { $0.node == node })
        else { return }
        buckets[index][position].failures += 1
        if buckets[index][position].failures >= maximumFailures {
            buckets[index].remove(at: position)
            while let replacement = replacements[index].popLast() {
                guard !buckets[index].contains(where: { $0.node.id == replacement.id || $0.node.endpoint == replacement.endpoint })
                else { continue }
                buckets[index].append(
                    Entry(node: replacement, lastResponse: -.infinity, lastQuery: -.infinity, failures: 0))
                break
            }
        }
    }

    /// Forgets a node.
    public mutating func remove(_ id: NodeID) {
        guard let index = bucketIndex(id) else { return }
        buckets[index].removeAll { $0.node.id == id }
    }

    /// The entry for `id`, if known.
    public func entry(_ id: NodeID) -> Entry? {
        guard let index = bucketIndex(id) else { return nil }
        return buckets[index].first { $0.node.id == id }
    }

    /// The `count` known nodes closest to `target`, closest first. Nodes that missed a query are included (they
    /// leave the table after `maximumFailures`); a lookup gives up on them quickly if they stay silent. With
    /// `verifiedOnly`, only nodes that answered us at least once (what we tell other nodes about).
    public func closest(to target: NodeID, count: Int, verifiedOnly: Bool = false) -> [NodeInfo] {
        var candidates: [(distance: NodeID, node: NodeInfo)] = []
        candidates.reserveCapacity(min(self.count, 256))
        // Bucket `s` (where the target falls) holds the closest nodes; buckets deeper than `s` come next (all
        // differ from the target at bit `s`, so they are compared among themselves); then shallower buckets, each
        // strictly farther than the one before, so collecting stops once there are enough.
        let start = bucketIndex(target) ?? 160
        func collect(_ index: Int) {
            for entry in buckets[index] where !verifiedOnly || entry.lastResponse > -.infinity {
                candidates.append((entry.node.id.distance(to: target), entry.node))
            }
        }
        if start < 160 {
            for index in start..<160 { collect(index) }
        }
        for index in stride(from: start - 1, through: 0, by: -1) {
            if candidates.count >= count { break }
            collect(index)
        }
        candidates.sort { $0.distance < $1.distance }
        return candidates.prefix(count).map(\.node)
    }

    /// Buckets nobody touched for `interval` seconds and that hold nodes or lie near us, each with a random id in
    /// its range to look up (BEP 5 refresh). Marks them refreshed.
    public mutating func bucketsToRefresh(now: Double, interval: Double = 900) -> [NodeID] {
        var generator = SystemRandomNumberGenerator()
        var targets: [NodeID] = []
        let deepest = buckets.lastIndex(where: { !$0.isEmpty }) ?? 0
        for index in 0...min(159, deepest + 1) where now - bucketChanged[index] >= interval {
            // An id sharing exactly `index` leading bits with ours: flip bit `index`, randomize the rest.
            var id = ownID.randomized(from: index + 1, using: &generator)
            id = id.flipping(bit: index)
            targets.append(id)
            bucketChanged[index] = now
        }
        return targets
    }
}

extension NodeID {
    /// This id with one bit inverted.
    func flipping(bit index: Int) -> NodeID {
        var bytes = self.bytes
        bytes[index / 8] ^= 0x80 >> UInt8(index % 8)
        return NodeID(digest: bytes)
    }
}
