import KRPC
import LMOSCore
import LMOSDHT
import LMOSIdentity
import LMOSTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

/// A description signed with `key`, with capabilities, long enough (unless `short`) to need chunks.
func signedDescription(key: Ed25519KeyPair, title: String, capability: String, short: Bool = false) throws -> JSONValue {
    let padding = short ? "" : String(repeating: "An agent that answers questions about invoices and tariffs. ", count: 40)
    let text = """
        {"@context": ["https://www.w3.org/2022/wot/td/v1.1", {"lmos": "https://eclipse.dev/lmos/protocol/v1"}],
         "@type": "lmos:Agent", "id": "urn:test:\(title)", "title": "\(title)", "description": "\(padding)",
         "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}}, "security": "nosec_sc",
         "lmos:capabilities": [{"id": "\(capability)", "name": "Billing", "version": "1.0.0"}],
         "actions": {"chat": {"forms": [{"href": "http://127.0.0.1:9000/\(title)/actions/chat"}]}}}
        """
    return try EddsaJcs2022.sign(try JSONValue(parsing: text), with: key)
}

/// Many of our nodes in one process, all on 127.0.0.1.
final class TestNetwork: Sendable {
    let nodes: [DHTNode]

    init(nodes: [DHTNode]) { self.nodes = nodes }

    static func start(size: Int, queryTimeout: Double = 0.5) async throws -> TestNetwork {
        let first = try await DHTNode.start(DHTNodeConfiguration(host: "127.0.0.1", queryTimeout: queryTimeout))
        let bootstrap = NodeEndpoint(address: 0x7F00_0001, port: UInt16(await first.port))
        var nodes = [first]
        for _ in 1..<size {
            nodes.append(
                try await DHTNode.start(
                    DHTNodeConfiguration(host: "127.0.0.1", bootstrap: [bootstrap], queryTimeout: queryTimeout)))
        }
        // The first nodes joined a small network: a second join (a refresh, as the maintenance timer would do) lets
        // them learn of the later ones. Nodes that joined a large network already know it.
        await withTaskGroup(of: Void.self) { group in
            for node in nodes.prefix(min(size, 16)) { group.addTask { await node.join() } }
        }
        return TestNetwork(nodes: nodes)
    }

    func stop() async {
        for node in nodes { await node.stop() }
    }
}

/// The tests that run networks of nodes on loopback, one at a time (each is timing-sensitive on two cores).
@Suite(.serialized) enum DHTLoopback {}

extension DHTLoopback {
@Suite struct NetworkTests {
    @Test func publishResolveAndFindOnSixtyNodesAndSurviveAThirdLeaving() async throws {
        let network = try await TestNetwork.start(size: 60)
        defer { Task { await network.stop() } }
        for node in network.nodes {
            let count = await node.knownNodes.count
            #expect(count >= 5, "\(node.id) knows \(count)")
        }
        let key = Ed25519KeyPair()
        let capability = "urn:acme:capability:billing:view"
        let description = try signedDescription(key: key, title: "billing", capability: capability)
        let publisher = network.nodes[7]
        let report = try await publisher.publish(description, key: key)
        #expect(report.did == key.didKey.did)
        #expect(report.chunkTargets.count >= 2)
        #expect(report.pointerStored >= 6)
        #expect(report.chunksStored.allSatisfy { $0 >= 6 })
        #expect(report.rendezvous.map(\.name).sorted() == ["lmos:capability:\(capability)", "lmos:type:Agent"])
        #expect(report.rendezvous.allSatisfy { $0.accepted >= 6 })

        let resolved = try await network.nodes[42].resolve(key.didKey.did)
        #expect(resolved.document == description)
        #expect(resolved.sequenceNumber == report.sequenceNumber)

        let found = await network.nodes[23].find(capability: capability)
        #expect(found.map(\.did) == [key.didKey.did])

        // A second description of the same key (salt lmos-td:second) is found by capability too.
        let other = try signedDescription(key: key, title: "second", capability: capability, short: true)
        let secondReport = try await publisher.publish(other, key: key, localID: "second")
        #expect(secondReport.pointerTarget != report.pointerTarget)
        #expect(try await network.nodes[30].resolve(key.didKey.did, localID: "second").document == other)
        let both = await network.nodes[24].find(capability: capability)
        #expect(Set(both.map(\.localID)) == [nil, "second"])
        #expect(try await network.nodes[30].resolve(key.didKey.did).document == description)
        await #expect(throws: DHTError.self) {
            try await publisher.publish(other, key: key, localID: String(repeating: "x", count: 60))
        }
        #expect(await network.nodes[11].find(type: "Agent").map(\.did) == [key.didKey.did, key.didKey.did])
        #expect(await network.nodes[11].find(capability: "urn:acme:capability:nothing").isEmpty)

        // A third of the nodes leave (not the publisher, not the reader); the record is still found.
        for index in stride(from: 1, to: 60, by: 3) where index != 7 { await network.nodes[index].stop() }
        #expect(await network.nodes[45].findNode(NodeID.random()).count == 8)
        let again = try await network.nodes[45].resolve(key.didKey.did)
        #expect(again.document == description)
        #expect(Set(await network.nodes[50].find(capability: capability).map(\.localID)) == [nil, "second"])

        // Re-publishing unchanged keeps the sequence number; a changed description gets a higher one.
        #expect(try await publisher.publish(description, key: key).sequenceNumber == report.sequenceNumber)
        let changed = try signedDescription(key: key, title: "billing2", capability: capability, short: true)
        let second = try await publisher.publish(changed, key: key)
        #expect(second.sequenceNumber > report.sequenceNumber)
        #expect(second.chunkTargets.count < report.chunkTargets.count)
        #expect(try await network.nodes[44].resolve(key.didKey.did).document == changed)
    }

    @Test func recordsWhoseKeysDoNotMatchAreRefused() async throws {
        let network = try await TestNetwork.start(size: 20)
        defer { Task { await network.stop() } }
        let owner = Ed25519KeyPair()
        let stranger = Ed25519KeyPair()
        let theirs = try signedDescription(key: stranger, title: "theirs", capability: "urn:x:y", short: true)

        // The publisher refuses a description not signed with its key.
        await #expect(throws: DHTError.self) { try await network.nodes[1].publish(theirs, key: owner) }

        // Written by hand under the owner's key anyway, the reader refuses it: the proof names another DID.
        let (pointer, _) = DescriptionPointer.make(document: try theirs.canonicalJSON())
        let item = try DHTItem.signed(
            value: pointer.bencoded, key: owner, salt: DescriptionPointer.salt(localID: nil), sequenceNumber: 1)
        #expect(try await network.nodes[2].put(item).stored > 0)
        await #expect(throws: DHTError.self) { try await network.nodes[9].resolve(owner.didKey.did) }

        // Nothing under a key: not found.
        do {
            _ = try await network.nodes[3].resolve(Ed25519KeyPair().didKey.did)
            Issue.record("resolved a DID that published nothing")
        } catch {
            guard case .notFound = error else {
                Issue.record("expected notFound, got \(error)")
                return
            }
        }
        await #expect(throws: DHTError.self) { try await network.nodes[3].resolve("did:example:nope") }
    }

    /// A did:web DID: its document, served over HTTP by a real Python server on loopback, names the Ed25519 key
    /// the record is stored under.
    @Test func resolvesDidWebThroughItsDocument() async throws {
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-dht-didweb")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("agent"), withIntermediateDirectories: true)
        let server = try BackgroundProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", folder.path, "0"])
        defer { server.terminate() }
        let banner = try await server.line(timeout: 20) { $0.contains("port ") }
        let port = try #require(banner.split(separator: " ").drop { $0 != "port" }.dropFirst().first.flatMap { Int($0) })
        let key = Ed25519KeyPair()
        let did = "did:web:127.0.0.1%3A\(port):agent"
        let document = DIDDocument.agent(did: did, key: key)
        try Data(JSONValue.object(document.json).jsonBytes()).write(
            to: folder.appendingPathComponent("agent/did.json"))
        let unsigned = try signedDescription(key: key, title: "web", capability: "urn:x:web")
        let description = try EddsaJcs2022.sign(
            unsigned, with: key, verificationMethod: did + "#" + key.publicKeyMultibase)

        let network = try await TestNetwork.start(size: 12)
        defer { Task { await network.stop() } }
        let report = try await network.nodes[2].publish(description, key: key)
        #expect(report.did == did)
        let resolver = StandardDIDResolver(web: DIDWebResolver(fetcher: HTTPDocumentFetcher(), scheme: "http"))
        let resolved = try await network.nodes[9].resolve(did, resolver: resolver)
        #expect(resolved.document == description)

        // The document now names another key: the record under the old key is no longer this DID's.
        try Data(JSONValue.object(DIDDocument.agent(did: did, key: Ed25519KeyPair()).json).jsonBytes()).write(
            to: folder.appendingPathComponent("agent/did.json"))
        await #expect(throws: DHTError.self) { try await network.nodes[9].resolve(did, resolver: resolver) }
    }

    @Test func storingNodesRefuseForgedItems() async throws {
        let network = try await TestNetwork.start(size: 12)
        defer { Task { await network.stop() } }
        let key = Ed25519KeyPair()
        let salt = Array("lmos-td".utf8)
        let good = try DHTItem.signed(value: Bencode.encode(.string("v2")), key: key, salt: salt, sequenceNumber: 2)
        #expect(try await network.nodes[0].put(good).stored >= 6)

        var forged = try DHTItem.signed(value: Bencode.encode(.string("v3")), key: key, salt: salt, sequenceNumber: 3)
        forged.value = Bencode.encode(.string("evil"))
        await #expect(throws: DHTError.refused(.invalidSignature)) { try await network.nodes[1].put(forged) }

        let older = try DHTItem.signed(value: Bencode.encode(.string("v1")), key: key, salt: salt, sequenceNumber: 1)
        // Every node holding seq 2 refuses seq 1 (a node that missed the first write may take it; readers still
        // get the highest).
        let report = try await network.nodes[1].put(older)
        #expect(report.refusals.contains(.sequenceNumberLessThanCurrent))
        #expect(report.refusals.count >= 5)

        var wrongSalt = try DHTItem.signed(value: Bencode.encode(.string("v9")), key: key, salt: salt, sequenceNumber: 9)
        wrongSalt.salt = Array("lmos-tx".utf8)
        await #expect(throws: DHTError.refused(.invalidSignature)) { try await network.nodes[1].put(wrongSalt) }

        let read = await network.nodes[5].getMutable(key: key.publicKey, salt: salt)
        #expect(read.item == good)
        #expect(await network.nodes[5].getImmutable(BEP44.immutableTarget(value: [0x31, 0x3A, 0x61])).value == nil)
    }

    @Test func publishersRepublishOnTheirOwn() async throws {
        let network = try await TestNetwork.start(size: 12)
        defer { Task { await network.stop() } }
        var configuration = DHTNodeConfiguration(
            host: "127.0.0.1", bootstrap: [NodeEndpoint(address: 0x7F00_0001, port: UInt16(await network.nodes[0].port))],
            queryTimeout: 0.5)
        configuration.republishInterval = 0.5
        configuration.maintenanceInterval = 0.2
        let publisher = try await DHTNode.start(configuration)
        defer { Task { await publisher.stop() } }
        let key = Ed25519KeyPair()
        let description = try signedDescription(key: key, title: "again", capability: "urn:x:again", short: true)
        let first = try await publisher.publish(description, key: key)
        func accepted() async -> Int {
            var total = 0
            for node in network.nodes { total += await node.statistics.counters.itemsAccepted }
            return total
        }
        let before = await accepted()
        try await Task.sleep(for: .seconds(1.5))
        // Written again (same value, same sequence number: a refresh), without being asked.
        #expect(await accepted() >= before + first.pointerStored)
        #expect(try await network.nodes[4].resolve(key.didKey.did).sequenceNumber == first.sequenceNumber)
        #expect(await publisher.statistics.publishedDIDs == [key.didKey.did])
        await publisher.unpublish(key.didKey.did)
        #expect(await publisher.statistics.publishedDIDs.isEmpty)
    }

    @Test func malformedDatagramsGetProtocolErrorsAndNoCrash() async throws {
        let node = try await DHTNode.start(DHTNodeConfiguration(host: "127.0.0.1"))
        let client = try await DHTNode.start(DHTNodeConfiguration(host: "127.0.0.1", queryTimeout: 0.5))
        defer { Task { await node.stop(); await client.stop() } }
        let endpoint = NodeEndpoint(address: 0x7F00_0001, port: UInt16(await node.port))
        #expect(await client.ping(endpoint) == node.id)
        // Raw garbage through a plain UDP socket, then the node still answers.
        let socket = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        for garbage in ["", "d", "d1:t2:aa1:y1:qe", "d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", String(repeating: "l", count: 2000)] {
            let buffer = socket.allocator.buffer(string: garbage)
            try await socket.writeAndFlush(AddressedEnvelope(remoteAddress: try SocketAddress(ipAddress: "127.0.0.1", port: Int(endpoint.port)), data: buffer))
        }
        try await socket.close()
        #expect(await client.ping(endpoint) == node.id)
        #expect(await node.statistics.counters.malformed >= 4)
    }
}
}
