import Foundation
import KRPC
import LMOSCore
import LMOSDHT
import LMOSIdentity
import Testing

/// Our nodes and libtorrent's (Python bindings, `Peers/lt_peer.py`) in one loopback network.
extension DHTLoopback {
@Suite(.enabled(if: LibtorrentPeer.available || LibtorrentPeer.mustRun))
struct LibtorrentInteropTests {
    func hexObject(_ pairs: [(String, JSONValue)]) -> JSONObject {
        var object = JSONObject()
        for (key, value) in pairs { object[key] = value }
        return object
    }

    @Test func libtorrentReadsOurRecordsAndWeReadTheirs() async throws {
        let network = try await TestNetwork.start(size: 10)
        defer { Task { await network.stop() } }
        let firstPort = Int(await network.nodes[0].port)
        let secondPort = Int(await network.nodes[5].port)
        let alice = try await LibtorrentPeer(nodes: [firstPort, secondPort])
        defer { alice.stop() }
        let bob = try await LibtorrentPeer(nodes: [secondPort])
        defer { bob.stop() }
        // Let every node meet libtorrent's nodes (libtorrent pings with get_peers; our nodes ask them back).
        for node in network.nodes { await node.join() }

        // Our record: libtorrent's dht_get_item finds the pointer (mutable, salt lmos-td) and a chunk (immutable).
        let key = Ed25519KeyPair()
        let description = try signedDescription(key: key, title: "interop", capability: "urn:acme:capability:interop")
        let report = try await network.nodes[3].publish(description, key: key)
        let got = try await alice.command(
            hexObject([("op", "get_mutable"), ("key", .string(hexString(key.publicKey))), ("salt", "lmos-td")]))
        #expect(got["ok"] == .bool(true), "\(got)")
        #expect(got["seq"]?.integerValue == report.sequenceNumber)
        let pointerHex = try #require(got["value_bencoded_hex"]?.stringValue)
        let pointer = try DescriptionPointer(bencoded: try #require(bytes(hex: pointerHex)))
        guard case .chunks(let targets, _, _, _) = pointer else {
            Issue.record("expected a chunked pointer")
            return
        }
        #expect(targets == report.chunkTargets)
        var chunks: [[UInt8]] = []
        for target in targets {
            let chunk = try await bob.command(hexObject([("op", "get_immutable"), ("target", .string(target.hex))]))
            #expect(chunk["ok"] == .bool(true), "\(chunk)")
            chunks.append(bytes(hex: chunk["value_bencoded_hex"]?.stringValue ?? "") ?? [])
        }
        // What libtorrent read reassembles into the signed description, which verifies.
        let document = try JSONValue(parsing: try pointer.assemble(chunkValues: chunks))
        #expect(document == description)
        #expect(try EddsaJcs2022.verify(document, didDocument: key.didKey.document).did == key.didKey.did)

        // Their records: libtorrent puts a mutable item (signed by libtorrent) and an immutable one; we read both.
        let seed = [UInt8](repeating: 0x2A, count: 32)
        let theirKey = try Ed25519KeyPair(seed: seed)
        let value = Bencode.encode(.string("from libtorrent"))
        let put = try await alice.command(
            hexObject([
                ("op", "put_mutable"), ("seed", .string(hexString(seed))), ("salt", "lmos-td"),
                ("value_bencoded_hex", .string(hexString(value))),
            ]))
        #expect(put["ok"] == .bool(true), "\(put)")
        #expect((put["num_success"]?.integerValue ?? 0) > 0)
        let ours = await network.nodes[8].getMutable(key: theirKey.publicKey, salt: Array("lmos-td".utf8))
        #expect(ours.item?.value == value)
        #expect(ours.item?.sequenceNumber == put["seq"]?.integerValue)

        let immutableValue = Bencode.encode(.list([.string("lmos"), .integer(44)]))
        let putImmutable = try await bob.command(
            hexObject([("op", "put_immutable"), ("value_bencoded_hex", .string(hexString(immutableValue)))]))
        #expect(putImmutable["ok"] == .bool(true), "\(putImmutable)")
        let target = try #require(NodeID(hex: putImmutable["target"]?.stringValue ?? ""))
        #expect(target == BEP44.immutableTarget(value: immutableValue))
        #expect(await network.nodes[1].getImmutable(target).value == immutableValue)

        // Our nodes answered libtorrent's queries, and libtorrent keeps them in its routing table.
        let stats = try await alice.command(hexObject([("op", "stats")]))
        #expect((stats["nodes"]?.integerValue ?? 0) >= 5, "\(stats)")
        var answered = 0
        for node in network.nodes { answered += await node.statistics.counters.queriesAnswered }
        #expect(answered > 0)
        let received = stats["queries_received"]
        #expect(received != nil)

        // Our resolver resolves the DID through a network where libtorrent nodes sit between.
        #expect(try await network.nodes[9].resolve(key.didKey.did).document == description)
    }
}
}
