import Foundation
import LMOSLocalDiscovery
import LMOSTestSupport
import Testing

/// Our responder and browser against Avahi (avahi-daemon with a private D-Bus, through Peers/avahi-peer.sh), both
/// ways. Avahi's daemon needs real root, so these run when the namespace was made by root.
@Suite("Avahi interop", .serialized, .enabled(if: NetworkSandbox.isPrivate && AvahiPeer.canRun))
struct AvahiInteropTests {
    @Test func avahiBrowsesAndResolvesWhatWeAdvertise() async throws {
        let mdns = try await MulticastDNS.start(interfaces: .named(["lo"]))
        _ = try await mdns.advertise(.wot(name: "Avahi Sees Us", port: 8140, descriptionPath: "/td/us", isDirectory: true))
        let browser = try AvahiPeer.start(["browse", "--timeout", "8", "_wot._tcp"])
        let line = try await browser.line(timeout: 12) { $0.contains("\"resolved\"") && $0.contains("Avahi Sees Us") }
        let resolved = ZeroconfInteropTests.json(line)
        #expect(resolved["port"] as? Int == 8140)
        // We publish lo's A and AAAA records; Avahi resolves to whichever it chose first.
        #expect(["127.0.0.1", "::1"].contains(resolved["address"] as? String ?? ""))
        let txt = resolved["txt"] as? [String: Any]
        #expect(txt?["td"] as? String == "/td/us")
        #expect(txt?["type"] as? String == "Directory")
        // Also found under the directory subtype.
        let subtype = try AvahiPeer.start(["browse", "--timeout", "6", "_directory._sub._wot._tcp"])
        _ = try await subtype.line(timeout: 10) { $0.contains("\"added\"") && $0.contains("Avahi Sees Us") }
        await mdns.shutdown()
        _ = try await browser.line(timeout: 5) { $0.contains("\"removed\"") && $0.contains("Avahi Sees Us") }
        browser.terminate()
        subtype.terminate()
    }

    @Test func weFindWhatAvahiPublishesAndSeeItLeave() async throws {
        let publisher = try AvahiPeer.start([
            "publish", "--duration", "6", "Avahi Agent", "_wot._tcp", "8141", "td=/avahi/td", "type=Thing", "scheme=http",
        ])
        _ = try await publisher.line(timeout: 12) { $0.contains("\"registered\"") }
        let mdns = try await MulticastDNS.start(interfaces: .named(["lo"]))
        var found: DiscoveredService?
        var removed = false
        let deadline = ContinuousClock.now + .seconds(15)
        for await event in await mdns.browse(.wot) {
            switch event {
            case .added(let service) where service.name == "Avahi Agent": found = service
            case .removed(let service) where service.name == "Avahi Agent": removed = true
            default: break
            }
            if removed || ContinuousClock.now > deadline { break }
        }
        await mdns.shutdown()
        let service = try #require(found)
        #expect(service.port == 8141)
        #expect(service.txt["td"] == "/avahi/td")
        #expect(service.addresses.contains(.v4(.init("127.0.0.1")!)))
        #expect(removed)
        publisher.terminate()
    }

    @Test func aNameAvahiHoldsIsRenamed() async throws {
        let publisher = try AvahiPeer.start(["publish", "--duration", "15", "Avahi Clash", "_wot._tcp", "8142", "type=Thing"])
        _ = try await publisher.line(timeout: 12) { $0.contains("\"registered\"") }
        let mdns = try await MulticastDNS.start(interfaces: .named(["lo"]))
        let advertised = try await mdns.advertise(.wot(name: "Avahi Clash", port: 8143, descriptionPath: "/td"))
        // Avahi defends its name while we probe, and we take "Avahi Clash (2)". On a machine kept busy by the whole
        // test run its answer can come after our three probes; then the conflict is settled after the fact (RFC
        // 6762 section 9): we rename on its answer, or Avahi renames on our announcement. Either way the two
        // services must end with different names, which Avahi's own browser checks.
        var name = advertised.name
        let deadline = ContinuousClock.now + .seconds(5)
        while name != "Avahi Clash (2)", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            name = await mdns.currentName(of: advertised) ?? name
        }
        let browser = try AvahiPeer.start(["browse", "--timeout", "6", "_wot._tcp"])
        var names: [Int: String] = [:]
        let seen = ContinuousClock.now + .seconds(10)
        while names.count < 2, ContinuousClock.now < seen {
            for line in browser.standardOutput.split(separator: "\n") where line.contains("\"resolved\"") {
                let resolved = ZeroconfInteropTests.json(String(line))
                if let port = resolved["port"] as? Int, [8142, 8143].contains(port), let seenName = resolved["name"] as? String {
                    names[port] = seenName
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        browser.terminate()
        #expect(names[8143] == name, "Avahi sees our service under the name we hold: \(names)")
        #expect(names.count == 2 && names[8142] != names[8143], "two services, two names: \(names)")
        if name == "Avahi Clash" {
            #expect(names[8142]?.hasPrefix("Avahi Clash") == true && names[8142] != "Avahi Clash", "Avahi renamed: \(names)")
        } else {
            #expect(name == "Avahi Clash (2)" && names[8142] == "Avahi Clash")
        }
        await mdns.shutdown()
        publisher.terminate()
    }
}

enum AvahiPeer {
    static let script = NetworkSandbox.peers.appendingPathComponent("avahi-peer.sh")

    /// Root (Avahi's daemon needs it) and the Debian packages present.
    static var canRun: Bool {
        getuid() == 0 && ["/usr/sbin/avahi-daemon", "/usr/bin/avahi-publish", "/usr/bin/dbus-daemon"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    static func start(_ arguments: [String]) throws -> BackgroundProcess {
        let (executable, command) = unblockingSignals(URL(fileURLWithPath: "/bin/bash"), [script.path] + arguments)
        return try BackgroundProcess(executable, command)
    }
}

@Suite("Avahi present")
struct AvahiPresenceTests {
    @Test(.enabled(if: NetworkSandbox.mustRun && NetworkSandbox.isPrivate && getuid() == 0 && !AvahiPeer.canRun))
    func avahiIsInstalledWhereInteropMustRun() {
        Issue.record("avahi-daemon, avahi-utils and dbus are missing; scripts/test installs them")
    }
}
