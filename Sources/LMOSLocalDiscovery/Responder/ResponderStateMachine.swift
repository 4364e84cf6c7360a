import DNSMessage

/// The mDNS responder of RFC 6762 as pure value code: probing (section 8.1), simultaneous-probe tie-breaking
/// (8.2), announcing (8.3), answering with known-answer suppression (7.1), delays for shared records (6),
/// unicast and legacy unicast responses (5.4, 6.7), duplicate answer suppression (7.4), conflict handling with
/// renaming (9), and goodbyes (10.1).
///
/// Feed it packets and the time; it returns what to send and what happened. `Peer` is whatever the I/O layer uses
/// for a packet's source.
struct ResponderStateMachine<Peer: Sendable & Hashable>: Sendable {
    /// What the I/O layer must do.
    enum Action: Sendable, Equatable {
        /// Multicast a message to 224.0.0.251 / ff02::fb port 5353.
        case multicast(DNSMessage)
        /// Send a message to one peer.
        case unicast(DNSMessage, to: Peer)
        /// A registration now owns `name` and has announced it.
        case established(id: Int, name: String)
        /// A registration lost its name to another host and probes again under `name`.
        case renamed(id: Int, name: String)
    }

    /// TTL of records naming a host or depending on its addresses: SRV, A, AAAA (RFC 6762 section 10).
    static var hostRecordTTL: UInt32 { 120 }
    /// TTL of the other records: PTR, TXT.
    static var otherRecordTTL: UInt32 { 4500 }
    static var probeInterval: Duration { Duration.milliseconds(250) }
    static var announceInterval: Duration { Duration.seconds(1) }

    private enum Phase: Sendable, Equatable {
        /// Waiting to probe (the random first delay, a lost tie-break, or too many conflicts).
        case waiting(until: ContinuousClock.Instant)
        /// `sent` probes are out; the next (or, after 3, announcing) is due at `next`.
        case probing(sent: Int, next: ContinuousClock.Instant)
        /// `sent` announcements are out; the next is due at `next`.
        case announcing(sent: Int, next: ContinuousClock.Instant)
        case established
    }

    private struct Registration: Sendable {
        var service: ServiceInstance
        var baseName: String
        var phase: Phase
        var conflictTimes: [ContinuousClock.Instant] = []
        /// A name of ours, owned once probing succeeded.
        var isAnnounced: Bool {
            switch phase {
            case .announcing, .established: true
            default: false
            }
        }
    }

    private struct PendingResponse: Sendable {
        var due: ContinuousClock.Instant
        var answers: [ResourceRecord]
        var additionals: [ResourceRecord]
    }

    private(set) var hostName: DomainName
    private var addresses: [IPAddress]
    private var registrations: [Int: Registration] = [:]
    private var nextID = 1
    private var pending: PendingResponse?
    private var lastMulticast: [ResourceRecord: ContinuousClock.Instant] = [:]
    private var random: SeededRandom

    /// A responder for the host `hostName` (for example `lmos-3f9a.local.`) with `addresses` (its A and AAAA
    /// records).
    init(hostName: DomainName, addresses: [IPAddress], random: SeededRandom = SeededRandom()) {
        self.hostName = hostName
        self.addresses = addresses
        self.random = random
    }

    // MARK: Registering

    /// Starts probing for `service`'s name after a random 0-250 ms delay (section 8.1). If another registration of
    /// this responder already has the name, the new one is renamed at once.
    mutating func register(_ service: ServiceInstance, now: ContinuousClock.Instant) -> (id: Int, actions: [Action]) {
        let id = nextID
        nextID += 1
        var service = service
        var actions: [Action] = []
        let base = service.name
        var attempt = 2
        while registrations.values.contains(where: { $0.service.type == service.type && Self.sameName($0.service.name, service.name) }) {
            service.name = Self.renamed(base, attempt: attempt)
            attempt += 1
        }
        if service.name != base { actions.append(.renamed(id: id, name: service.name)) }
        registrations[id] = Registration(
            service: service, baseName: base, phase: .waiting(until: now + random.milliseconds(0...250)))
        return (id, actions)
    }

    /// Ends a registration; if its name was announced, returns its goodbye (all its records with TTL 0).
    mutating func unregister(id: Int) -> [Action] {
        guard let registration = registrations.removeValue(forKey: id) else { return [] }
        guard registration.isAnnounced else { return [] }
        var records = serviceRecords(registration.service)
        if !registrations.values.contains(where: \.isAnnounced) { records += hostRecords() }
        return [.multicast(.response(answers: records.map(Self.goodbye)))]
    }

    /// The goodbyes for every announced registration (shutdown).
    mutating func unregisterAll() -> [Action] {
        let announced = registrations.values.filter(\.isAnnounced)
        registrations.removeAll()
        guard !announced.isEmpty else { return [] }
        let records = announced.flatMap { serviceRecords($0.service) } + hostRecords()
        return [.multicast(.response(answers: records.map(Self.goodbye)))]
    }

    /// The current name of a registration.
    func name(of id: Int) -> String? { registrations[id]?.service.name }

    // MARK: Time

    /// The earliest time ``tick(now:)`` has something to do.
    var nextDeadline: ContinuousClock.Instant? {
        var deadlines = registrations.values.compactMap { registration -> ContinuousClock.Instant? in
            switch registration.phase {
            case .waiting(let until): until
            case .probing(_, let next), .announcing(_, let next): next
            case .established: nil
            }
        }
        if let pending { deadlines.append(pending.due) }
        return deadlines.min()
    }

    /// Sends the probes, announcements and delayed responses that are due.
    mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        for id in registrations.keys.sorted() {
            guard var registration = registrations[id] else { continue }
            switch registration.phase {
            case .waiting(let until) where until <= now:
                actions.append(.multicast(probe(registration.service, unicastResponse: true)))
                registration.phase = .probing(sent: 1, next: now + Self.probeInterval)
            case .probing(let sent, let next) where next <= now:
                if sent < 3 {
                    actions.append(.multicast(probe(registration.service, unicastResponse: false)))
                    registration.phase = .probing(sent: sent + 1, next: now + Self.probeInterval)
                } else {
                    actions.append(.multicast(announcement(registration.service, now: now)))
                    registration.phase = .announcing(sent: 1, next: now + Self.announceInterval)
                    actions.append(.established(id: id, name: registration.service.name))
                }
            case .announcing(let sent, let next) where next <= now:
                actions.append(.multicast(announcement(registration.service, now: now)))
                registration.phase = sent + 1 < 2 ? .announcing(sent: sent + 1, next: now + Self.announceInterval) : .established
            default:
                break
            }
            registrations[id] = registration
        }
        if let response = pending, response.due <= now {
            pending = nil
            let answers = response.answers
            let additionals = response.additionals.filter { extra in !answers.contains { $0.hasSameData(as: extra) } }
            if !answers.isEmpty {
                for record in answers { lastMulticast[Self.key(record)] = now }
                actions.append(.multicast(.response(answers: answers, additionals: additionals)))
            }
        }
        return actions
    }

    // MARK: Receiving

    /// Handles a packet from `peer`, which sent it from `sourcePort`.
    mutating func receive(_ message: DNSMessage, from peer: Peer, sourcePort: Int, now: ContinuousClock.Instant) -> [Action] {
        guard message.flags.opcode == 0, message.flags.responseCode == 0 else { return [] }
        if message.isQuery {
            handleSimultaneousProbes(message, now: now)
            return answer(message, from: peer, sourcePort: sourcePort, now: now)
        }
        guard sourcePort == 5353 else { return [] }  // RFC 6762 section 11: responses from other ports are ignored
        return handleResponse(message, now: now)
    }

    /// Section 8.2: another host probes for a name we probe for. Compare the proposed records; the lexicographically
    /// later set wins; the loser waits one second and probes again.
    private mutating func handleSimultaneousProbes(_ message: DNSMessage, now: ContinuousClock.Instant) {
        guard !message.authorities.isEmpty else { return }
        for id in registrations.keys.sorted() {
            guard var registration = registrations[id], case .probing = registration.phase,
                let instance = try? registration.service.instanceName
            else { continue }
            for name in [instance, hostName] where message.questions.contains(where: { $0.name == name }) {
                let theirs = message.authorities.filter { $0.name == name }
                let ours = proposedRecords(registration.service).filter { $0.name == name }
                guard !theirs.isEmpty else { continue }
                if Self.compare(ours, theirs) < 0 {
                    registration.phase = .waiting(until: now + .seconds(1))
                    registrations[id] = registration
                    break
                }
            }
        }
    }

    private mutating func answer(_ query: DNSMessage, from peer: Peer, sourcePort: Int, now: ContinuousClock.Instant) -> [Action] {
        let owned = ownedRecords()
        guard !owned.isEmpty else { return [] }
        var unicastAnswers: [ResourceRecord] = []
        var immediate: [ResourceRecord] = []
        var delayed: [ResourceRecord] = []
        for question in query.questions {
            for record in owned where question.isAnswered(by: record) {
                // Known-answer suppression: the asker has it with at least half its TTL left.
                if query.answers.contains(where: { $0.hasSameData(as: record) && $0.ttl >= record.ttl / 2 }) { continue }
                let recent = lastMulticast[Self.key(record)].map { now - $0 < .seconds(Int(record.ttl) / 4) } ?? false
                if sourcePort != 5353 || (question.unicastResponse && recent) {
                    unicastAnswers.append(record)
                } else if record.cacheFlush {
                    immediate.append(record)
                } else {
                    delayed.append(record)
                }
            }
        }
        var actions: [Action] = []
        if !unicastAnswers.isEmpty {
            if sourcePort != 5353 {
                // Legacy unicast (section 6.7): the query's id and questions, no cache-flush bits, TTL at most 10 s.
                let answers = Self.unique(unicastAnswers).map {
                    var record = $0
                    record.cacheFlush = false
                    record.ttl = min(record.ttl, 10)
                    return record
                }
                actions.append(.unicast(.response(id: query.id, questions: query.questions, answers: answers), to: peer))
            } else {
                let answers = Self.unique(unicastAnswers)
                actions.append(.unicast(.response(answers: answers, additionals: additionalRecords(for: answers)), to: peer))
            }
        }
        if !delayed.isEmpty {
            // Shared records wait 20-120 ms (400-500 ms when more known answers follow), so that several responders'
            // answers do not collide; unique ones joining them wait too.
            let delay = query.flags.truncated ? random.milliseconds(400...500) : random.milliseconds(20...120)
            var response = pending ?? PendingResponse(due: now + delay, answers: [], additionals: [])
            response.answers = Self.unique(response.answers + immediate + delayed)
            response.additionals = Self.unique(response.additionals + additionalRecords(for: response.answers))
            pending = response
        } else if !immediate.isEmpty {
            let answers = Self.unique(immediate)
            for record in answers { lastMulticast[Self.key(record)] = now }
            let additionals = additionalRecords(for: answers).filter { extra in !answers.contains { $0.hasSameData(as: extra) } }
            actions.append(.multicast(.response(answers: answers, additionals: additionals)))
        }
        return actions
    }

    private mutating func handleResponse(_ message: DNSMessage, now: ContinuousClock.Instant) -> [Action] {
        // Duplicate answer suppression (section 7.4): someone else already multicast what we were about to.
        if var response = pending {
            response.answers.removeAll { ours in
                message.answers.contains { $0.hasSameData(as: ours) && $0.ttl >= ours.ttl / 2 }
            }
            pending = response
        }
        var actions: [Action] = []
        let received = message.answers + message.additionals
        let own = ownRecordKeys()
        for id in registrations.keys.sorted() {
            guard var registration = registrations[id], let instance = try? registration.service.instanceName else {
                continue
            }
            let conflict: Bool
            switch registration.phase {
            case .waiting, .probing:
                // Section 8.1: any answer for a name being probed is a conflict, unless it is one of this
                // responder's own records (another registration's announcement names the same host).
                conflict = received.contains { record in
                    (record.name == instance || record.name == hostName) && record.ttl > 0 && !own.contains(Self.key(record))
                }
            case .announcing, .established:
                // Section 9: a record with our instance name and one of its unique types (SRV, TXT) but other data.
                let ours = serviceRecords(registration.service).filter(\.cacheFlush)
                conflict = received.contains { record in
                    record.name == instance && record.ttl > 0 && ours.contains { $0.type == record.type }
                        && !ours.contains { $0.hasSameData(as: record) }
                }
            }
            guard conflict else { continue }
            registration.conflictTimes = registration.conflictTimes.filter { now - $0 < .seconds(10) } + [now]
            let attempt = Self.attempt(of: registration.service.name, base: registration.baseName) + 1
            registration.service.name = Self.renamed(registration.baseName, attempt: attempt)
            // Section 8.1: after 15 conflicts within 10 seconds, wait 5 seconds before probing again.
            let wait: Duration = registration.conflictTimes.count >= 15 ? .seconds(5) : random.milliseconds(0...250)
            registration.phase = .waiting(until: now + wait)
            registrations[id] = registration
            actions.append(.renamed(id: id, name: registration.service.name))
        }
        return actions
    }

    // MARK: Records

    /// The records of a service: the shared PTRs (type, subtypes, service enumeration) and its unique SRV and TXT.
    private func serviceRecords(_ service: ServiceInstance) -> [ResourceRecord] {
        guard let instance = try? service.instanceName, let typeName = try? service.type.name else { return [] }
        var records = [
            ResourceRecord(name: typeName, ttl: Self.otherRecordTTL, data: .ptr(instance)),
            ResourceRecord(
                name: instance, ttl: Self.hostRecordTTL,
                data: .srv(ServiceLocation(port: service.port, target: hostName)), cacheFlush: true),
            ResourceRecord(name: instance, ttl: Self.otherRecordTTL, data: .txt(service.txt.strings), cacheFlush: true),
            ResourceRecord(name: ServiceType.enumerationName, ttl: Self.otherRecordTTL, data: .ptr(typeName)),
        ]
        for subtype in service.subtypes {
            if let name = try? service.type.subtypeName(subtype) {
                records.append(ResourceRecord(name: name, ttl: Self.otherRecordTTL, data: .ptr(instance)))
            }
        }
        return records
    }

    /// The host's address records.
    private func hostRecords() -> [ResourceRecord] {
        addresses.map { address in
            switch address {
            case .v4(let v4): ResourceRecord(name: hostName, ttl: Self.hostRecordTTL, data: .a(v4), cacheFlush: true)
            case .v6(let v6, _): ResourceRecord(name: hostName, ttl: Self.hostRecordTTL, data: .aaaa(v6), cacheFlush: true)
            }
        }
    }

    /// NSEC records saying which types exist at the instance and host names (section 6.1).
    private func negativeRecords(_ service: ServiceInstance) -> [ResourceRecord] {
        guard let instance = try? service.instanceName else { return [] }
        var hostTypes: Set<RecordType> = []
        for address in addresses {
            if case .v4 = address { hostTypes.insert(.a) } else { hostTypes.insert(.aaaa) }
        }
        return [
            ResourceRecord(name: instance, ttl: Self.otherRecordTTL, data: .nsec(next: instance, types: [.txt, .srv]), cacheFlush: true),
            ResourceRecord(name: hostName, ttl: Self.hostRecordTTL, data: .nsec(next: hostName, types: hostTypes), cacheFlush: true),
        ]
    }

    /// The records this responder may answer with: those of announced registrations, plus the host's.
    private func ownedRecords() -> [ResourceRecord] {
        let announced = registrations.values.filter(\.isAnnounced)
        guard !announced.isEmpty else { return [] }
        return Self.unique(announced.flatMap { serviceRecords($0.service) } + hostRecords())
    }

    /// Section 12 (RFC 6763): with a PTR answer go the instance's SRV, TXT and the host's addresses; with an SRV
    /// the addresses; plus NSEC for the types that do not exist.
    private func additionalRecords(for answers: [ResourceRecord]) -> [ResourceRecord] {
        var extra: [ResourceRecord] = []
        for registration in registrations.values where registration.isAnnounced {
            guard let instance = try? registration.service.instanceName else { continue }
            let records = serviceRecords(registration.service)
            let pointsHere = answers.contains { $0.data == .ptr(instance) }
            let namesHere = answers.contains { $0.name == instance && $0.type == .srv }
            if pointsHere { extra += records.filter { $0.name == instance } }
            if pointsHere || namesHere { extra += hostRecords() + negativeRecords(registration.service) }
        }
        if answers.contains(where: { $0.name == hostName }), let first = registrations.values.first(where: \.isAnnounced) {
            extra += negativeRecords(first.service).filter { $0.name == hostName }
        }
        return Self.unique(extra).filter { record in !answers.contains { $0.hasSameData(as: record) } }
    }

    /// Every record this responder sends, for any registration, announced or not, as ``key(_:)``s.
    private func ownRecordKeys() -> Set<ResourceRecord> {
        var keys = Set(hostRecords().map(Self.key))
        for registration in registrations.values {
            for record in serviceRecords(registration.service) + negativeRecords(registration.service) {
                keys.insert(Self.key(record))
            }
        }
        return keys
    }

    /// The unique records a probe proposes in its authority section (section 8.2).
    private func proposedRecords(_ service: ServiceInstance) -> [ResourceRecord] {
        serviceRecords(service).filter(\.cacheFlush) + hostRecords()
    }

    private func probe(_ service: ServiceInstance, unicastResponse: Bool) -> DNSMessage {
        var questions: [Question] = []
        if let instance = try? service.instanceName {
            questions.append(Question(name: instance, type: .any, unicastResponse: unicastResponse))
        }
        questions.append(Question(name: hostName, type: .any, unicastResponse: unicastResponse))
        let authorities = proposedRecords(service).map {
            var record = $0
            record.cacheFlush = false
            return record
        }
        return .query(questions, authorities: authorities)
    }

    private mutating func announcement(_ service: ServiceInstance, now: ContinuousClock.Instant) -> DNSMessage {
        let answers = serviceRecords(service) + hostRecords()
        for record in answers { lastMulticast[Self.key(record)] = now }
        return .response(answers: answers, additionals: negativeRecords(service))
    }

    // MARK: Helpers

    private static func goodbye(_ record: ResourceRecord) -> ResourceRecord {
        var record = record
        record.ttl = 0
        return record
    }

    private static func key(_ record: ResourceRecord) -> ResourceRecord {
        var record = record
        record.ttl = 0
        record.cacheFlush = false
        return record
    }

    private static func unique(_ records: [ResourceRecord]) -> [ResourceRecord] {
        var seen: Set<ResourceRecord> = []
        return records.filter { seen.insert(key($0)).inserted }
    }

    /// Section 8.2's ordering of two sets of proposed records: sorted by class, type, then rdata bytes; compared
    /// pairwise; a set that runs out first is earlier. Returns -1, 0 or 1.
    static func compare(_ ours: [ResourceRecord], _ theirs: [ResourceRecord]) -> Int {
        func canonical(_ records: [ResourceRecord]) -> [[UInt8]] {
            records.map { record in
                [UInt8(record.recordClass.rawValue >> 8), UInt8(record.recordClass.rawValue & 0xFF),
                 UInt8(record.type.rawValue >> 8), UInt8(record.type.rawValue & 0xFF)] + record.data.uncompressedWireForm
            }.sorted { $0.lexicographicallyPrecedes($1) }
        }
        let a = canonical(ours)
        let b = canonical(theirs)
        for (x, y) in zip(a, b) where x != y { return x.lexicographicallyPrecedes(y) ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    static func sameName(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }

    /// `Weather Agent (2)` from `Weather Agent` and 2 (the convention of RFC 6762 section 9 implementations),
    /// keeping the label within 63 bytes.
    static func renamed(_ base: String, attempt: Int) -> String {
        let suffix = " (\(attempt))"
        var prefix = base
        while prefix.utf8.count + suffix.utf8.count > DomainName.maximumLabelLength { prefix.removeLast() }
        return prefix + suffix
    }

    static func attempt(of name: String, base: String) -> Int {
        guard name != base, name.hasSuffix(")"), let open = name.lastIndex(of: "(") else { return 1 }
        return Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) ?? 1
    }
}
