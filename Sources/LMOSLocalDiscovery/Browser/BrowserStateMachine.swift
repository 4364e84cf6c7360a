import DNSMessage

/// Continuous DNS-SD browsing (RFC 6763 section 4, RFC 6762 section 5.2) as pure value code: queries for the PTR
/// records of a service type at growing intervals (1 s, 2 s, 4 s ... up to an hour) with known answers, queries
/// to resolve each instance's SRV, TXT and addresses, refresh queries at 80-95 % of TTLs, and a record cache.
/// Each change to the set of resolved services comes out as a ``BrowseEvent``.
struct BrowserStateMachine: Sendable {
    static let maximumInterval = Duration.seconds(3600)

    /// The PTR name browsed, for example `_wot._tcp.local.` or `_directory._sub._wot._tcp.local.`.
    let browsedName: DomainName
    private var cache = RecordCache()
    private var nextBrowse: ContinuousClock.Instant
    private var interval = Duration.seconds(1)
    private var resolving: [DomainName: (attempts: Int, next: ContinuousClock.Instant)] = [:]
    private var services: [DomainName: DiscoveredService] = [:]
    /// The SRV targets of the resolved services.
    private var serviceHosts: Set<DomainName> = []
    private var random: SeededRandom

    init(browsing name: DomainName, now: ContinuousClock.Instant, random: SeededRandom = SeededRandom()) {
        browsedName = name
        self.random = random
        nextBrowse = now + self.random.milliseconds(20...120)
    }

    /// What the browser currently sees.
    var current: [DiscoveredService] { services.values.sorted { $0.instanceName < $1.instanceName } }

    var nextDeadline: ContinuousClock.Instant? {
        let deadlines = [nextBrowse] + resolving.values.map(\.next)
            + [cache.nextDeadline(refreshing: isInteresting)].compactMap { $0 }
        return deadlines.min()
    }

    /// Takes in the records of any mDNS response (every section).
    mutating func receive(_ message: DNSMessage, now: ContinuousClock.Instant) -> [BrowseEvent] {
        guard !message.isQuery, message.flags.opcode == 0, message.flags.responseCode == 0 else { return [] }
        cache.insert(message.allRecords, now: now)
        return update(now: now)
    }

    /// Sends the queries that are due and reports expirations.
    mutating func tick(now: ContinuousClock.Instant) -> (queries: [DNSMessage], events: [BrowseEvent]) {
        cache.purge(now: now)
        var questions: [Question] = []
        var knownAnswers: [ResourceRecord] = []
        if nextBrowse <= now {
            questions.append(Question(name: browsedName, type: .ptr))
            knownAnswers = cache.knownAnswers(named: browsedName, type: .ptr, now: now)
            nextBrowse = now + interval
            interval = min(interval * 2, Self.maximumInterval)
        }
        for question in cache.dueRefreshes(now: now, interesting: isInteresting) where !questions.contains(question) {
            questions.append(question)
        }
        for (instance, state) in resolving where state.next <= now {
            questions += resolutionQuestions(instance).filter { !questions.contains($0) }
            resolving[instance] = state.attempts >= 3 ? nil : (state.attempts + 1, now + .seconds(1 << state.attempts))
        }
        let events = update(now: now)
        guard !questions.isEmpty else { return ([], events) }
        return ([.query(questions, knownAnswers: knownAnswers)], events)
    }

    /// Re-derives the resolved services from the cache and reports the differences.
    private mutating func update(now: ContinuousClock.Instant) -> [BrowseEvent] {
        var resolved: [DomainName: DiscoveredService] = [:]
        var pointed: Set<DomainName> = []
        for pointer in cache.records(named: browsedName, type: .ptr) {
            guard case .ptr(let instance) = pointer.data else { continue }
            pointed.insert(instance)
            guard let service = resolve(instance) else {
                if resolving[instance] == nil { resolving[instance] = (0, now + random.milliseconds(20...120)) }
                continue
            }
            resolving[instance] = nil
            resolved[instance] = service
        }
        var events: [BrowseEvent] = []
        for (name, service) in resolved.sorted(by: { $0.key < $1.key }) {
            if let old = services[name] {
                if old != service { events.append(.updated(service)) }
            } else {
                events.append(.added(service))
            }
        }
        for (name, service) in services.sorted(by: { $0.key < $1.key }) where resolved[name] == nil {
            events.append(.removed(service))
        }
        resolving = resolving.filter { pointed.contains($0.key) }
        services = resolved
        serviceHosts = Set(resolved.values.map(\.host))
        return events
    }

    private func resolve(_ instance: DomainName) -> DiscoveredService? {
        guard case .srv(let location)? = cache.records(named: instance, type: .srv).first?.data else { return nil }
        guard case .txt(let strings)? = cache.records(named: instance, type: .txt).first?.data else { return nil }
        let addresses = (cache.records(named: location.target, type: .a) + cache.records(named: location.target, type: .aaaa))
            .compactMap { record -> IPAddress? in
                switch record.data {
                case .a(let address): .v4(address)
                case .aaaa(let address): .v6(address)
                default: nil
                }
            }
            .sorted { ($0.preference, $0.description) < ($1.preference, $1.description) }
        guard !addresses.isEmpty else { return nil }
        return DiscoveredService(
            instanceName: instance, host: location.target, port: location.port, txt: TXTRecord(strings: strings),
            addresses: addresses)
    }

    private func resolutionQuestions(_ instance: DomainName) -> [Question] {
        var questions: [Question] = []
        let srv = cache.records(named: instance, type: .srv).first
        if srv == nil { questions.append(Question(name: instance, type: .srv)) }
        if cache.records(named: instance, type: .txt).isEmpty { questions.append(Question(name: instance, type: .txt)) }
        if case .srv(let location)? = srv?.data {
            questions.append(Question(name: location.target, type: .a))
            questions.append(Question(name: location.target, type: .aaaa))
        }
        return questions
    }

    /// The records whose refresh queries this browser sends: its PTRs and the records of the services they name.
    private func isInteresting(_ record: ResourceRecord) -> Bool {
        if record.name == browsedName { return record.type == .ptr }
        return services[record.name] != nil || serviceHosts.contains(record.name)
    }


}
