import LMOSCore
import LMOSDirectory
import Logging
import SQLiteNIO
import Synchronization

/// A directory store in one SQLite file (the embedded default): WAL journal, every write durable
/// (`synchronous=FULL`) before it is acknowledged, indexes on id, type, capability ids and expiry, full-text
/// search (FTS5) over titles, descriptions and capabilities, and the event log in the same transaction as the
/// change it records.
public final class SQLiteDescriptionStore: DescriptionStore {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = WriterLock()
    private let queue = Mutex(WriteQueue())
    private struct Counters {
        var nextReader = 0
        var count = 0
        var lastEventID: Int64 = 0
        var closed = false
    }
    private let counters: Mutex<Counters>
    /// The file.
    public let path: String

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], count: Int, lastEventID: Int64) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.counters = Mutex(Counters(count: count, lastEventID: lastEventID))
    }

    /// Opens (creating if needed) the directory file at `path`.
    /// - Parameter readerCount: connections for reads, which run beside writes.
    public static func open(path: String, readerCount: Int = 2, logger: Logger = Logger(label: "lmos.directory.sqlite"))
        async throws(DirectoryError) -> SQLiteDescriptionStore
    {
        var opened: [SQLiteConnection] = []
        do {
            let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            opened.append(writer)
            for pragma in Schema.connectionPragmas { _ = try await writer.query(pragma, []) }
            let version = try await writer.query("PRAGMA user_version", []).first?.column("user_version")?.integer ?? 0
            if version > Schema.version {
                throw DirectoryError.storage("\(path) was written by a newer version (schema \(version))")
            }
            _ = try await writer.query("BEGIN IMMEDIATE", [])
            for statement in Schema.statements { _ = try await writer.query(statement, []) }
            _ = try await writer.query("COMMIT", [])
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                opened.append(reader)
                for pragma in Schema.connectionPragmas where !pragma.contains("journal_mode") {
                    _ = try await reader.query(pragma, [])
                }
                readers.append(reader)
            }
            let count = try await writer.query("SELECT COUNT(*) AS n FROM things", []).first?.column("n")?.integer ?? 0
            let last = try await writer.query(
                "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS last", []
            ).first?.column("last")?.integer ?? 0
            return SQLiteDescriptionStore(
                path: path, writer: writer, readers: readers, count: Int(count), lastEventID: Int64(last))
        } catch let error as DirectoryError {
            for connection in opened { try? await connection.close() }
            throw error
        } catch {
            for connection in opened { try? await connection.close() }
            throw .storage("cannot open \(path): \(Self.describe(error))")
        }
    }

    /// A store dropped without ``close()`` still releases its connections (without the final checkpoint).
    deinit {
        if !counters.withLock({ $0.closed }) {
            for connection in readers + [writer] { _ = connection.close() }
        }
    }

    private func reader() throws(DirectoryError) -> SQLiteConnection {
        let index = try counters.withLock { counters throws(DirectoryError) -> Int in
            if counters.closed { throw .unavailable("the store is closed") }
            counters.nextReader &+= 1
            return counters.nextReader % readers.count
        }
        return readers[index]
    }

    private func read<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws(DirectoryError) -> T {
        let connection = try reader()
        do {
            return try await body(connection)
        } catch let error as DirectoryError {
            throw error
        } catch {
            throw .storage(Self.describe(error))
        }
    }

    // MARK: - DescriptionStore

    public func description(id: String) async throws(DirectoryError) -> StoredDescription? {
        try await read { connection in
            try await connection.query("SELECT \(Self.columns) FROM things WHERE id = ?", [.text(id)]).first.map(Self.record)
        }
    }

    /// Writes wait in a queue; whoever finds the queue idle starts a drain that commits the waiting writes
    /// together, one transaction per batch (group commit): one fsync acknowledges many writes, and each write
    /// still sees the ones queued before it.
    public func write(
        id: String,
        time: Timestamp,
        _ change: @escaping @Sendable (StoredDescription?) throws(DirectoryError) -> StoreChange?,
        committed: @escaping @Sendable (DirectoryEvent) -> Void
    ) async throws(DirectoryError) -> DirectoryEvent? {
        if counters.withLock({ $0.closed }) { throw .unavailable("the store is closed") }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<DirectoryEvent?, DirectoryError>, Never>) in
            let job = WriteJob(id: id, time: time, change: change, committed: committed, continuation: continuation)
            let startDrain = queue.withLock { queue -> Bool in
                queue.jobs.append(job)
                if queue.draining { return false }
                queue.draining = true
                return true
            }
            // A task of its own: a caller that is cancelled (a client hanging up) must not cut a batch short.
            if startDrain { Task { await self.drain() } }
        }
        return try result.get()
    }

    private struct WriteJob: Sendable {
        let id: String
        let time: Timestamp
        let change: @Sendable (StoredDescription?) throws(DirectoryError) -> StoreChange?
        let committed: @Sendable (DirectoryEvent) -> Void
        let continuation: CheckedContinuation<Result<DirectoryEvent?, DirectoryError>, Never>
    }

    private struct WriteQueue {
        var jobs: [WriteJob] = []
        var draining = false
    }

    /// The most writes committed in one transaction.
    private static let batchLimit = 64

    private func drain() async {
        while true {
            let batch = queue.withLock { queue -> [WriteJob] in
                if queue.jobs.isEmpty {
                    queue.draining = false
                    return []
                }
                let batch = Array(queue.jobs.prefix(Self.batchLimit))
                queue.jobs.removeFirst(batch.count)
                return batch
            }
            if batch.isEmpty { return }
            await writeLock.lock()
            await commit(batch)
            writeLock.unlock()
        }
    }

    private func commit(_ batch: [WriteJob]) async {
        if counters.withLock({ $0.closed }) {
            for job in batch { job.continuation.resume(returning: .failure(.unavailable("the store is closed"))) }
            return
        }
        do {
            _ = try await writer.query("BEGIN IMMEDIATE", [])
        } catch {
            for job in batch { job.continuation.resume(returning: .failure(.storage(Self.describe(error)))) }
            return
        }
        var outcomes: [Result<(DirectoryEvent, Int)?, DirectoryError>] = []
        for job in batch {
            do {
                _ = try await writer.query("SAVEPOINT job", [])
            } catch {
                outcomes.append(.failure(.storage(Self.describe(error))))
                continue
            }
            do {
                let outcome = try await apply(job)
                _ = try await writer.query("RELEASE job", [])
                outcomes.append(.success(outcome))
            } catch {
                _ = try? await writer.query("ROLLBACK TO job", [])
                _ = try? await writer.query("RELEASE job", [])
                outcomes.append(.failure(error as? DirectoryError ?? .storage(Self.describe(error))))
            }
        }
        do {
            _ = try await writer.query("COMMIT", [])
        } catch {
            _ = try? await writer.query("ROLLBACK", [])
            let failure = DirectoryError.storage("commit failed: \(Self.describe(error))")
            for job in batch { job.continuation.resume(returning: .failure(failure)) }
            return
        }
        for (job, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let (event, delta)?):
                counters.withLock { counters in
                    counters.count += delta
                    counters.lastEventID = event.id
                }
                job.committed(event)
                job.continuation.resume(returning: .success(event))
            case .success(nil):
                job.continuation.resume(returning: .success(nil))
            case .failure(let error):
                job.continuation.resume(returning: .failure(error))
            }
        }
    }

    /// One write inside the open transaction: its change and its event.
    private func apply(_ job: WriteJob) async throws -> (DirectoryEvent, Int)? {
        let id = job.id
        let existingRow = try await writer.query("SELECT \(Self.columns) FROM things WHERE id = ?", [.text(id)]).first
        let existing = try existingRow.map(Self.record)
        guard let decision = try job.change(existing) else { return nil }
        var delta = 0
        let pending: PendingEvent
        switch decision {
        case .put(let record, let event):
            pending = event
            if existing == nil {
                delta = 1
                _ = try await writer.query(
                    """
                    INSERT INTO things (id, document, created_ms, modified_ms, expires_ms, ttl, anonymous, owner,
                        title, summary, capabilities) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, Self.binds(record))
            } else {
                _ = try await writer.query(
                    """
                    UPDATE things SET id = ?, document = ?, created_ms = ?, modified_ms = ?, expires_ms = ?, ttl = ?,
                        anonymous = ?, owner = ?, title = ?, summary = ?, capabilities = ? WHERE id = ?
                    """, Self.binds(record) + [.text(id)])
            }
            if existing != nil {
                _ = try await writer.query("DELETE FROM thing_types WHERE id = ?", [.text(id)])
                _ = try await writer.query("DELETE FROM thing_capabilities WHERE id = ?", [.text(id)])
            }
            for type in Set(record.index.types) {
                _ = try await writer.query("INSERT INTO thing_types (type, id) VALUES (?, ?)", [.text(type), .text(id)])
            }
            for capability in Set(record.index.capabilities) {
                _ = try await writer.query(
                    "INSERT INTO thing_capabilities (capability, id) VALUES (?, ?)", [.text(capability), .text(id)])
            }
        case .delete(let event):
            pending = event
            if existing != nil {
                delta = -1
                _ = try await writer.query("DELETE FROM things WHERE id = ?", [.text(id)])
            }
        }
        let inserted = try await writer.query(
            "INSERT INTO events (type, thing_id, data, time_ms) VALUES (?, ?, ?, ?) RETURNING id",
            [.text(pending.type.name), .text(pending.thingID), .blob(ByteBuffer(bytes: pending.diff)),
             .integer(Self.int(job.time.millisecondsSince1970))])
        let eventID = Int64(inserted.first?.column("id")?.integer ?? 0)
        return (DirectoryEvent(id: eventID, type: pending.type, thingID: pending.thingID, diff: pending.diff, time: job.time), delta)
    }

    public func list(_ page: PageRequest, now: Timestamp) async throws(DirectoryError) -> DescriptionPage {
        let total = try await liveCount(now: now)
        let items = try await read { connection in
            try await connection.query(
                """
                SELECT \(Self.columns) FROM things WHERE (expires_ms IS NULL OR expires_ms > ?)
                ORDER BY id LIMIT ? OFFSET ?
                """,
                [.integer(Self.int(now.millisecondsSince1970)), .integer(page.limit ?? -1), .integer(page.offset)]
            ).map(Self.record)
        }
        return DescriptionPage(items: items, total: total)
    }

    public func list(after id: String?, limit: Int, now: Timestamp) async throws(DirectoryError) -> [StoredDescription] {
        try await read { connection in
            try await connection.query(
                """
                SELECT \(Self.columns) FROM things WHERE id > ? AND (expires_ms IS NULL OR expires_ms > ?)
                ORDER BY id LIMIT ?
                """,
                [.text(id ?? ""), .integer(Self.int(now.millisecondsSince1970)), .integer(limit)]
            ).map(Self.record)
        }
    }

    public func search(_ query: DescriptionQuery, _ page: PageRequest, now: Timestamp) async throws(DirectoryError)
        -> [StoredDescription]
    {
        // A capability search walks the (capability, id) index in id order, checking the other criteria on the way,
        // and stops after one page. Words drive through the full-text index. A type matches about half of
        // everything: it is checked per candidate. Only the page's documents are read.
        var conditions = ["(t.expires_ms IS NULL OR t.expires_ms > ?)"]
        var binds: [SQLiteData] = [.integer(Self.int(now.millisecondsSince1970))]
        if let type = query.searchType {
            conditions.append("EXISTS (SELECT 1 FROM thing_types y WHERE y.type = ? AND y.id = t.id)")
            binds.append(.text(type))
        }
        let words = query.searchWords
        if !words.isEmpty {
            conditions.append("t.rowid IN (SELECT rowid FROM thing_text WHERE thing_text MATCH ?)")
            binds.append(.text(words.map { "\"\($0)\"*" }.joined(separator: " ")))
        }
        let filter = conditions.joined(separator: " AND ")
        let matches: String
        if let capability = query.capability {
            matches = """
                SELECT c.id FROM thing_capabilities c JOIN things t ON t.id = c.id
                WHERE c.capability = ? AND \(filter) ORDER BY c.id LIMIT ? OFFSET ?
                """
            binds.insert(.text(capability), at: 0)
        } else {
            matches = "SELECT t.id FROM things t WHERE \(filter) ORDER BY t.id LIMIT ? OFFSET ?"
        }
        let pageBinds = binds + [.integer(page.limit ?? -1), .integer(page.offset)]
        return try await read { connection in
            try await connection.query(
                "SELECT \(Self.columns) FROM things WHERE id IN (\(matches)) ORDER BY id", pageBinds
            ).map(Self.record)
        }
    }

    public func expiredIDs(now: Timestamp, limit: Int) async throws(DirectoryError) -> [String] {
        try await read { connection in
            try await connection.query(
                "SELECT id FROM things WHERE expires_ms IS NOT NULL AND expires_ms <= ? ORDER BY expires_ms LIMIT ?",
                [.integer(Self.int(now.millisecondsSince1970)), .integer(limit)]
            ).compactMap { $0.column("id")?.string }
        }
    }

    public func events(after id: Int64, limit: Int) async throws(DirectoryError) -> [DirectoryEvent] {
        try await read { connection in
            try await connection.query(
                "SELECT id, type, thing_id, data, time_ms FROM events WHERE id > ? ORDER BY id LIMIT ?",
                [.integer(Self.int(id)), .integer(limit)]
            ).compactMap { row in
                guard let eventID = row.column("id")?.integer, let typeName = row.column("type")?.string,
                    let type = DirectoryEventType(name: typeName), let thingID = row.column("thing_id")?.string
                else { return nil }
                return DirectoryEvent(
                    id: Int64(eventID), type: type, thingID: thingID, diff: Self.bytes(row.column("data")),
                    time: Timestamp(millisecondsSince1970: Int64(row.column("time_ms")?.integer ?? 0)))
            }
        }
    }

    public func lastEventID() async throws(DirectoryError) -> Int64 {
        try counters.withLock { counters throws(DirectoryError) in
            if counters.closed { throw .unavailable("the store is closed") }
            return counters.lastEventID
        }
    }

    public func trimEvents(keepingLast count: Int) async throws(DirectoryError) {
        let last = try await lastEventID()
        await writeLock.lock()
        defer { writeLock.unlock() }
        do {
            _ = try await writer.query("DELETE FROM events WHERE id <= ?", [.integer(Self.int(last - Int64(count)))])
        } catch {
            throw .storage(Self.describe(error))
        }
    }

    public func close() async {
        await writeLock.lock()
        defer { writeLock.unlock() }
        let wasOpen = counters.withLock { counters -> Bool in
            defer { counters.closed = true }
            return !counters.closed
        }
        guard wasOpen else { return }
        for connection in readers { try? await connection.close() }
        _ = try? await writer.query("PRAGMA wal_checkpoint(TRUNCATE)", [])
        try? await writer.close()
    }

    // MARK: - Rows

    /// How many descriptions are live at `now`: all of them minus the expired ones not purged yet (an index range).
    private func liveCount(now: Timestamp) async throws(DirectoryError) -> Int {
        let all = counters.withLock { $0.count }
        let expired = try await read { connection in
            try await connection.query(
                "SELECT COUNT(*) AS n FROM things WHERE expires_ms IS NOT NULL AND expires_ms <= ?",
                [.integer(Self.int(now.millisecondsSince1970))]
            ).first?.column("n")?.integer ?? 0
        }
        return max(0, all - Int(expired))
    }

    private static let columns = columns(prefix: "")

    private static func columns(prefix: String) -> String {
        ["id", "document", "created_ms", "modified_ms", "expires_ms", "ttl", "anonymous", "owner"]
            .map { prefix + $0 + " AS " + $0 }.joined(separator: ", ")
    }

    private static func record(_ row: SQLiteRow) throws -> StoredDescription {
        guard let id = row.column("id")?.string, let created = row.column("created_ms")?.integer,
            let modified = row.column("modified_ms")?.integer
        else { throw DirectoryError.storage("a stored row is incomplete") }
        var registration = RegistrationInfo(
            created: Timestamp(millisecondsSince1970: Int64(created)),
            modified: Timestamp(millisecondsSince1970: Int64(modified)))
        if let expires = row.column("expires_ms")?.integer {
            registration.expires = Timestamp(millisecondsSince1970: Int64(expires))
        }
        if let ttl = row.column("ttl"), ttl != .null { registration.ttl = ttl.double }
        var owner: String?
        if let value = row.column("owner"), value != .null { owner = value.string }
        return StoredDescription(
            id: id, document: bytes(row.column("document")), registration: registration,
            anonymous: (row.column("anonymous")?.integer ?? 0) != 0, owner: owner,
            index: SearchIndexEntry(types: [], capabilities: [], title: "", summary: "", capabilityText: ""))
    }

    private static func binds(_ record: StoredDescription) -> [SQLiteData] {
        [
            .text(record.id), .blob(ByteBuffer(bytes: record.document)),
            .integer(int(record.registration.created.millisecondsSince1970)),
            .integer(int(record.registration.modified.millisecondsSince1970)),
            record.registration.expires.map { .integer(int($0.millisecondsSince1970)) } ?? .null,
            record.registration.ttl.map { .float($0) } ?? .null,
            .integer(record.anonymous ? 1 : 0),
            record.owner.map { .text($0) } ?? .null,
            .text(record.index.title), .text(record.index.summary), .text(record.index.capabilityText),
        ]
    }

    private static func bytes(_ data: SQLiteData?) -> [UInt8] {
        switch data {
        case .blob(let buffer)?: return Array(buffer.readableBytesView)
        case .text(let text)?: return Array(text.utf8)
        default: return []
        }
    }

    private static func int(_ value: Int64) -> SQLiteInt64 { SQLiteInt64(truncatingIfNeeded: value) }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SQLiteError { return error.description }
        return String(describing: error)
    }
}
