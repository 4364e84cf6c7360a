import LMOSCore

/// What a write does to one id, decided from the current record inside the store's transaction.
public enum StoreChange: Sendable {
    /// Store (insert or replace) this record, and log the event.
    case put(StoredDescription, PendingEvent)
    /// Remove the record, and log the event.
    case delete(PendingEvent)
}

/// Where a directory keeps descriptions and its event log. Implementations: ``InMemoryDescriptionStore`` and
/// `SQLiteDescriptionStore` (module DirectoryStoreSQLite).
///
/// Stores are plain storage: they do not validate, verify or hide expired records unless asked to (`at now`
/// arguments exclude registrations that expired at `now`). Ordering is ascending by id in Unicode code point order
/// (byte order of UTF-8), as WoT Discovery requires for listings.
public protocol DescriptionStore: Sendable {
    /// The record for `id`, expired or not.
    func description(id: String) async throws(DirectoryError) -> StoredDescription?

    /// Atomically reads the record for `id`, asks `change` what to do with it, applies that with its event, and
    /// makes it durable before returning. `committed` runs after the commit and before any later write commits,
    /// so events reach it in log order. Returns the logged event, or nil when `change` returned nil.
    func write(
        id: String,
        time: Timestamp,
        _ change: @escaping @Sendable (StoredDescription?) throws(DirectoryError) -> StoreChange?,
        committed: @escaping @Sendable (DirectoryEvent) -> Void
    ) async throws(DirectoryError) -> DirectoryEvent?

    /// A page of the descriptions not expired at `now`, and their total.
    func list(_ page: PageRequest, now: Timestamp) async throws(DirectoryError) -> DescriptionPage

    /// Up to `limit` descriptions not expired at `now` whose id sorts after `id` (keyset paging for streaming).
    func list(after id: String?, limit: Int, now: Timestamp) async throws(DirectoryError) -> [StoredDescription]

    /// An LMOS search over the descriptions not expired at `now`: the matches in the window of `page`, in id order.
    /// (No total: counting every match of a broad search would cost more than finding a page.)
    func search(_ query: DescriptionQuery, _ page: PageRequest, now: Timestamp) async throws(DirectoryError)
        -> [StoredDescription]

    /// Ids of up to `limit` descriptions whose registration expired at `now`.
    func expiredIDs(now: Timestamp, limit: Int) async throws(DirectoryError) -> [String]

    /// Up to `limit` logged events with an id above `id`, oldest first.
    func events(after id: Int64, limit: Int) async throws(DirectoryError) -> [DirectoryEvent]

    /// The id of the newest logged event (0 when there is none). It changes with every change of the collection.
    func lastEventID() async throws(DirectoryError) -> Int64

    /// Forgets logged events except the newest `count`.
    func trimEvents(keepingLast count: Int) async throws(DirectoryError)

    /// Finishes pending work and releases files; later calls fail with ``DirectoryError/unavailable(_:)``.
    func close() async
}
