import KRPC
import LMOSDHT
import LMOSTestSupport
import Testing

@Suite struct RoutingAndLookupTests {
    func node(_ generator: inout SplitMix64, port: Int) -> NodeInfo {
        NodeInfo(id: NodeID.random(using: &generator), endpoint: NodeEndpoint(address: 0x7F00_0001, port: UInt16(port)))
    }

    @Test func bucketsHoldKAndPreferGoodNodes() {
        var random = SplitMix64(seed: 1)
        let own = NodeID.random(using: &random)
        var table = RoutingTable(ownID: own, bucketSize: 8, now: 0)
        var added = 0
        for port in 1...2000 where table.insert(node(&random, port: port), responded: true, now: 0) == .added {
            added += 1
        }
        // Half the ids fall in bucket 0, a quarter in bucket 1...: each holds at most 8.
        #expect(table.count == added)
        #expect(table.count < 8 * 12)
        #expect(table.insert(NodeInfo(id: own, endpoint: .init(address: 1, port: 1)), responded: true, now: 0) == .ignored)

        // A full bucket of good nodes keeps them; the newcomer waits as a replacement, and the oldest is pinged
        // once it is no longer known to be good.
        var far = own.bytes
        far[0] ^= 0x80
        let newcomer = NodeInfo(id: NodeID(bytes: far)!, endpoint: .init(address: 2, port: 2))
        #expect(table.insert(newcomer, responded: true, now: 1) == .ignored)
        guard case .pingOldest(let oldest) = table.insert(newcomer, responded: true, now: 2000) else {
            Issue.record("expected a ping of the oldest node")
            return
        }
        table.recordFailure(oldest)
        table.recordFailure(oldest)
        #expect(table.entry(oldest.id) == nil)
        #expect(table.entry(newcomer.id) != nil)
    }

    @Test func closestIsSortedByDistance() {
        var random = SplitMix64(seed: 2)
        var table = RoutingTable(ownID: NodeID.random(using: &random), now: 0)
        for port in 1...500 { table.insert(node(&random, port: port), responded: true, now: 0) }
        let target = NodeID.random(using: &random)
        let closest = table.closest(to: target, count: 8)
        #expect(closest.count == 8)
        let all = table.allNodes.sorted { $0.id.distance(to: target) < $1.id.distance(to: target) }
        #expect(closest == Array(all.prefix(8)))
    }

    @Test func refreshTargetsFallInTheirBuckets() {
        var random = SplitMix64(seed: 3)
        let own = NodeID.random(using: &random)
        var table = RoutingTable(ownID: own, now: 0)
        for port in 1...100 { table.insert(node(&random, port: port), responded: true, now: 0) }
        let targets = table.bucketsToRefresh(now: 1000)
        #expect(!targets.isEmpty)
        for (index, target) in targets.enumerated() {
            #expect(target.distance(to: own).leadingZeroBitCount == index)
        }
        #expect(table.bucketsToRefresh(now: 1001).isEmpty)
    }

    /// A simulated network: every node knows 16 random others plus its 8 closest; the lookup must reach the
    /// 8 nodes closest to the target in O(log n) rounds.
    @Test(arguments: [50, 400])
    func lookupConvergesOnTheClosestNodes(size: Int) {
        var random = SplitMix64(seed: UInt64(size))
        let nodes = (0..<size).map { node(&random, port: $0 + 1) }
        func neighbours(of node: NodeInfo, toward target: NodeID) -> [NodeInfo] {
            // What the node would answer: the 8 closest to the target among those it knows.
            let known = nodes.filter { $0.id.distance(to: node.id).leadingZeroBitCount >= 0 }
            return Array(known.sorted { $0.id.distance(to: target) < $1.id.distance(to: target) }.prefix(8))
        }
        let target = NodeID.random(using: &random)
        var lookup = Lookup(target: target, seeds: Array(nodes.prefix(3)))
        var rounds = 0
        while !lookup.isFinished && rounds < 100 {
            rounds += 1
            for asked in lookup.nextQueries() {
                lookup.received(from: asked, closer: neighbours(of: asked, toward: target), token: [1])
            }
        }
        let expected = nodes.sorted { $0.id.distance(to: target) < $1.id.distance(to: target) }.prefix(8)
        #expect(lookup.closestResponded.map(\.node) == Array(expected))
        #expect(lookup.closestResponded.allSatisfy { $0.token == [1] })
    }

    @Test func lookupSkipsNodesThatFail() {
        var random = SplitMix64(seed: 9)
        let nodes = (0..<20).map { node(&random, port: $0 + 1) }
        let target = NodeID.random(using: &random)
        var lookup = Lookup(target: target, seeds: nodes)
        var answered: [NodeInfo] = []
        while !lookup.isFinished {
            for asked in lookup.nextQueries() {
                if asked.endpoint.port % 3 == 0 {
                    lookup.failed(asked.endpoint)
                } else {
                    lookup.received(from: asked, closer: [], token: nil)
                    answered.append(asked)
                }
            }
        }
        #expect(lookup.closestResponded.count == 8)
        #expect(lookup.closestResponded.allSatisfy { candidate in answered.contains(candidate.node) })
    }

    @Test func rateLimiterAllowsBurstsThenTheRate() {
        var limiter = RateLimiter(rate: 10, burst: 20)
        let source = NodeEndpoint(address: 1, port: 1)
        let allowed = (0..<100).filter { _ in limiter.allow(source, now: 0) }.count
        #expect(allowed == 20)
        let refilled = limiter.allow(source, now: 0.15)
        let again = limiter.allow(source, now: 0.15)
        let other = limiter.allow(NodeEndpoint(address: 1, port: 2), now: 0.15)
        #expect(refilled && !again && other)
    }
}
