import DNSMessage

/// The records a browser has heard, each until its TTL runs out (RFC 6762 section 10), with the cache-flush rule
/// (10.2: a unique record replaces the ones of its name and type received more than a second earlier) and goodbyes
/// (10.1: a record with TTL 0 is kept one more second, so a defender's answer can still revive it, but no longer
/// counts as present). Indexed by name, so that resolving a service reads only its own records.
struct RecordCache: Sendable {
    struct Entry: Sendable {
        var record: ResourceRecord
        var received: ContinuousClock.Instant
        var expires: ContinuousClock.Instant
        /// A goodbye arrived: the record is on its way out.
        var saidGoodbye = false
        /// How many of the refresh queries at 80, 85, 90 and 95 % of the TTL were already due (section 5.2).
        var refreshesDue = 0

        func refreshTime(_ index: Int) -> ContinuousClock.Instant {
            received + .milliseconds(Int(record.ttl) * (800 + 50 * index))
        }
    }

    /// Entries by owner name, then by record (TTL and cache-flush bit cleared).
    private var byName: [DomainName: [ResourceRecord: Entry]] = [:]

    /// Every entry.
    var entries: [Entry] { byName.values.flatMap(\.values) }

    /// Adds the records of a response, applying cache-flush bits and goodbyes.
    mutating func insert(_ records: [ResourceRecord], now: ContinuousClock.Instant) {
        for record in records where record.cacheFlush && record.ttl > 0 {
            guard let existing = byName[record.name] else { continue }
            for (key, entry) in existing
            where entry.record.type == record.type && !entry.record.hasSameData(as: record) && now - entry.received > .seconds(1) {
                byName[record.name]?[key]?.expires = min(entry.expires, now + .seconds(1))
            }
        }
        for record in records {
            let key = Self.key(record)
            if record.ttl == 0 {
                guard let existing = byName[record.name]?[key] else { continue }
                byName[record.name]?[key]?.expires = min(existing.expires, now + .seconds(1))
                byName[record.name]?[key]?.saidGoodbye = true
                continue
            }
            byName[record.name, default: [:]][key] = Entry(record: record, received: now, expires: now + .seconds(Int(record.ttl)))
        }
    }

    /// Drops what expired.
    mutating func purge(now: ContinuousClock.Instant) {
        for (name, records) in byName {
            let live = records.filter { $0.value.expires > now }
            byName[name] = live.isEmpty ? nil : live
        }
    }

    /// The present records of `name` and `type` (not expired, no goodbye), the most recently received first.
    func records(named name: DomainName, type: RecordType) -> [ResourceRecord] {
        (byName[name] ?? [:]).values.filter { $0.record.type == type && !$0.saidGoodbye }
            .sorted { $0.received > $1.received }.map(\.record)
    }

    /// Records still good for more than half their TTL: the known answers a query may list (section 7.1).
    func knownAnswers(named name: DomainName, type: RecordType, now: ContinuousClock.Instant) -> [ResourceRecord] {
        (byName[name] ?? [:]).values.filter { entry in
            entry.record.type == type && !entry.saidGoodbye && (entry.expires - now) > .seconds(Int(entry.record.ttl)) / 2
        }.map { entry in
            var record = entry.record
            record.ttl = UInt32(max(0, (entry.expires - now).components.seconds))
            return record
        }
    }

    /// The next moment an entry expires or needs a refresh query.
    func nextDeadline(refreshing interesting: (ResourceRecord) -> Bool) -> ContinuousClock.Instant? {
        entries.map { entry in
            !entry.saidGoodbye && entry.refreshesDue < 4 && interesting(entry.record)
                ? min(entry.refreshTime(entry.refreshesDue), entry.expires) : entry.expires
        }.min()
    }

    /// Questions for the interesting records whose next refresh point has passed (section 5.2).
    mutating func dueRefreshes(now: ContinuousClock.Instant, interesting: (ResourceRecord) -> Bool) -> [Question] {
        var questions: [Question] = []
        for (name, records) in byName {
            for (key, entry) in records
            where !entry.saidGoodbye && entry.refreshesDue < 4 && entry.refreshTime(entry.refreshesDue) <= now
                && interesting(entry.record)
            {
                var updated = entry
                while updated.refreshesDue < 4, updated.refreshTime(updated.refreshesDue) <= now { updated.refreshesDue += 1 }
                byName[name]?[key] = updated
                let question = Question(name: entry.record.name, type: entry.record.type)
                if !questions.contains(question) { questions.append(question) }
            }
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
