import DNSMessage
import Testing

@testable import LMOSLocalDiscovery

@Suite("DNS-SD browser state machine")
struct BrowserStateMachineTests {
    static let wot = try! DomainName(["_wot", "_tcp", "local"])
    static let instance = try! DomainName(["Weather Agent", "_wot", "_tcp", "local"])
    static let host = try! DomainName(["lmos-a", "local"])
    let start = ContinuousClock.now

    static func records(ttl: UInt32 = 120, port: UInt16 = 8080, td: String = "/.well-known/wot") -> [ResourceRecord] {
        [
            ResourceRecord(name: wot, ttl: ttl, data: .ptr(instance)),
            ResourceRecord(name: instance, ttl: ttl, data: .srv(ServiceLocation(port: port, target: host)), cacheFlush: true),
            ResourceRecord(
                name: instance, ttl: ttl, data: .txt([Array("td=\(td)".utf8), Array("type=Thing".utf8)]), cacheFlush: true),
            ResourceRecord(name: host, ttl: ttl, data: .a(IPv4Address("10.0.0.1")!), cacheFlush: true),
        ]
    }

    @Test func queriesWithGrowingIntervals() {
        var browser = BrowserStateMachine(browsing: Self.wot, now: start, random: SeededRandom(seed: 3))
        var times: [ContinuousClock.Instant] = []
        while let deadline = browser.nextDeadline, deadline < start + .seconds(70) {
            let (queries, _) = browser.tick(now: deadline)
            if !queries.isEmpty { times.append(deadline) }
            #expect(queries.allSatisfy { $0.questions == [Question(name: Self.wot, type: .ptr)] })
        }
        #expect(times[0] - start >= .milliseconds(20) && times[0] - start <= .milliseconds(120))
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(gaps == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32)])
    }

    @Test func resolvesAddsUpdatesAndRemoves() {
        var browser = BrowserStateMachine(browsing: Self.wot, now: start)
        let events = browser.receive(.response(answers: Self.records()), now: start)
        guard case .added(let service)? = events.first, events.count == 1 else { Issue.record("\(events)"); return }
        #expect(service.name == "Weather Agent")
        #expect(service.descriptionURL == "http://10.0.0.1:8080/.well-known/wot")
        #expect(service.wotType == "Thing")
        // The same records again change nothing.
        #expect(browser.receive(.response(answers: Self.records()), now: start + .milliseconds(10)).isEmpty)
        // A new port (cache-flush, more than a second later) is an update at once; the old SRV is flushed a
        // second later without another event.
        let later = start + .seconds(2)
        let updated = browser.receive(.response(answers: Self.records(port: 9090)), now: later)
        #expect(updated.count == 1)
        #expect(updated.contains { if case .updated(let s) = $0 { s.port == 9090 } else { false } })
        #expect(browser.tick(now: later + .seconds(1) + .milliseconds(1)).events.isEmpty)
        // A goodbye removes it at once (the records linger one second, RFC 6762 section 10.1, without counting).
        var goodbye = Self.records()[0]
        goodbye.ttl = 0
        let removed = browser.receive(.response(answers: [goodbye]), now: later + .seconds(2))
        #expect(removed.count == 1)
        if case .removed(let gone)? = removed.first { #expect(gone.name == "Weather Agent") } else { Issue.record("\(removed)") }
        // An answer within that second revives it.
        let revived = browser.receive(.response(answers: [Self.records()[0]]), now: later + .seconds(2) + .milliseconds(500))
        #expect(revived.count == 1)
        if case .added? = revived.first {} else { Issue.record("\(revived)") }
    }

    @Test func expiresWithTheTTL() {
        var browser = BrowserStateMachine(browsing: Self.wot, now: start)
        _ = browser.receive(.response(answers: Self.records(ttl: 10)), now: start)
        var removedAt: ContinuousClock.Instant?
        var refreshQuestions: [Question] = []
        while let deadline = browser.nextDeadline, deadline < start + .seconds(20), removedAt == nil {
            let (queries, events) = browser.tick(now: deadline)
            refreshQuestions += queries.flatMap(\.questions)
            if events.contains(where: { if case .removed = $0 { true } else { false } }) { removedAt = deadline }
        }
        #expect(removedAt.map { $0 - start } == .seconds(10))
        // Refresh queries went out for the PTR and the service's records at 80-95 % of the TTL.
        #expect(refreshQuestions.contains(Question(name: Self.instance, type: .srv)))
        #expect(refreshQuestions.filter { $0 == Question(name: Self.wot, type: .ptr) }.count >= 4)
    }

    @Test func asksForWhatIsMissing() {
        var browser = BrowserStateMachine(browsing: Self.wot, now: start)
        #expect(browser.receive(.response(answers: [Self.records()[0]]), now: start).isEmpty)
        var questions: [Question] = []
        while let due = browser.nextDeadline, due - start <= .milliseconds(120) {
            questions += browser.tick(now: due).queries.flatMap(\.questions)
        }
        #expect(questions.contains(Question(name: Self.instance, type: .srv)))
        #expect(questions.contains(Question(name: Self.instance, type: .txt)))
    }

    @Test func knownAnswersInQueries() {
        var browser = BrowserStateMachine(browsing: Self.wot, now: start)
        _ = browser.receive(.response(answers: Self.records(ttl: 4500)), now: start)
        var query: DNSMessage?
        while query == nil, let deadline = browser.nextDeadline {
            query = browser.tick(now: deadline).queries.first { $0.questions.contains(Question(name: Self.wot, type: .ptr)) }
        }
        #expect(query?.answers.map(\.data) == [.ptr(Self.instance)])
    }

    @Test func ignoresQueriesAndOtherTypes() {
        var browser = BrowserStateMachine(browsing: Self.wot, now: start)
        #expect(browser.receive(.query([Question(name: Self.wot, type: .ptr)], knownAnswers: Self.records()), now: start).isEmpty)
        let other = try! DomainName(["_http", "_tcp", "local"])
        #expect(browser.receive(.response(answers: [ResourceRecord(name: other, ttl: 100, data: .ptr(Self.instance))]), now: start).isEmpty)
    }

    @Test func descriptionURLs() {
        func service(_ txt: [(String, String)], addresses: [IPAddress]) -> DiscoveredService {
            DiscoveredService(
                instanceName: Self.instance, host: Self.host, port: 443, txt: try! TXTRecord(txt), addresses: addresses)
        }
        let v6 = IPAddress.v6(IPv6Address("fe80::1")!, zone: 2)
        #expect(service([("td", "td.json"), ("scheme", "HTTPS")], addresses: [v6]).descriptionURL == "https://[fe80::1%252]:443/td.json")
        #expect(service([], addresses: []).descriptionURL == nil)
        #expect(service([("scheme", "ftp")], addresses: [v6]).descriptionURL == nil)
        #expect(service([("type", "Directory")], addresses: [.v4(IPv4Address("1.2.3.4")!)]).wotType == "Directory")
    }
}
