import KRPC

/// Peers announced under info-hashes (BEP 5 `announce_peer`), which LMOS uses as capability and type rendezvous.
/// Pure: time is passed in.
public struct PeerStore: Sendable {
    /// How long an announcement lives (BEP 5 peers re-announce; 30 minutes as most nodes keep them).
    public var lifetime: Double
    /// Peers kept per info-hash (the newest win), and info-hashes kept in all.
    public var peersPerHash: Int
    public var capacity: Int

    private var peers: [NodeID: [NodeEndpoint: Double]] = [:]

    public init(lifetime: Double = 1800, peersPerHash: Int = 100, capacity: Int = 5000) {
        self.lifetime = lifetime
        self.peersPerHash = peersPerHash
        self.capacity = capacity
    }

    public mutating func announce(_ endpoint: NodeEndpoint, for infoHash: NodeID, now: Double) {
        if peers[infoHash] == nil, peers.count >= capacity {
            // Drop the hash whose newest announcement is the oldest.
            if let stalest = peers.min(by: { ($0.value.values.max() ?? 0) < ($1.value.values.max() ?? 0) }) {
                peers[stalest.key] = nil
            }
        }
        var list = peers[infoHash, default: [:]].filter { now - $0.value < lifetime }
        list[endpoint] = now
        if list.count > peersPerHash, let oldest = list.min(by: { $0.value < $1.value }) { list[oldest.key] = nil }
        peers[infoHash] = list
    }

    /// The live peers under `infoHash`, newest first, at most `limit`.
    public func peers(for infoHash: NodeID, now: Double, limit: Int = 100) -> [NodeEndpoint] {
        guard let list = peers[infoHash] else { return [] }
        return list.filter { now - $0.value < lifetime }.sorted { $0.value > $1.value }.prefix(limit).map(\.key)
    }

    public mutating func expire(now: Double) {
        peers = peers.compactMapValues { list in
            let live = list.filter { now - $0.value < lifetime }
            return live.isEmpty ? nil : live
        }
    }
}
