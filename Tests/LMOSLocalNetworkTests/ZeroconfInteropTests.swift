import DNSMessage
import Foundation
import LMOSLocalDiscovery
import LMOSTestSupport
import Testing

/// Our responder and browser against python-zeroconf, both ways, on `lo` of a private network namespace.
@Suite("python-zeroconf interop", .serialized, .enabled(if: NetworkSandbox.isPrivate))
struct ZeroconfInteropTests {
    static func peer(_ arguments: [String]) throws -> BackgroundProcess {
        try BackgroundProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", NetworkSandbox.peers.appendingPathComponent("zeroconf_peer.py").path] + arguments)
    }

    static func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test func zeroconfBrowsesAndResolvesWhatWeAdvertise() async throws {
        let mdns = try await MulticastDNS.start(interfaces: .named(["lo"]))
        let advertised = try await mdns.advertise(
            .wot(name: "Interop Agent A", port: 8123, descriptionPath: "/agents/a/td"))
        #expect(advertised.name == "Interop Agent A")

        let browser = try Self.peer(["browse", "--type", "_wot._tcp.local.", "--timeout", "8"])
        let added = Self.json(try await browser.line(timeout: 8) { $0.contains("\"added\"") && $0.contains("Interop Agent A") })
        #expect(added["port"] as? Int == 8123)
        #expect((added["txt"] as? [String: String?])?["td"] == "/agents/a/td")
        #expect((added["txt"] as? [String: String?])?["type"] == "Thing")
        #expect((added["addresses"] as? [String])?.contains("127.0.0.1") == true)

        let resolver = try Self.peer(["resolve", "--name", "Interop Agent A._wot._tcp.local.", "--timeout", "3"])
        let resolved = Self.json(try await resolver.line(timeout: 6) { $0.contains("\"event\"") })
        #expect(resolved["event"] as? String == "resolved")
        #expect(resolved["port"] as? Int == 8123)

        // The goodbye makes zeroconf drop it at once (not after the TTL).
        await mdns.shutdown()
        let removed = try await browser.line(timeout: 5) { $0.contains("\"removed\"") && $0.contains("Interop Agent A") }
        #expect(!removed.isEmpty)
        browser.terminate()
    }

    @Test func weFindWhatZeroconfRegistersAndSeeItLeave() async throws {
        let peer = try Self.peer([
            "register", "--name", "Interop Agent B", "--type", "_wot._tcp.local.", "--port", "8124",
            "--txt", "td=/td.json", "--txt", "type=Thing", "--txt", "scheme=http", "--until-signal",
        ])
        _ = try await peer.line(timeout: 10) { $0.contains("\"registered\"") }
        let mdns = try await MulticastDNS.start(interfaces: .named(["lo"]))
        var found: DiscoveredService?
        var removed = false
        let events = await mdns.browse(.wot)
        let deadline = ContinuousClock.now + .seconds(10)
        for await event in events {
            switch event {
            case .added(let service) where service.name == "Interop Agent B":
                found = service
                _ = await peer.signal(SIGTERM)
            case .removed(let service) where service.name == "Interop Agent B":
                removed = true
            default:
                break
            }
            if removed || ContinuousClock.now > deadline { break }
        }
        await mdns.shutdown()
        let service = try #require(found)
        #expect(service.port == 8124)
        #expect(service.txt["td"] == "/td.json")
        #expect(service.descriptionURL == "http://127.0.0.1:8124/td.json")
        #expect(removed)
    }

    @Test func aNameZeroconfHoldsIsRenamed() async throws {
        let peer = try Self.peer([
            "register", "--name", "Interop Clash", "--type", "_wot._tcp.local.", "--port", "8125", "--txt", "type=Thing",
            "--until-signal",
        ])
        _ = try await peer.line(timeout: 10) { $0.contains("\"registered\"") }
        let mdns = try await MulticastDNS.start(interfaces: .named(["lo"]))
        let advertised = try await mdns.advertise(.wot(name: "Interop Clash", port: 8126, descriptionPath: "/td"))
        #expect(advertised.name == "Interop Clash (2)")
        await mdns.shutdown()
        peer.terminate()
    }

    @Test func twoOfOurRespondersEndWithDistinctNames() async throws {
        let first = try await MulticastDNS.start(interfaces: .named(["lo"]))
        let second = try await MulticastDNS.start(interfaces: .named(["lo"]))
        async let a = first.advertise(.wot(name: "Twin Agent", port: 9001, descriptionPath: "/td"))
        async let b = second.advertise(.wot(name: "Twin Agent", port: 9002, descriptionPath: "/td"))
        let names = try await Set([a.name, b.name])
        #expect(names == ["Twin Agent", "Twin Agent (2)"])
        // Both are visible to a third party under their names.
        let browser = try Self.peer(["browse", "--type", "_wot._tcp.local.", "--timeout", "6"])
        _ = try await browser.line(timeout: 8) { $0.contains("\"added\"") && $0.contains("Twin Agent (2)") }
        _ = try await browser.line(timeout: 8) { $0.contains("\"added\"") && $0.contains("\"Twin Agent\"") || $0.contains("\"Twin Agent._wot") }
        await first.shutdown()
        await second.shutdown()
        browser.terminate()
    }
}
