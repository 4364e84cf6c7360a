import DNSMessage

/// The records a browser has heard, each until its TTL runs out (RFC 6762 section 10), with the cache-flush rule
/// (10.2: a unique record replaces the ones of its name and type received more than a second earlier) and goodbyes
/// (10.1: TTL 0 means gone in one second).
struct RecordCache: Sendable {
    struct Entry: Sendable {
        var record: ResourceRecord
        var received: ContinuousClock.Instant
        var expires: ContinuousClock.Instant
        /// How many of the refresh queries at 80, 85, 90 and 95 % of the TTL were already due (section 5.2).
        var refreshesDue = 0

        func refreshTime(_ index: Int) -> ContinuousClock.Instant {
            received + .milliseconds(Int(record.ttl) * (800 + 50 * index))
        }
    }

    private(set) var entries: [ResourceRecord: Entry] = [:]

    /// Adds the records of a response, applying cache-flush bits and goodbyes.
    mutating func insert(_ records: [ResourceRecord], now: ContinuousClock.Instant) {
        for record in records where record.cacheFlush && record.ttl > 0 {
            for (key, entry) in entries
            where entry.record.name == record.name && entry.record.type == record.type
                && !entry.record.hasSameData(as: record) && now - entry.received > .seconds(1)
            {
                entries[key]?.expires = min(entry.expires, now + .seconds(1))
            }
        }
        for record in records {
            let key = Self.key(record)
            if record.ttl == 0 {
                if let existing = entries[key] { entries[key]?.expires = min(existing.expires, now + .seconds(1)) }
                continue
            }
            entries[key] = Entry(record: record, received: now, expires: now + .seconds(Int(record.ttl)))
        }
    }

    /// Drops what expired; returns whether anything did.
    mutating func purge(now: ContinuousClock.Instant) -> Bool {
        let before = entries.count
        entries = entries.filter { $0.value.expires > now }
        return entries.count != before
    }

    /// The live records of `name` and `type`, the most recently received first.
    func records(named name: DomainName, type: RecordType) -> [ResourceRecord] {
        entries.values.filter { $0.record.name == name && $0.record.type == type }
            .sorted { $0.received > $1.received }.map(\.record)
    }

    /// Records still good for more than half their TTL: the known answers a query may list (section 7.1).
    func knownAnswers(named name: DomainName, type: RecordType, now: ContinuousClock.Instant) -> [ResourceRecord] {
        entries.values.filter { entry in
            entry.record.name == name && entry.record.type == type
                && (entry.expires - now) > .seconds(Int(entry.record.ttl)) / 2
        }.map { entry in
            var record = entry.record
            record.ttl = UInt32(max(0, (entry.expires - now).components.seconds))
            return record
        }
    }

    /// The next moment an entry expires or needs a refresh query.
    func nextDeadline(refreshing interesting: (ResourceRecord) -> Bool) -> ContinuousClock.Instant? {
        entries.values.map { entry in
            interesting(entry.record) && entry.refreshesDue < 4 ? min(entry.refreshTime(entry.refreshesDue), entry.expires) : entry.expires
        }.min()
    }

    /// Questions for the interesting records whose next refresh point has passed (section 5.2).
    mutating func dueRefreshes(now: ContinuousClock.Instant, interesting: (ResourceRecord) -> Bool) -> [Question] {
        var questions: [Question] = []
        for (key, entry) in entries where interesting(entry.record) && entry.refreshesDue < 4 && entry.refreshTime(entry.refreshesDue) <= now {
            var updated = entry
            while updated.refreshesDue < 4, updated.refreshTime(updated.refreshesDue) <= now { updated.refreshesDue += 1 }
            entries[key] = updated
            let question = Question(name: entry.record.name, type: entry.record.type)
            if !questions.contains(question) { questions.append(question) }
        }
        return questions
    }

    static func key(_ record: ResourceRecord) -> ResourceRecord {
        var record = record
        record.ttl = 0
        record.cacheFlush = false
        return record
    }
}
