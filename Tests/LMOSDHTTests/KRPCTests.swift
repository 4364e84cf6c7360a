import KRPC
import LMOSTestSupport
import Testing

@Suite struct KRPCTests {
    let alice = NodeID(bytes: Array("abcdefghij0123456789".utf8))!
    let bob = NodeID(bytes: Array("mnopqrstuvwxyz123456".utf8))!

    func roundTrip(_ message: KRPCMessage) throws -> KRPCMessage {
        try KRPCMessage.decode(message.encoded())
    }

    @Test func bep5ExamplesDecodeAndEncodeByteForByte() throws {
        let examples = [
            "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe",
            "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re",
            "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe",
            "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe",
            "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe",
            "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee",
        ]
        for text in examples {
            let message = try KRPCMessage.decode(Array(text.utf8))
            #expect(String(decoding: message.encoded(), as: UTF8.self) == text)
        }
        let ping = try KRPCMessage.decode(Array(examples[0].utf8))
        #expect(ping.kind == .query(KRPCQuery(sender: alice, method: .ping)))
        #expect(ping.transactionID == Array("aa".utf8))
        let announce = try KRPCMessage.decode(Array(examples[4].utf8))
        #expect(
            announce.kind
                == .query(
                    KRPCQuery(
                        sender: alice,
                        method: .announcePeer(infoHash: bob, port: 6881, token: Array("aoeusnth".utf8), impliedPort: true))))
        let error = try KRPCMessage.decode(Array(examples[5].utf8))
        #expect(error.kind == .error(KRPCError(code: 201, message: "A Generic Error Ocurred")))
    }

    @Test func everyQueryRoundTrips() throws {
        let put = PutRequest(
            token: [1, 2, 3], value: Array("12:Hello World!".utf8), key: Array(repeating: 7, count: 32),
            signature: Array(repeating: 9, count: 64), sequenceNumber: 4, salt: Array("lmos-td".utf8), compareAndSwap: 3)
        let methods: [KRPCQuery.Method] = [
            .ping, .findNode(target: bob), .getPeers(infoHash: bob),
            .announcePeer(infoHash: bob, port: 1, token: [0], impliedPort: false), .get(target: bob, sequenceNumber: nil),
            .get(target: bob, sequenceNumber: 12), .put(put), .put(PutRequest(token: [5], value: Array("i1e".utf8))),
            .lmosWho, .other(name: Array("sample_infohashes".utf8)),
        ]
        for method in methods {
            let message = KRPCMessage(
                transactionID: [0, 1], kind: .query(KRPCQuery(sender: alice, method: method)), clientVersion: [76, 77, 0, 1],
                readOnly: true)
            #expect(try roundTrip(message) == message)
        }
    }

    @Test func responsesRoundTrip() throws {
        let endpoint = NodeEndpoint(host: "127.0.0.1", port: 6881)!
        let response = KRPCResponse(
            sender: bob, nodes: [NodeInfo(id: alice, endpoint: endpoint)], token: [1, 2], peers: [endpoint],
            value: Array("d1:ai1ee".utf8), key: Array(repeating: 1, count: 32), signature: Array(repeating: 2, count: 64),
            sequenceNumber: 5, dids: ["did:key:z6Mk"], localIDs: ["did:key:z6Mk": ["second", "third"]])
        let message = KRPCMessage(transactionID: [9, 9], kind: .response(response), requesterEndpoint: endpoint)
        #expect(try roundTrip(message) == message)
    }

    @Test func putKeepsTheValueBytesAsSent() throws {
        // An unsorted dictionary value: the signature covers these bytes, so they must survive unchanged.
        let text = "d1:ad2:id20:abcdefghij01234567895:token1:x1:vd1:zi1e1:ai2eee1:q3:put1:t2:aa1:y1:qe"
        let message = try KRPCMessage.decode(Array(text.utf8))
        guard case .query(let query) = message.kind, case .put(let put) = query.method else {
            Issue.record("not a put")
            return
        }
        #expect(String(decoding: put.value, as: UTF8.self) == "d1:zi1e1:ai2ee")
        #expect(String(decoding: message.encoded(), as: UTF8.self) == text)
    }

    @Test(arguments: [
        ("d1:q4:ping1:y1:qe", true), ("d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", true),
        ("d1:ad2:id20:abcdefghij0123456789e1:t2:aa1:y1:qe", true), ("d1:t2:aa1:y1:xe", false),
        ("d1:rd2:id20:abcdefghij01234567895:nodes3:abce1:t2:aa1:y1:re", false), ("le", false), ("garbage", false),
        ("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti70000e5:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe", true),
    ])
    func malformedMessagesAreRefusedWithWhatCouldBeRead(text: String, isQuery: Bool) {
        do {
            _ = try KRPCMessage.decode(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.isQuery == isQuery, "\(text): \(error)")
            if text.contains("1:t2:aa") { #expect(error.transactionID == Array("aa".utf8)) }
        }
    }

    @Test func randomDatagramsNeverCrash() {
        var random = SplitMix64(seed: 5)
        let seed = Array("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe".utf8)
        for _ in 0..<20_000 {
            var bytes = seed
            for _ in 0..<random.int(in: 1...4) {
                let index = random.int(in: 0...(bytes.count - 1))
                switch random.int(in: 0...2) {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: index)
                }
            }
            _ = try? KRPCMessage.decode(bytes)
        }
    }

    @Test func nodeIDsCompareByXorDistance() {
        let zero = NodeID(bytes: [UInt8](repeating: 0, count: 20))!
        var oneBytes = [UInt8](repeating: 0, count: 20)
        oneBytes[19] = 1
        let one = NodeID(bytes: oneBytes)!
        var topBytes = [UInt8](repeating: 0, count: 20)
        topBytes[0] = 0x80
        let top = NodeID(bytes: topBytes)!
        #expect(zero.distance(to: one) < zero.distance(to: top))
        #expect(zero.distance(to: top).leadingZeroBitCount == 0)
        #expect(zero.distance(to: one).leadingZeroBitCount == 159)
        #expect(zero.leadingZeroBitCount == 160)
        #expect(NodeID(hex: alice.hex) == alice)
        #expect(NodeID(bytes: alice.bytes) == alice)
        #expect(NodeID(digest: alice.bytes + [1, 2, 3]) == alice)
        #expect(NodeEndpoint("127.0.0.1:6881")?.compact == [127, 0, 0, 1, 0x1A, 0xE1])
        #expect(NodeEndpoint("256.0.0.1:1") == nil)
        #expect(NodeEndpoint("1.2.3.4:70000") == nil)
        #expect(NodeEndpoint("localhost:5")?.description == "127.0.0.1:5")
    }
}
