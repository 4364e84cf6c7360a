import LMOSTestSupport
import Testing

@testable import DNSMessage

@Suite("DNS message codec")
struct DNSMessageCodecTests {
    static let instance = try! DomainName(["Weather Agent", "_wot", "_tcp", "local"])
    static let type = try! DomainName(["_wot", "_tcp", "local"])
    static let host = try! DomainName(["lmos-1", "local"])

    static func announcement() throws -> DNSMessage {
        .response(
            answers: [
                ResourceRecord(name: type, ttl: 4500, data: .ptr(instance)),
                ResourceRecord(name: instance, ttl: 120, data: .srv(ServiceLocation(port: 8080, target: host)), cacheFlush: true),
                ResourceRecord(
                    name: instance, ttl: 4500,
                    data: .txt(try TXTRecord([("td", "/.well-known/wot"), ("type", "Thing"), ("scheme", "http")]).strings),
                    cacheFlush: true),
                ResourceRecord(name: host, ttl: 120, data: .a(IPv4Address("192.168.1.20")!), cacheFlush: true),
                ResourceRecord(name: host, ttl: 120, data: .aaaa(IPv6Address("fe80::1")!), cacheFlush: true),
            ],
            additionals: [
                ResourceRecord(name: instance, ttl: 4500, data: .nsec(next: instance, types: [.txt, .srv]), cacheFlush: true)
            ])
    }

    @Test func roundTripKeepsEveryField() throws {
        let message = try Self.announcement()
        let bytes = try message.serialized()
        let read = try DNSMessage(bytes: bytes)
        #expect(read == message)
        #expect(read.flags.isResponse && read.flags.authoritativeAnswer)
        #expect(read.answers[1].cacheFlush && !read.answers[0].cacheFlush)
        #expect(try read.serialized() == bytes)
    }

    @Test func namesAreCompressed() throws {
        let bytes = try Self.announcement().serialized()
        // "_wot._tcp.local" is written in full once, and once more as the NSEC next name, which is never compressed;
        // every other use is a 2-byte pointer.
        let wot = Array("\u{4}_wot".utf8)
        let occurrences = (0..<(bytes.count - wot.count)).filter { Array(bytes[$0..<($0 + wot.count)]) == wot }
        #expect(occurrences.count == 2)
        #expect(bytes.count < 260)
    }

    @Test func headerLayout() throws {
        let query = DNSMessage.query([Question(name: Self.type, type: .ptr, unicastResponse: true)])
        let bytes = try query.serialized()
        #expect(Array(bytes[0..<12]) == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        // name, then type 12 (PTR), then class 1 with the top (QU) bit set.
        #expect(Array(bytes.suffix(4)) == [0x00, 0x0C, 0x80, 0x01])
        #expect(try DNSMessage(bytes: bytes).questions[0].unicastResponse)
    }

    @Test func namesCompareWithoutCase() throws {
        let upper = try DomainName(["WEATHER agent", "_WOT", "_tcp", "LOCAL"])
        #expect(upper == Self.instance)
        #expect(upper.hashValue == Self.instance.hashValue)
        #expect(upper != (try DomainName(["Weather Agent2", "_wot", "_tcp", "local"])))
    }

    @Test func presentationForm() throws {
        let dotted = try DomainName(["My.Agent", "_wot", "_tcp", "local"])
        #expect(dotted.description == "My\\.Agent._wot._tcp.local.")
        #expect(try DomainName(parsing: "My\\.Agent._wot._tcp.local.") == dotted)
        #expect(try DomainName(parsing: "a\\032b.local").labels[0] == Array("a b".utf8))
        #expect(DomainName.root.description == ".")
        #expect(throws: DNSMessageError(.invalidName, "")) { try DomainName(parsing: "a..b") }
        #expect(throws: DNSMessageError(.invalidName, "")) { try DomainName([String(repeating: "x", count: 64)]) }
        #expect(throws: DNSMessageError(.invalidName, "")) {
            try DomainName(Array(repeating: String(repeating: "x", count: 63), count: 4))
        }
    }

    @Test func txtAttributes() throws {
        var txt = try TXTRecord([("td", "/.well-known/wot"), ("type", "Thing")])
        try txt.set("TYPE", Array("Directory".utf8))
        try txt.set("secure", nil)
        #expect(txt["type"] == "Directory")
        #expect(txt["secure"] == "")
        #expect(txt["missing"] == nil)
        #expect(txt.strings.map { String(decoding: $0, as: UTF8.self) } == ["td=/.well-known/wot", "TYPE=Directory", "secure"])
        // Reading: empty strings and "=x" skipped, the first of repeated keys wins (RFC 6763 section 6.4).
        let read = TXTRecord(strings: [[], Array("=x".utf8), Array("a=1".utf8), Array("A=2".utf8), Array("b=".utf8)])
        #expect(read["a"] == "1")
        #expect(read["b"] == "")
        #expect(read.entries.count == 2)
        #expect(TXTRecord().strings == [[]])
        #expect(throws: DNSMessageError(.invalidTXT, "")) { try TXTRecord([("a=b", "c")]) }
        #expect(throws: DNSMessageError(.invalidTXT, "")) { try TXTRecord([("k", String(repeating: "v", count: 254))]) }
    }

    @Test func ipAddresses() {
        #expect(IPv6Address("fe80::1")?.description == "fe80::1")
        #expect(IPv6Address("::1")?.isLoopback == true)
        #expect(IPv6Address("2001:db8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(IPv6Address("1:2:3:4:5:6:7:8")?.description == "1:2:3:4:5:6:7:8")
        #expect(IPv6Address("1::2::3") == nil)
        #expect(IPv6Address("12345::") == nil)
        #expect(IPv4Address("10.0.0.256") == nil)
        #expect(IPv4Address("10.0.0") == nil)
        #expect(IPv4Address("169.254.3.4")?.isLinkLocal == true)
    }

    @Test func nsecTypeBitmap() throws {
        // RFC 4034 section 4.3's example bitmap for A MX RRSIG NSEC TYPE1234.
        let bitmap = MessageWriter.typeBitmap([.a, RecordType(rawValue: 15), RecordType(rawValue: 46), .nsec, RecordType(rawValue: 1234)])
        #expect(bitmap == [0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03] + [0x04, 0x1b] + Array(repeating: 0, count: 26) + [0x20])
    }

    @Test func unknownTypesPassThrough() throws {
        let record = ResourceRecord(name: Self.host, ttl: 5, data: .other(RecordType(rawValue: 99), [1, 2, 3]))
        let read = try DNSMessage(bytes: try DNSMessage.response(answers: [record]).serialized())
        #expect(read.answers == [record])
        #expect(read.answers[0].type.description == "TYPE99")
    }
}

@Suite("DNS message codec: malformed input")
struct DNSMessageMalformedTests {
    /// A header announcing one question, then `body`.
    static func withOneQuestion(_ body: [UInt8]) -> [UInt8] { [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0] + body }

    @Test func truncatedEverywhere() throws {
        let bytes = try DNSMessageCodecTests.announcement().serialized()
        for length in 0..<bytes.count {
            #expect(throws: DNSMessageError.self) { try DNSMessage(bytes: bytes[0..<length]) }
        }
    }

    @Test func pointerToItselfIsRefused() {
        // The name at offset 12 is a pointer to offset 12.
        let bytes = Self.withOneQuestion([0xC0, 12, 0, 1, 0, 1])
        #expect(throws: DNSMessageError(.badCompressionPointer, "")) { try DNSMessage(bytes: bytes) }
    }

    @Test func forwardPointerIsRefused() {
        let bytes = Self.withOneQuestion([0xC0, 20, 0, 1, 0, 1, 0, 0, 1, UInt8(ascii: "a"), 0])
        #expect(throws: DNSMessageError(.badCompressionPointer, "")) { try DNSMessage(bytes: bytes) }
    }

    @Test func pointerLoopIsRefused() {
        // offset 12: label "a" then a pointer to 12 (a loop through a label).
        let bytes = Self.withOneQuestion([1, UInt8(ascii: "a"), 0xC0, 12, 0, 1, 0, 1])
        #expect(throws: DNSMessageError(.badCompressionPointer, "")) { try DNSMessage(bytes: bytes) }
        // Two pointers pointing at each other, the second one after the first.
        let pair: [UInt8] = [0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0] + [0xC0, 18, 0, 1, 0, 1] + [0xC0, 12, 0, 1, 0, 1]
        #expect(throws: DNSMessageError(.badCompressionPointer, "")) { try DNSMessage(bytes: pair) }
    }

    @Test func reservedLabelTypeIsRefused() {
        #expect(throws: DNSMessageError(.invalidName, "")) { try DNSMessage(bytes: Self.withOneQuestion([0x41, 0, 0, 1, 0, 1])) }
    }

    @Test func overlongNameIsRefused() {
        var name: [UInt8] = []
        for _ in 0..<5 { name += [63] + Array(repeating: UInt8(ascii: "x"), count: 63) }
        #expect(throws: DNSMessageError(.invalidName, "")) { try DNSMessage(bytes: Self.withOneQuestion(name + [0, 0, 1, 0, 1])) }
    }

    @Test func recordDataMustMatchItsLength() throws {
        let header: [UInt8] = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]
        let name: [UInt8] = [1, UInt8(ascii: "h"), 0]
        // An A record with 3 bytes of data.
        #expect(throws: DNSMessageError(.invalidRecordData, "")) {
            try DNSMessage(bytes: header + name + [0, 1, 0, 1, 0, 0, 0, 10, 0, 3, 1, 2, 3])
        }
        // A TXT string running past the record data.
        #expect(throws: DNSMessageError(.invalidRecordData, "")) {
            try DNSMessage(bytes: header + name + [0, 16, 0, 1, 0, 0, 0, 10, 0, 2, 5, 1])
        }
        // A PTR whose name runs past the record data.
        #expect(throws: DNSMessageError(.invalidRecordData, "")) {
            try DNSMessage(bytes: header + name + [0, 12, 0, 1, 0, 0, 0, 10, 0, 2, 1, UInt8(ascii: "a"), 0])
        }
        // A record announcing more data than the message has.
        #expect(throws: DNSMessageError(.truncated, "")) {
            try DNSMessage(bytes: header + name + [0, 1, 0, 1, 0, 0, 0, 10, 0xFF, 0xFF, 1, 2, 3, 4])
        }
    }

    @Test func hugeCountsDoNotAllocate() {
        // 65535 answers announced in a 12-byte message.
        #expect(throws: DNSMessageError(.truncated, "")) { try DNSMessage(bytes: [0, 0, 0x84, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0]) }
    }

    @Test func randomMutationsNeverCrash() throws {
        let original = try DNSMessageCodecTests.announcement().serialized()
        var generator = SplitMix64(seed: 7)
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator)) }
            if let message = try? DNSMessage(bytes: bytes) {
                parsed += 1
                _ = try? message.serialized()
            }
        }
        #expect(parsed > 0)
    }
}
