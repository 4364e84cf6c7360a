import DNSMessage
import Foundation
import Testing

@testable import LMOSLocalDiscovery

/// The browser fed with packets that python-zeroconf and Avahi really sent (Tests/DNSMessageTests/Fixtures).
@Suite("Browser on captured traffic")
struct CapturedTrafficTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("DNSMessageTests/Fixtures")

    static func message(_ name: String) throws -> DNSMessage {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name + ".hex"), encoding: .utf8)
        let hex = Array(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined().filter { !$0.isWhitespace })
        let bytes = try stride(from: 0, to: hex.count, by: 2).map { try #require(UInt8(String(hex[$0...($0 + 1)]), radix: 16)) }
        return try DNSMessage(bytes: bytes)
    }

    static let wot = try! DomainName(["_wot", "_tcp", "local"])

    @Test(arguments: [("zeroconf-announce", "zeroconf-goodbye"), ("avahi-announce", "avahi-goodbye")])
    func announceThenGoodbye(_ announce: String, _ goodbye: String) throws {
        let start = ContinuousClock.now
        var browser = BrowserStateMachine(browsing: Self.wot, now: start)
        let added = browser.receive(try Self.message(announce), now: start)
        guard case .added(let service)? = added.first else { Issue.record("not added: \(added)"); return }
        #expect(service.name == "Weather Agent")
        #expect(service.port == 8080)
        #expect(service.descriptionURL == "http://127.0.0.1:8080/.well-known/wot")
        let removed = browser.receive(try Self.message(goodbye), now: start + .seconds(5))
        #expect(removed == [.removed(service)])
        // Nothing more happens when the goodbye records leave the cache a second later.
        #expect(browser.tick(now: start + .seconds(6) + .milliseconds(1)).events.isEmpty)
    }
}
