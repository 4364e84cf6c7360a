import Foundation
import Testing

@testable import DNSMessage

/// Real packets from python-zeroconf 0.154.0 and Avahi 0.8 (Fixtures/README.md says how they were captured).
@Suite("DNS messages captured from python-zeroconf and Avahi")
struct FixtureTests {
    static func packet(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "hex"))
        let text = try String(contentsOf: url, encoding: .utf8)
        let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined().filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        return bytes
    }

    static let all = [
        "zeroconf-probe", "zeroconf-announce", "zeroconf-announce-subtype", "zeroconf-browse-query",
        "zeroconf-browse-query-known-answer", "zeroconf-response", "zeroconf-response-unicast", "zeroconf-goodbye",
        "zeroconf-goodbye-subtype", "avahi-probe-host", "avahi-announce-host", "avahi-probe", "avahi-announce",
        "avahi-announce-subtype", "avahi-browse-query-known-answers", "avahi-response", "avahi-goodbye",
        "avahi-goodbye-subtype", "avahi-goodbye-host",
    ]

    @Test(arguments: all)
    func everyFixtureParsesAndSurvivesARoundTrip(_ name: String) throws {
        let message = try DNSMessage(bytes: try Self.packet(name))
        #expect(message.id == 0)
        #expect(message.flags.opcode == 0 && message.flags.responseCode == 0)
        // Our own encoding of it reads back equal (compressed differently, perhaps, but the same message).
        #expect(try DNSMessage(bytes: try message.serialized()) == message)
    }

    static let instance = try! DomainName(["Weather Agent", "_wot", "_tcp", "local"])
    static let wot = try! DomainName(["_wot", "_tcp", "local"])

    @Test func zeroconfAnnouncement() throws {
        let message = try DNSMessage(bytes: try Self.packet("zeroconf-announce"))
        #expect(message.flags.rawValue == 0x8400)
        #expect(message.answers.map(\.type) == [.ptr, .srv, .txt, .a, .nsec])
        let ptr = message.answers[0]
        #expect(ptr.name == Self.wot && ptr.data == .ptr(Self.instance) && !ptr.cacheFlush && ptr.ttl == 4500)
        let srv = message.answers[1]
        #expect(srv.cacheFlush && srv.ttl == 120)
        #expect(srv.data == .srv(ServiceLocation(port: 8080, target: try DomainName(["weather-agent", "local"]))))
        guard case .txt(let strings) = message.answers[2].data else { Issue.record("no TXT"); return }
        let txt = TXTRecord(strings: strings)
        #expect(txt["td"] == "/.well-known/wot" && txt["type"] == "Thing" && txt["scheme"] == "http")
        #expect(message.answers[3].data == .a(IPv4Address("127.0.0.1")!))
        #expect(message.answers[4].data == .nsec(next: try DomainName(["weather-agent", "local"]), types: [.a]))
    }

    @Test func zeroconfProbeAndQueries() throws {
        let probe = try DNSMessage(bytes: try Self.packet("zeroconf-probe"))
        #expect(probe.isQuery)
        #expect(probe.questions.first?.unicastResponse == true)
        #expect(!probe.authorities.isEmpty)
        let query = try DNSMessage(bytes: try Self.packet("zeroconf-browse-query-known-answer"))
        #expect(query.questions == [Question(name: Self.wot, type: .ptr)])
        #expect(query.answers.map(\.data) == [.ptr(Self.instance)])
        #expect(query.answers[0].ttl == 4499)
        let unicast = try DNSMessage(bytes: try Self.packet("zeroconf-response-unicast"))
        #expect(unicast.allRecords.allSatisfy { !$0.cacheFlush })
    }

    @Test func zeroconfGoodbye() throws {
        let message = try DNSMessage(bytes: try Self.packet("zeroconf-goodbye"))
        #expect(message.answers.count == 5)
        #expect(message.answers.allSatisfy { $0.ttl == 0 })
    }

    @Test func avahiPackets() throws {
        let probe = try DNSMessage(bytes: try Self.packet("avahi-probe"))
        #expect(probe.questions == [Question(name: Self.instance, type: .any)])
        #expect(Set(probe.authorities.map(\.type)) == [.srv, .txt])
        let hostProbe = try DNSMessage(bytes: try Self.packet("avahi-probe-host"))
        #expect(hostProbe.questions.count == 3 && hostProbe.authorities.count == 4)
        let announce = try DNSMessage(bytes: try Self.packet("avahi-announce-subtype"))
        #expect(announce.answers.contains { $0.name.description == "_directory._sub._wot._tcp.local." })
        #expect(announce.answers.contains { $0.data == .aaaa(IPv6Address("::1")!) })
        let goodbye = try DNSMessage(bytes: try Self.packet("avahi-goodbye"))
        #expect(goodbye.answers.filter { $0.ttl == 0 }.map(\.type).sorted() == [.ptr, .ptr, .txt, .srv].sorted())
        #expect(goodbye.answers.filter { $0.ttl == 120 }.count == 2)
    }
}
