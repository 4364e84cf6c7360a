import KRPC

/// The result of a write: where, and how many of the closest nodes stored it.
public struct PutReport: Sendable, Hashable {
    public var target: NodeID
    /// Nodes that stored the item.
    public var stored: Int
    /// Nodes asked.
    public var asked: Int
    /// Refusals, by KRPC error.
    public var refusals: [KRPCError]
}

/// A lookup's measurements.
public struct LookupStatistics: Sendable, Hashable {
    /// Rounds until the closest nodes answered (depth of the deepest of the k closest).
    public var hops: Int
    /// Queries sent.
    public var queries: Int
    /// Nodes that answered.
    public var responded: Int
}

extension DHTNode {
    /// The `k` nodes closest to `target` that answered.
    public func findNode(_ target: NodeID) async -> [NodeInfo] {
        await lookup(target: target, method: { .findNode(target: $0) }).closestResponded.map(\.node)
    }

    /// Gets an immutable item (BEP 44): its bencoded value, checked against the target.
    public func getImmutable(_ target: NodeID) async -> (value: [UInt8]?, statistics: LookupStatistics) {
        var found: [UInt8]?
        let result = await lookup(target: target, method: { .get(target: $0, sequenceNumber: nil) }) { _, response in
            guard let value = response.value, BEP44.immutableTarget(value: value) == target else { return false }
            found = value
            return true
        }
        return (found, result.statistics)
    }

    /// Gets a mutable item (BEP 44): the highest sequence number whose signature verifies, among all answers.
    public func getMutable(key: [UInt8], salt: [UInt8]) async -> (item: DHTItem?, statistics: LookupStatistics) {
        await getMutable(key: key, salt: salt, onNewer: nil)
    }

    /// `getMutable`, calling `onNewer` each time an answer brings a valid item newer than any seen (so that a
    /// reader can start on it before the lookup ends).
    func getMutable(
        key: [UInt8], salt: [UInt8], onNewer: (@Sendable (DHTItem) -> Void)?
    ) async -> (item: DHTItem?, statistics: LookupStatistics) {
        let target = BEP44.mutableTarget(key: key, salt: salt)
        var best: DHTItem?
        let result = await lookup(target: target, method: { .get(target: $0, sequenceNumber: nil) }) { _, response in
            guard let value = response.value, let signature = response.signature,
                let sequence = response.sequenceNumber, (response.key ?? key) == key
            else { return false }
            if let current = best?.sequenceNumber, current >= sequence { return false }
            let item = DHTItem(value: value, key: key, signature: signature, sequenceNumber: sequence, salt: salt)
            guard (try? item.validate()) != nil else { return false }
            best = item
            onNewer?(item)
            return false
        }
        return (best, result.statistics)
    }

    /// Stores an item on the `k` closest nodes: a `get` lookup collects their write tokens, then each gets a
    /// `put`. A mutable item must already be signed (see ``DHTItem/signed(value:key:salt:sequenceNumber:)``).
    public func put(_ item: DHTItem, compareAndSwap: Int64? = nil) async throws(DHTError) -> PutReport {
        do {
            try item.validate()
        } catch {
            throw .refused(error)
        }
        let target = item.target
        let result = await lookup(target: target, method: { .get(target: $0, sequenceNumber: nil) })
        let closest = result.closestResponded.filter { $0.token != nil }
        guard !closest.isEmpty else { throw .noNodes("no node near \(target) answered") }
        var report = PutReport(target: target, stored: 0, asked: closest.count, refusals: [])
        await withTaskGroup(of: QueryOutcome.self) { group in
            for candidate in closest {
                let request = PutRequest(
                    token: candidate.token ?? [], value: item.value, key: item.key, signature: item.signature,
                    sequenceNumber: item.sequenceNumber, salt: item.salt, compareAndSwap: compareAndSwap)
                group.addTask { await self.query(.put(request), to: candidate.node.endpoint) }
            }
            for await outcome in group {
                switch outcome {
                case .response: report.stored += 1
                case .error(let error): report.refusals.append(error)
                case .timeout, .stopped, .dropped: break
                }
            }
        }
        return report
    }

    /// Peers announced under an info-hash, from the nodes closest to it (BEP 5 `get_peers`).
    public func getPeers(_ infoHash: NodeID) async -> [NodeEndpoint] {
        var peers: [NodeEndpoint] = []
        var seen: Set<NodeEndpoint> = []
        _ = await lookup(target: infoHash, method: { .getPeers(infoHash: $0) }) { _, response in
            for peer in response.peers where peers.count < 1000 && seen.insert(peer).inserted { peers.append(peer) }
            return false
        }
        return peers
    }

    /// Announces this node (its UDP port, `implied_port`) under an info-hash on the closest nodes (BEP 5
    /// `announce_peer`). Returns how many accepted.
    @discardableResult
    public func announce(_ infoHash: NodeID) async -> Int {
        let result = await lookup(target: infoHash, method: { .getPeers(infoHash: $0) })
        var accepted = 0
        await withTaskGroup(of: Bool.self) { group in
            for candidate in result.closestResponded {
                guard let token = candidate.token else { continue }
                let port = UInt16(clamping: self.port)
                group.addTask {
                    if case .response = await self.query(
                        .announcePeer(infoHash: infoHash, port: port, token: token, impliedPort: true),
                        to: candidate.node.endpoint)
                    {
                        return true
                    }
                    return false
                }
            }
            for await ok in group where ok { accepted += 1 }
        }
        return accepted
    }

    /// Asks a node which descriptions it publishes (LMOS `lmos_who`): DIDs, each with `nil` for its default
    /// record or a local id for a further one.
    public func who(_ endpoint: NodeEndpoint) async -> [(did: String, localID: String?)] {
        guard case .response(let response) = await query(.lmosWho, to: endpoint) else { return [] }
        var records: [(did: String, localID: String?)] = response.dids.map { ($0, nil) }
        for (did, ids) in response.localIDs.sorted(by: { $0.key < $1.key }) {
            records += ids.map { (did, $0) }
        }
        return records
    }
}

extension Lookup {
    var statistics: LookupStatistics {
        LookupStatistics(
            hops: hops, queries: queriesSent, responded: candidates.filter { $0.state == .responded }.count)
    }
}
