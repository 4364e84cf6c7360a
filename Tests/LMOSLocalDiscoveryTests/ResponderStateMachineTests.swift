import DNSMessage
import Testing

@testable import LMOSLocalDiscovery

@Suite("mDNS responder state machine")
struct ResponderStateMachineTests {
    typealias Machine = ResponderStateMachine<String>
    static let host = try! DomainName(["lmos-a", "local"])
    static let instance = try! DomainName(["Weather Agent", "_wot", "_tcp", "local"])
    static let wot = try! DomainName(["_wot", "_tcp", "local"])
    let start = ContinuousClock.now

    static func service(_ name: String = "Weather Agent", directory: Bool = false) throws -> ServiceInstance {
        try .wot(name: name, port: 8080, descriptionPath: "/.well-known/wot", isDirectory: directory)
    }

    static func machine() -> Machine {
        Machine(hostName: host, addresses: [.v4(IPv4Address("10.0.0.1")!)], random: SeededRandom(seed: 1))
    }

    /// Runs the machine's timer until `end`, collecting every action with its time.
    static func run(_ machine: inout Machine, until end: ContinuousClock.Instant) -> [(ContinuousClock.Instant, Machine.Action)] {
        var actions: [(ContinuousClock.Instant, Machine.Action)] = []
        while let deadline = machine.nextDeadline, deadline <= end {
            actions += machine.tick(now: deadline).map { (deadline, $0) }
        }
        return actions
    }

    static func messages(_ actions: [(ContinuousClock.Instant, Machine.Action)]) -> [(ContinuousClock.Instant, DNSMessage)] {
        actions.compactMap { time, action in
            if case .multicast(let message) = action { return (time, message) }
            return nil
        }
    }

    @Test func probesThreeTimesThenAnnouncesTwice() throws {
        var machine = Self.machine()
        let (id, immediate) = machine.register(try Self.service(), now: start)
        #expect(immediate.isEmpty)
        let actions = Self.run(&machine, until: start + .seconds(5))
        let sent = Self.messages(actions)
        #expect(sent.count == 5)
        let probes = sent.prefix(3)
        // First probe within 250 ms, then 250 ms apart; QU on the first only; proposed records in authority.
        #expect(probes[0].0 - start <= .milliseconds(250))
        #expect(probes[1].0 - probes[0].0 == .milliseconds(250))
        #expect(probes[2].0 - probes[1].0 == .milliseconds(250))
        for (index, probe) in probes.enumerated() {
            #expect(probe.1.isQuery)
            #expect(probe.1.questions.map(\.name) == [Self.instance, Self.host])
            #expect(probe.1.questions.allSatisfy { $0.type == .any && $0.unicastResponse == (index == 0) })
            #expect(Set(probe.1.authorities.map(\.type)) == [.srv, .txt, .a])
        }
        let announcements = sent.suffix(2)
        #expect(announcements.first!.0 - probes[2].0 == .milliseconds(250))
        #expect(announcements.last!.0 - announcements.first!.0 == .seconds(1))
        for (_, announcement) in announcements {
            #expect(announcement.flags.isResponse && announcement.flags.authoritativeAnswer)
            let types = announcement.answers.map(\.type)
            #expect(types.filter { $0 == .ptr }.count == 2)  // _wot._tcp and the service enumeration
            #expect(types.contains(.srv) && types.contains(.txt) && types.contains(.a))
            let srv = announcement.answers.first { $0.type == .srv }!
            #expect(srv.cacheFlush && srv.ttl == 120)
            #expect(announcement.answers.first { $0.type == .ptr }!.cacheFlush == false)
        }
        #expect(actions.contains { $0.1 == .established(id: id, name: "Weather Agent") })
        #expect(machine.nextDeadline == nil)
    }

    @Test func directoriesAlsoAnnounceTheSubtype() throws {
        var machine = Self.machine()
        _ = machine.register(try Self.service("Directory", directory: true), now: start)
        let sent = Self.messages(Self.run(&machine, until: start + .seconds(5)))
        let names = sent.last!.1.answers.filter { $0.type == .ptr }.map(\.name.description)
        #expect(names.contains("_directory._sub._wot._tcp.local."))
    }

    @Test func conflictWhileProbingRenames() throws {
        var machine = Self.machine()
        let (id, _) = machine.register(try Self.service(), now: start)
        var now = machine.nextDeadline!
        _ = machine.tick(now: now)
        // Another host answers for the name with its own SRV.
        let other = ResourceRecord(
            name: Self.instance, ttl: 120, data: .srv(ServiceLocation(port: 9, target: try DomainName(["other", "local"]))),
            cacheFlush: true)
        let actions = machine.receive(.response(answers: [other]), from: "peer", sourcePort: 5353, now: now + .milliseconds(10))
        #expect(actions == [.renamed(id: id, name: "Weather Agent (2)")])
        now = now + .seconds(5)
        let later = Self.run(&machine, until: now)
        #expect(later.contains { $0.1 == .established(id: id, name: "Weather Agent (2)") })
        // A conflict on the new name goes on to (3).
        #expect(Machine.renamed("Weather Agent", attempt: 3) == "Weather Agent (3)")
        #expect(Machine.attempt(of: "Weather Agent (2)", base: "Weather Agent") == 2)
        #expect(Machine.renamed(String(repeating: "x", count: 63), attempt: 2).utf8.count == 63)
    }

    @Test func ownProbeLoopedBackIsNoConflict() throws {
        var machine = Self.machine()
        let (id, _) = machine.register(try Self.service(), now: start)
        let first = machine.nextDeadline!
        let probe = machine.tick(now: first)
        guard case .multicast(let message)? = probe.first else { Issue.record("no probe"); return }
        #expect(machine.receive(message, from: "self", sourcePort: 5353, now: first).isEmpty)
        let actions = Self.run(&machine, until: first + .seconds(3))
        #expect(actions.contains { $0.1 == .established(id: id, name: "Weather Agent") })
    }

    /// A probe from another host proposing the same TXT as ours and an SRV with `port`.
    static func rivalProbe(port: UInt16) throws -> DNSMessage {
        let txt = try service().txt.strings
        return .query(
            [Question(name: instance, type: .any)],
            authorities: [
                ResourceRecord(name: instance, ttl: 120, data: .srv(ServiceLocation(port: port, target: host))),
                ResourceRecord(name: instance, ttl: 4500, data: .txt(txt)),
            ])
    }

    @Test func simultaneousProbeTieBreak() throws {
        // The rival's SRV is lexicographically later (higher port than our 8080): it wins, we wait a second.
        var loser = Self.machine()
        _ = loser.register(try Self.service(), now: start)
        let first = loser.nextDeadline!
        _ = loser.tick(now: first)
        _ = loser.receive(try Self.rivalProbe(port: 9999), from: "peer", sourcePort: 5353, now: first + .milliseconds(1))
        #expect(loser.nextDeadline == first + .milliseconds(1) + .seconds(1))
        // An earlier proposal (lower port) loses to ours: our probing goes on.
        var winner = Self.machine()
        _ = winner.register(try Self.service(), now: start)
        let t = winner.nextDeadline!
        _ = winner.tick(now: t)
        _ = winner.receive(try Self.rivalProbe(port: 1), from: "peer", sourcePort: 5353, now: t + .milliseconds(1))
        #expect(winner.nextDeadline == t + .milliseconds(250))
    }

    /// A machine that has announced "Weather Agent", and the time after that.
    func established() throws -> (Machine, ContinuousClock.Instant) {
        var machine = Self.machine()
        _ = machine.register(try Self.service(), now: start)
        _ = Self.run(&machine, until: start + .seconds(5))
        return (machine, start + .seconds(3600))
    }

    @Test func answersSharedRecordsAfterARandomDelayWithAdditionals() throws {
        var (machine, now) = try established()
        let query = DNSMessage.query([Question(name: Self.wot, type: .ptr)])
        #expect(machine.receive(query, from: "peer", sourcePort: 5353, now: now).isEmpty)
        let due = machine.nextDeadline!
        #expect(due - now >= .milliseconds(20) && due - now <= .milliseconds(120))
        let actions = machine.tick(now: due)
        guard case .multicast(let response)? = actions.first else { Issue.record("no response"); return }
        #expect(response.answers.map(\.type) == [.ptr])
        #expect(Set(response.additionals.map(\.type)) == [.srv, .txt, .a, .nsec])
        now = due
    }

    @Test func answersUniqueRecordsAtOnce() throws {
        var (machine, now) = try established()
        let actions = machine.receive(
            .query([Question(name: Self.instance, type: .srv)]), from: "peer", sourcePort: 5353, now: now)
        guard case .multicast(let response)? = actions.first else { Issue.record("no response"); return }
        #expect(response.answers.map(\.type) == [.srv])
        #expect(response.additionals.contains { $0.type == .a })
        now = now + .seconds(1)
    }

    @Test func knownAnswerSuppression() throws {
        var (machine, now) = try established()
        let ptr = ResourceRecord(name: Self.wot, ttl: 4000, data: .ptr(Self.instance))
        let query = DNSMessage.query([Question(name: Self.wot, type: .ptr)], knownAnswers: [ptr])
        #expect(machine.receive(query, from: "peer", sourcePort: 5353, now: now).isEmpty)
        #expect(machine.nextDeadline == nil)
        // Less than half the TTL left: it is answered.
        var stale = ptr
        stale.ttl = 100
        now = now + .seconds(1)
        _ = machine.receive(.query([Question(name: Self.wot, type: .ptr)], knownAnswers: [stale]), from: "peer", sourcePort: 5353, now: now)
        #expect(machine.nextDeadline != nil)
    }

    @Test func duplicateAnswerSuppression() throws {
        var (machine, now) = try established()
        _ = machine.receive(.query([Question(name: Self.wot, type: .ptr)]), from: "peer", sourcePort: 5353, now: now)
        // Another responder multicasts the same PTR before our delay ends: ours is dropped.
        let ptr = ResourceRecord(name: Self.wot, ttl: 4500, data: .ptr(Self.instance))
        _ = machine.receive(.response(answers: [ptr]), from: "other", sourcePort: 5353, now: now + .milliseconds(5))
        let due = machine.nextDeadline!
        #expect(machine.tick(now: due).isEmpty)
        now = due
    }

    @Test func legacyUnicastQueriesGetADirectAnswer() throws {
        var (machine, now) = try established()
        let query = DNSMessage(id: 0x1234, flags: .init(), questions: [Question(name: Self.instance, type: .srv)])
        let actions = machine.receive(query, from: "resolver", sourcePort: 40000, now: now)
        guard case .unicast(let response, let peer)? = actions.first else { Issue.record("no unicast answer"); return }
        #expect(peer == "resolver")
        #expect(response.id == 0x1234)
        #expect(response.questions == query.questions)
        #expect(response.answers.allSatisfy { !$0.cacheFlush && $0.ttl <= 10 })
        now = now + .seconds(1)
    }

    @Test func noAnswersBeforeTheNameIsOwned() throws {
        var machine = Self.machine()
        _ = machine.register(try Self.service(), now: start)
        let actions = machine.receive(.query([Question(name: Self.wot, type: .ptr)]), from: "peer", sourcePort: 5353, now: start)
        #expect(actions.isEmpty)
    }

    @Test func goodbyeOnUnregister() throws {
        var (machine, _) = try established()
        let actions = machine.unregister(id: 1)
        guard case .multicast(let goodbye)? = actions.first else { Issue.record("no goodbye"); return }
        #expect(!goodbye.answers.isEmpty)
        #expect(goodbye.answers.allSatisfy { $0.ttl == 0 })
        #expect(Set(goodbye.answers.map(\.type)) == [.ptr, .srv, .txt, .a])
        #expect(machine.unregisterAll().isEmpty)
    }

    @Test func conflictAfterAnnouncingRenames() throws {
        var (machine, now) = try established()
        let other = ResourceRecord(
            name: Self.instance, ttl: 120, data: .srv(ServiceLocation(port: 1, target: try DomainName(["x", "local"]))), cacheFlush: true)
        let actions = machine.receive(.response(answers: [other]), from: "other", sourcePort: 5353, now: now)
        #expect(actions == [.renamed(id: 1, name: "Weather Agent (2)")])
        now = now + .seconds(1)
    }

    @Test func registrationsOfOneResponderDoNotConflictWithEachOther() throws {
        var machine = Self.machine()
        let (first, _) = machine.register(try Self.service("Agent One"), now: start)
        let (second, _) = machine.register(try Self.service("Agent Two"), now: start + .milliseconds(900))
        var renamed: [Machine.Action] = []
        var established: [Machine.Action] = []
        // Every packet the machine sends comes back to it (multicast loopback), as on a real network.
        while let deadline = machine.nextDeadline, deadline < start + .seconds(10) {
            for action in machine.tick(now: deadline) {
                if case .multicast(let message) = action {
                    for echo in machine.receive(message, from: "self", sourcePort: 5353, now: deadline) {
                        if case .renamed = echo { renamed.append(echo) }
                    }
                }
                if case .established = action { established.append(action) }
            }
        }
        #expect(renamed.isEmpty)
        #expect(established == [.established(id: first, name: "Agent One"), .established(id: second, name: "Agent Two")])
    }

    @Test func twoRegistrationsOfOneNameInOneResponder() throws {
        var machine = Self.machine()
        _ = machine.register(try Self.service(), now: start)
        let (id, actions) = machine.register(try Self.service(), now: start)
        #expect(actions == [.renamed(id: id, name: "Weather Agent (2)")])
    }

    @Test func responsesFromOtherPortsAreIgnored() throws {
        var machine = Self.machine()
        _ = machine.register(try Self.service(), now: start)
        let other = ResourceRecord(name: Self.instance, ttl: 120, data: .srv(ServiceLocation(port: 1, target: Self.host)), cacheFlush: true)
        #expect(machine.receive(.response(answers: [other]), from: "x", sourcePort: 1234, now: start).isEmpty)
    }
}
