import LMOSTestSupport
import MQTTCore
import Testing

/// The packet layouts of the MQTT 3.1.1 and 5.0 standards, byte for byte, both ways.
@Suite struct MQTTCodecTests {
    func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16) ?? 0 }
    }

    func decode(_ bytes: [UInt8], _ version: MQTTProtocolVersion) throws -> MQTTPacket {
        var parser = MQTTPacketParser(version: version)
        parser.append(bytes)
        let packet = try #require(try parser.next())
        #expect(parser.bufferedByteCount == 0)
        return packet
    }

    func check(_ packet: MQTTPacket, _ version: MQTTProtocolVersion, _ layout: String) throws {
        let bytes = hex(layout)
        let encoded = try packet.encoded(version: version)
        #expect(encoded == bytes, "\(encoded.map { String($0, radix: 16) }.joined(separator: " "))")
        #expect(try decode(bytes, version) == packet)
    }

    @Test func variableByteIntegersAtEveryBoundary() throws {
        // Section 1.5.5's table: the smallest and largest value of each length.
        let table: [(UInt32, String)] = [
            (0, "00"), (127, "7F"), (128, "8001"), (16_383, "FF7F"), (16_384, "808001"), (2_097_151, "FFFF7F"),
            (2_097_152, "80808001"), (268_435_455, "FFFFFF7F"),
        ]
        for (value, layout) in table {
            var properties = MQTTProperties()
            try properties.append(.subscriptionIdentifier, .variableByteInteger(value))
            let subscribe = MQTTPacket.subscribe(
                MQTTSubscribe(packetID: 1, subscriptions: [.init(filter: "a")], properties: properties))
            let bytes = try subscribe.encoded(version: .v5)
            // Fixed header (2 bytes), packet id (2), property length (1), identifier 0x0B (1), then the integer.
            #expect(Array(bytes[6..<(6 + layout.count / 2)]) == hex(layout), "\(value)")
            #expect(try decode(bytes, .v5) == subscribe)
        }
    }

    @Test func connectAndConnAck() throws {
        try check(.connect(MQTTConnect(version: .v3_1_1, clientID: "a")), .v3_1_1, "10 0D 0004 4D515454 04 02 003C 0001 61")
        try check(.connect(MQTTConnect(version: .v5, clientID: "a")), .v5, "10 0E 0004 4D515454 05 02 003C 00 0001 61")
        // Every flag: will (QoS 1, retained), username, password; no clean session.
        let full = MQTTConnect(
            version: .v3_1_1, clientID: "c", cleanStart: false, keepAlive: 10,
            will: .init(topic: "w", payload: [0x21], qos: .atLeastOnce, retain: true), username: "u", password: [0x70])
        try check(.connect(full), .v3_1_1, "10 19 0004 4D515454 04 EC 000A 0001 63 0001 77 0001 21 0001 75 0001 70")
        var properties = MQTTProperties()
        properties.sessionExpiryInterval = 3600
        var willProperties = MQTTProperties()
        try willProperties.append(.willDelayInterval, .fourByteInteger(5))
        let v5 = MQTTConnect(
            version: .v5, clientID: "c", will: .init(topic: "w", payload: [], properties: willProperties),
            password: [1], properties: properties)
        try check(
            .connect(v5), .v5,
            "10 21 0004 4D515454 05 46 003C 05 11 00000E10 0001 63 05 18 00000005 0001 77 0000 0001 01")
        try check(.connAck(MQTTConnAck(sessionPresent: true, reasonCode: 0)), .v3_1_1, "20 02 01 00")
        try check(.connAck(MQTTConnAck(reasonCode: 5)), .v3_1_1, "20 02 00 05")
        var assigned = MQTTProperties()
        try assigned.append(.assignedClientIdentifier, .string("id"))
        try assigned.append(.receiveMaximum, .twoByteInteger(20))
        try check(.connAck(MQTTConnAck(properties: assigned)), .v5, "20 0B 00 00 08 12 0002 6964 21 0014")
    }

    @Test func publishAtEachQoS() throws {
        try check(.publish(MQTTPublish(topic: "a/b", payload: Array("hi".utf8))), .v3_1_1, "30 07 0003 612F62 6869")
        try check(
            .publish(MQTTPublish(topic: "a", payload: [], qos: .atLeastOnce, retain: true, packetID: 10)), .v3_1_1,
            "33 05 0001 61 000A")
        try check(
            .publish(MQTTPublish(topic: "a", payload: [9], qos: .exactlyOnce, duplicate: true, packetID: 1)), .v3_1_1,
            "3C 06 0001 61 0001 09")
        var properties = MQTTProperties()
        properties.responseTopic = "r"
        properties.correlationData = [1, 2]
        try properties.append(.userProperty, .stringPair("k", "v"))
        try properties.append(.userProperty, .stringPair("k", "w"))
        try check(
            .publish(MQTTPublish(topic: "a/b", payload: [0x7B, 0x7D], qos: .atLeastOnce, packetID: 10, properties: properties)),
            .v5, "32 21 0003 612F62 000A 17 08 0001 72 09 0002 0102 26 0001 6B 0001 76 26 0001 6B 0001 77 7B7D")
        let decoded = try decode(hex("32 21 0003 612F62 000A 17 08 0001 72 09 0002 0102 26 0001 6B 0001 76 26 0001 6B 0001 77 7B7D"), .v5)
        guard case .publish(let publish) = decoded else {
            Issue.record("not a publish")
            return
        }
        #expect(publish.properties.userProperties.map { "\($0.0)=\($0.1)" } == ["k=v", "k=w"])
        #expect(publish.properties.responseTopic == "r")
    }

    @Test func acknowledgements() throws {
        for version in [MQTTProtocolVersion.v3_1_1, .v5] {
            try check(.pubAck(MQTTAck(packetID: 10)), version, "40 02 000A")
            try check(.pubRec(MQTTAck(packetID: 10)), version, "50 02 000A")
            try check(.pubRel(MQTTAck(packetID: 10)), version, "62 02 000A")
            try check(.pubComp(MQTTAck(packetID: 10)), version, "70 02 000A")
            try check(.pingReq, version, "C0 00")
            try check(.pingResp, version, "D0 00")
            try check(.disconnect(MQTTReasonPacket()), version, "E0 00")
        }
        try check(.pubAck(MQTTAck(packetID: 10, reasonCode: 0x10)), .v5, "40 03 000A 10")
        var reason = MQTTProperties()
        reason.reasonString = "no"
        try check(.pubRec(MQTTAck(packetID: 1, reasonCode: 0x80, properties: reason)), .v5, "50 09 0001 80 05 1F 0002 6E6F")
        try check(.disconnect(MQTTReasonPacket(reasonCode: 0x04)), .v5, "E0 01 04")
        try check(.auth(MQTTReasonPacket(reasonCode: 0x18)), .v5, "F0 01 18")
        // MQTT 5 receivers accept the short forms a sender may use.
        #expect(try decode(hex("40 03 000A 00"), .v5) == .pubAck(MQTTAck(packetID: 10)))
        #expect(try decode(hex("40 04 000A 00 00"), .v5) == .pubAck(MQTTAck(packetID: 10)))
    }

    @Test func subscribeAndUnsubscribe() throws {
        try check(
            .subscribe(MQTTSubscribe(packetID: 1, subscriptions: [.init(filter: "a/#", qos: .atLeastOnce)])), .v3_1_1,
            "82 08 0001 0003 612F23 01")
        try check(
            .subscribe(
                MQTTSubscribe(
                    packetID: 2,
                    subscriptions: [
                        .init(filter: "+/x", qos: .exactlyOnce, noLocal: true, retainAsPublished: true, retainHandling: .doNotSend),
                        .init(filter: "y"),
                    ])), .v5, "82 0D 0002 00 0003 2B2F78 2E 0001 79 00")
        try check(.subAck(MQTTSubAck(packetID: 1, reasonCodes: [1, 0x80])), .v3_1_1, "90 04 0001 01 80")
        try check(.subAck(MQTTSubAck(packetID: 1, reasonCodes: [0x97])), .v5, "90 04 0001 00 97")
        try check(.unsubscribe(MQTTUnsubscribe(packetID: 2, filters: ["a/#"])), .v3_1_1, "A2 07 0002 0003 612F23")
        try check(.unsubscribe(MQTTUnsubscribe(packetID: 2, filters: ["a/#"])), .v5, "A2 08 0002 00 0003 612F23")
        try check(.unsubAck(MQTTSubAck(packetID: 2, reasonCodes: [])), .v3_1_1, "B0 02 0002")
        try check(.unsubAck(MQTTSubAck(packetID: 2, reasonCodes: [0x00, 0x11])), .v5, "B0 05 0002 00 00 11")
    }

    @Test(arguments: [
        ("00 00", MQTTProtocolVersion.v3_1_1, "reserved type 0"),
        ("30 02 0000", .v3_1_1, "empty topic name without a topic alias"),
        ("36 05 0001 61 0001", .v3_1_1, "QoS 3"),
        ("38 03 0001 61", .v3_1_1, "DUP on QoS 0"),
        ("32 05 0001 61 0000", .v3_1_1, "packet id 0"),
        ("30 05 0001 2B 6869", .v3_1_1, "wildcard in a topic name"),
        ("30 04 0002 C328", .v3_1_1, "invalid UTF-8 topic"),
        ("30 04 0002 6100", .v3_1_1, "U+0000 in a topic"),
        ("41 02 000A", .v3_1_1, "PUBACK with flags"),
        ("60 02 000A", .v3_1_1, "PUBREL without its 0010 flags"),
        ("80 08 0001 0003 612F23 01", .v3_1_1, "SUBSCRIBE without its flags"),
        ("82 08 0001 0003 612F23 04", .v3_1_1, "reserved subscription bits in 3.1.1"),
        ("82 08 0001 0003 23 2F61 01", .v3_1_1, "# not last"),
        ("82 02 0001", .v3_1_1, "SUBSCRIBE without filters"),
        ("C0 01 00", .v3_1_1, "PINGREQ with a body"),
        ("E0 01 00", .v3_1_1, "3.1.1 DISCONNECT with a body"),
        ("F0 00", .v3_1_1, "AUTH in 3.1.1"),
        ("30 FF FF FF FF 7F", .v3_1_1, "remaining length of 5 bytes"),
        ("30 80 00", .v3_1_1, "remaining length not shortest"),
        ("10 0D 0004 4D515455 04 02 003C 0001 61", .v3_1_1, "protocol name MQTU"),
        ("10 0D 0004 4D515454 03 02 003C 0001 61", .v3_1_1, "protocol level 3"),
        ("10 0D 0004 4D515454 04 03 003C 0001 61", .v3_1_1, "reserved connect flag"),
        ("10 0D 0004 4D515454 04 42 003C 0001 61", .v3_1_1, "password without username in 3.1.1"),
        ("10 0D 0004 4D515454 04 0A 003C 0001 61", .v3_1_1, "will QoS without will"),
        ("20 03 02 00 00", .v5, "reserved CONNACK flags"),
        ("40 05 000A 00 01 99", .v5, "unknown property 0x99"),
        ("40 09 000A 00 05 21 0001 21 0002", .v5, "Receive Maximum twice"),
        ("40 06 000A 00 05 21 0001", .v5, "properties longer than the packet"),
        ("90 03 0001 03", .v3_1_1, "SUBACK code 3 in 3.1.1"),
        ("B0 03 0002 00", .v3_1_1, "3.1.1 UNSUBACK with codes"),
    ])
    func malformedPacketsAreRefused(layout: String, version: MQTTProtocolVersion, why: String) {
        #expect(throws: MQTTError.self, "\(why)") { _ = try decode(hex(layout), version) }
    }

    @Test func encodingRefusesWhatTheStandardForbids() {
        #expect(throws: MQTTError.self) {
            try MQTTPacket.publish(MQTTPublish(topic: "a/+", payload: [])).encoded(version: .v3_1_1)
        }
        #expect(throws: MQTTError.self) {
            try MQTTPacket.publish(MQTTPublish(topic: "a", payload: [], qos: .atLeastOnce)).encoded(version: .v3_1_1)
        }
        #expect(throws: MQTTError.self) {
            try MQTTPacket.subscribe(MQTTSubscribe(packetID: 1, subscriptions: [.init(filter: "a/#/b")])).encoded(version: .v5)
        }
        #expect(throws: MQTTError.self) {
            try MQTTPacket.connect(MQTTConnect(version: .v3_1_1, clientID: "a", password: [1])).encoded(version: .v3_1_1)
        }
        #expect(throws: MQTTError.self) { try MQTTPacket.auth(MQTTReasonPacket()).encoded(version: .v3_1_1) }
        var properties = MQTTProperties()
        #expect(throws: MQTTError.self) { try properties.append(.topicAlias, .string("x")) }
        #expect(throws: MQTTError.self) { try properties.append(.subscriptionIdentifier, .variableByteInteger(1 << 28)) }
    }

    @Test func theParserTakesAStreamInAnyPieces() throws {
        var properties = MQTTProperties()
        properties.correlationData = Array(repeating: 7, count: 300)
        let packets: [MQTTPacket] = [
            .connAck(MQTTConnAck()), .publish(MQTTPublish(topic: "t", payload: Array(repeating: 1, count: 20_000))),
            .publish(MQTTPublish(topic: "u", payload: [2], qos: .atLeastOnce, packetID: 3, properties: properties)),
            .pubAck(MQTTAck(packetID: 3)), .pingResp, .subAck(MQTTSubAck(packetID: 4, reasonCodes: [0])),
        ]
        let stream = try packets.flatMap { try $0.encoded(version: .v5) }
        for pieceSize in [1, 2, 3, 7, 100, 4096, stream.count] {
            var parser = MQTTPacketParser(version: .v5)
            var received: [MQTTPacket] = []
            var offset = 0
            while offset < stream.count {
                parser.append(stream[offset..<min(offset + pieceSize, stream.count)])
                offset += pieceSize
                while let packet = try parser.next() { received.append(packet) }
            }
            #expect(received == packets, "pieces of \(pieceSize)")
            #expect(parser.bufferedByteCount == 0)
        }
        // A packet above the limit is refused from its header, before its body arrives.
        var small = MQTTPacketParser(version: .v5, maximumPacketSize: 100)
        small.append([0x30, 0xFF, 0x7F])
        #expect(throws: MQTTError.self) { try small.next() }
    }

    @Test func randomAndMutatedBytesNeverCrash() throws {
        var random = SplitMix64(seed: 1883)
        let seeds = try [
            MQTTPacket.connect(
                MQTTConnect(
                    version: .v5, clientID: "c", will: .init(topic: "w", payload: [1]), username: "u", password: [2])),
            .publish(MQTTPublish(topic: "a/b", payload: [1, 2, 3], qos: .exactlyOnce, packetID: 9)),
            .subscribe(MQTTSubscribe(packetID: 1, subscriptions: [.init(filter: "a/+/#", qos: .atLeastOnce)])),
            .connAck(MQTTConnAck()), .unsubAck(MQTTSubAck(packetID: 1, reasonCodes: [0])),
        ].map { try $0.encoded(version: .v5) }
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<random.int(in: 1...3) {
                let index = random.int(in: 0...(bytes.count - 1))
                bytes[index] = UInt8(truncatingIfNeeded: random.next())
            }
            for version in [MQTTProtocolVersion.v3_1_1, .v5] {
                var parser = MQTTPacketParser(version: version, maximumPacketSize: 4096)
                parser.append(bytes)
                if let packet = try? parser.next() {
                    // Whatever decodes encodes again to something that decodes to the same packet.
                    if let again = try? packet.encoded(version: version) {
                        #expect(try decode(again, version) == packet)
                    }
                }
            }
        }
    }
}
