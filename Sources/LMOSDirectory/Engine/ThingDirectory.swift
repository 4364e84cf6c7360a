import LMOSCore
import LMOSDescription
import LMOSIdentity
import Logging

/// A WoT Thing Description Directory (W3C WoT Discovery, section 7.3) without HTTP: it registers, replaces,
/// patches, deletes, lists and searches Agent and Tool Descriptions over a ``DescriptionStore``, keeps their
/// registration information and expiry, checks proofs and ownership, and publishes change events.
public final class ThingDirectory: Sendable {
    /// Where descriptions live.
    public let store: any DescriptionStore
    public let configuration: DirectoryConfiguration
    let resolver: any DIDResolver
    let clock: @Sendable () -> Timestamp
    let hub: EventHub
    let logger: Logger

    /// - Parameters:
    ///   - store: where descriptions and events are kept.
    ///   - resolver: resolves the DIDs of signed descriptions (did:key locally, did:web over HTTPS).
    ///   - clock: the current time (tests pass their own).
    public init(
        store: any DescriptionStore,
        configuration: DirectoryConfiguration = DirectoryConfiguration(),
        resolver: any DIDResolver = StandardDIDResolver(),
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
        logger: Logger = Logger(label: "lmos.directory")
    ) {
        self.store = store
        self.configuration = configuration
        self.resolver = resolver
        self.clock = clock
        self.hub = EventHub()
        self.logger = logger
    }

    // MARK: - Writes

    /// What a create-or-replace did.
    public enum PutResult: Sendable, Hashable {
        /// A new registration (HTTP 201).
        case created
        /// An existing registration was replaced (HTTP 204).
        case replaced
    }

    /// Registers the description `document` under `id` (WoT Discovery "create" with PUT), or replaces the one
    /// registered there ("update"). The document's own `id` must equal `id`; it may lack one only to replace an
    /// anonymous registration.
    @discardableResult
    public func put(id: String, document: JSONValue, requester: Requester = .anonymous) async throws(DirectoryError)
        -> PutResult
    {
        var submitted = try Self.object(document)
        let request = try RegistrationRequest(submitted.removeValue(forKey: "registration"))
        submitted = EnrichedDescription.submittedForm(of: submitted)
        let ownID: String?
        switch submitted["id"] {
        case nil: ownID = nil
        case .string(let value)?: ownID = value
        case _?: throw .invalid([ValidationError(field: "/id", description: "must be a string (a URI)")])
        }
        if let ownID, !ownID.utf8.elementsEqual(id.utf8) {
            throw .invalid([
                ValidationError(field: "/id", description: "is \(ownID), but the description is submitted for \(id)")
            ])
        }
        var checked = submitted
        if ownID == nil { checked["id"] = .string(id) }
        try validate(checked)
        let signer = try await verifyProof(submitted)
        let now = clock()
        let event = try await store.write(id: id, time: now, { [configuration, submitted] existing throws(DirectoryError) in
            if existing == nil, ownID == nil {
                throw .invalid([
                    ValidationError(field: "/id", description: "is missing: register a description without id with POST /things")
                ])
            }
            let anonymous = existing?.anonymous ?? false
            if ownID == nil, anonymous == false {
                throw .invalid([ValidationError(field: "/id", description: "is missing")])
            }
            let owner = try Self.owner(after: existing, signer: signer, requester: requester, id: id)
            let registration = try request.registration(
                created: existing?.registration.created ?? now, now: now, maximumTTL: configuration.maximumTTL)
            if let existing, let owner = existing.owner, !requester.mayChange(ownedBy: owner) {
                try Self.checkSignedReplacement(of: existing, with: submitted, registration: registration, id: id)
            }
            var content = submitted
            if ownID == nil { content["id"] = .string(id) }
            let record = Self.record(id: id, content: content, registration: registration, anonymous: anonymous, owner: owner)
            return .put(record, try Self.event(replacing: existing, with: record))
        }, committed: hub.publish)
        return event?.type == .created ? .created : .replaced
    }

    /// Registers an Anonymous TD (WoT Discovery: POST /things) and returns the local identifier it got, a
    /// `urn:uuid:` (UUID version 4). A document with an `id` must be registered with ``put(id:document:requester:)``.
    public func createAnonymous(document: JSONValue, requester: Requester = .anonymous) async throws(DirectoryError) -> String {
        var submitted = try Self.object(document)
        let request = try RegistrationRequest(submitted.removeValue(forKey: "registration"))
        submitted = EnrichedDescription.submittedForm(of: submitted)
        if submitted["id"] != nil {
            throw .invalid([
                ValidationError(field: "/id", description: "a description with an id is registered with PUT /things/{id}")
            ])
        }
        let id = UUIDv4.randomURN()
        submitted["id"] = .string(id)
        try validate(submitted)
        let signer = try await verifyProof(submitted, withoutMember: "id")
        let now = clock()
        _ = try await store.write(id: id, time: now, { [configuration, submitted] existing throws(DirectoryError) in
            guard existing == nil else { throw .storage("generated id \(id) is taken") }
            let registration = try request.registration(created: now, now: now, maximumTTL: configuration.maximumTTL)
            let record = Self.record(
                id: id, content: submitted, registration: registration, anonymous: true, owner: requester.subject ?? signer)
            return .put(record, try Self.event(replacing: nil, with: record))
        }, committed: hub.publish)
        return id
    }

    /// Applies a JSON Merge Patch (RFC 7396) to the registered description (WoT Discovery "partial update"). The
    /// result must be a valid description with the same id, checked like a replacement; a `registration.ttl` in
    /// the patch sets a new time-to-live, and any patch renews the registration from now.
    public func patch(id: String, patch: JSONValue, requester: Requester = .anonymous) async throws(DirectoryError) {
        guard case .object = patch else {
            throw .invalid([ValidationError(field: "", description: "a merge patch for a description must be a JSON object")])
        }
        let now = clock()
        guard let record = try await store.description(id: id), !record.registration.isExpired(at: now) else {
            throw .notFound(id)
        }
        let patched = try EnrichedDescription(record, retrieved: now).value().mergePatched(with: patch)
        guard case .object(var object) = patched else { throw .unreadableDocument("the patched description is not an object") }
        if object["id"] != .string(id) {
            throw .invalid([ValidationError(field: "/id", description: "cannot be changed or removed by a patch")])
        }
        if case .object(var registration)? = object["registration"] {
            // What the directory wrote is not a request: drop the read-only times; a `ttl` (kept or patched)
            // renews the registration from now, unless the patch sets only `expires`; without `ttl` the
            // absolute `expires` stays.
            let asked = patch["registration"]?.objectValue ?? JSONObject()
            for key in ["created", "modified", "retrieved"] { registration[key] = nil }
            if asked["expires"] != nil, asked["ttl"] == nil { registration["ttl"] = nil }
            object["registration"] = .object(registration)
        }
        if record.anonymous { object["id"] = nil }
        try await put(id: id, document: .object(object), requester: requester)
    }

    /// Removes a registration (WoT Discovery "delete"). A description owned by a DID may only be deleted by that
    /// owner or an administrator.
    public func delete(id: String, requester: Requester = .anonymous) async throws(DirectoryError) {
        let now = clock()
        _ = try await store.write(id: id, time: now, { existing throws(DirectoryError) in
            guard let existing, !existing.registration.isExpired(at: now) else { throw .notFound(id) }
            if let owner = existing.owner, !requester.mayChange(ownedBy: owner) {
                throw .forbidden("\(id) belongs to \(owner): only its owner may delete it")
            }
            if existing.owner == nil, !requester.mayChangeUnowned {
                throw .forbidden("\(id) has no owner (it was registered without credentials): only an administrator may delete it")
            }
            return .delete(Self.deletion(of: id))
        }, committed: hub.publish)
    }

    /// Removes registrations that expired (WoT Discovery 7.3.1.4: servers SHOULD purge them) and publishes a
    /// `thing_deleted` event for each. Returns how many were removed.
    @discardableResult
    public func purgeExpired(limit: Int = 1000) async throws(DirectoryError) -> Int {
        let now = clock()
        var removed = 0
        for id in try await store.expiredIDs(now: now, limit: limit) {
            let event = try await store.write(id: id, time: now, { existing throws(DirectoryError) in
                guard let existing, existing.registration.isExpired(at: now) else { return nil }
                return .delete(Self.deletion(of: id))
            }, committed: hub.publish)
            if event != nil { removed += 1 }
        }
        if removed > 0 { logger.info("purged expired registrations", metadata: ["count": "\(removed)"]) }
        return removed
    }

    // MARK: - Reads

    /// The registered description with this id, enriched, or nil (also when its registration expired).
    public func description(id: String) async throws(DirectoryError) -> EnrichedDescription? {
        let now = clock()
        guard let record = try await store.description(id: id), !record.registration.isExpired(at: now) else { return nil }
        return EnrichedDescription(record, retrieved: now)
    }

    /// A page of the registered descriptions in id order (Unicode code points), enriched.
    public func list(_ page: PageRequest = PageRequest()) async throws(DirectoryError) -> (items: [EnrichedDescription], total: Int) {
        try Self.check(page)
        let now = clock()
        let result = try await store.list(page, now: now)
        return (result.items.map { EnrichedDescription($0, retrieved: now) }, result.total)
    }

    /// The registered descriptions after `id` in id order, at most `limit` (for streaming whole listings).
    public func list(after id: String?, limit: Int) async throws(DirectoryError) -> [EnrichedDescription] {
        let now = clock()
        return try await store.list(after: id, limit: max(1, limit), now: now).map { EnrichedDescription($0, retrieved: now) }
    }

    /// An LMOS search (PROTOCOL.md 3): type, capability id and words, combined with AND, in id order; `hasMore`
    /// tells whether matches follow the page.
    public func search(_ query: DescriptionQuery, _ page: PageRequest = PageRequest()) async throws(DirectoryError)
        -> (items: [EnrichedDescription], hasMore: Bool)
    {
        try Self.check(page)
        let now = clock()
        var probe = page
        if let limit = page.limit { probe.limit = limit + 1 }
        var items = try await store.search(query, probe, now: now)
        var hasMore = false
        if let limit = page.limit, items.count > limit {
            items.removeLast(items.count - limit)
            hasMore = true
        }
        return (items.map { EnrichedDescription($0, retrieved: now) }, hasMore)
    }

    /// A version of the whole collection that changes with every change: the newest event id.
    public func collectionVersion() async throws(DirectoryError) -> Int64 {
        try await store.lastEventID()
    }

    // MARK: - Events

    /// Change events from now on, or, with `lastEventID`, every logged event after it first (WoT Discovery
    /// 7.3.2.4: re-connecting clients get the events they missed). `types` filters (nil: all).
    public func events(after lastEventID: Int64? = nil, types: Set<DirectoryEventType>? = nil) -> DirectoryEventStream {
        DirectoryEventStream(live: hub.subscribe(), store: store, after: lastEventID, types: types)
    }

    /// How many event subscribers are connected.
    public var subscriberCount: Int { hub.subscriberCount }

    /// Ends every event subscription (graceful shutdown) and closes the store.
    public func shutdown() async {
        hub.close()
        await store.close()
    }

    // MARK: - Helpers

    static func object(_ document: JSONValue) throws(DirectoryError) -> JSONObject {
        guard case .object(let object) = document else {
            throw .unreadableDocument("a Thing Description is a JSON object, not \(document.typeName)")
        }
        return object
    }

    func validate(_ object: JSONObject) throws(DirectoryError) {
        guard configuration.validates else { return }
        let errors = ThingDescription.validate(.object(object))
        if !errors.isEmpty { throw .invalid(errors) }
    }

    /// The DID that signed `object`, if it has a proof; a proof that does not verify is an error.
    func verifyProof(_ object: JSONObject, withoutMember member: String? = nil) async throws(DirectoryError) -> String? {
        guard object["proof"] != nil else { return nil }
        var signed = object
        if let member { signed[member] = nil }
        do {
            return try await EddsaJcs2022.verify(.object(signed), resolver: resolver).did
        } catch {
            throw .invalidProof(error.description)
        }
    }

    /// Who owns a description after a write: the authenticated subject that registered it (an OAuth token's
    /// `sub`), or without one the DID that signed it, keeps it (PROTOCOL.md 3 and 7).
    static func owner(after existing: StoredDescription?, signer: String?, requester: Requester, id: String)
        throws(DirectoryError) -> String?
    {
        guard let existing else { return requester.subject ?? signer }
        guard let owner = existing.owner else {
            guard requester.mayChangeUnowned else {
                throw .forbidden("\(id) has no owner (it was registered without credentials): only an administrator may change it")
            }
            return requester.subject ?? signer
        }
        if signer == owner || requester.mayChange(ownedBy: owner) { return owner }
        throw .forbidden("\(id) belongs to \(owner): a replacement must be signed by that DID")
    }

    /// A replacement of an owned description that only its signature authorises (no owner credentials). A signed
    /// description is public, so anyone can send it again: sending the same signed version again may renew the
    /// registration (refresh) but not make it expire sooner; a different version needs a proof created no earlier
    /// than the registered one (no going back to an older signed version; `created` has second precision).
    static func checkSignedReplacement(
        of existing: StoredDescription, with submitted: JSONObject, registration: RegistrationInfo, id: String
    ) throws(DirectoryError) {
        let stored = (try? JSONValue(parsing: existing.document))?["proof"]
        let old = ProofSummary(stored)
        let new = ProofSummary(submitted["proof"])
        if let oldValue = old.value, oldValue == new.value {
            if let oldExpires = existing.registration.expires {
                guard let newExpires = registration.expires, newExpires >= oldExpires else {
                    throw .forbidden("\(id) belongs to \(existing.owner ?? "its signer"): without the owner's credentials its registration can be renewed, not shortened")
                }
            } else if registration.expires != nil {
                throw .forbidden("\(id) belongs to \(existing.owner ?? "its signer"): without the owner's credentials its registration cannot be given an expiry")
            }
            return
        }
        guard let newCreated = new.created, let oldCreated = old.created, newCreated >= oldCreated else {
            throw .forbidden("\(id) belongs to \(existing.owner ?? "its signer"): a new version must carry a proof created no earlier than the registered one")
        }
    }

    /// The `created` time and `proofValue` of a proof (or of the first proof of a set).
    struct ProofSummary {
        var created: Timestamp?
        var value: String?

        init(_ proof: JSONValue?) {
            let first = proof?.arrayValue?.first ?? proof
            created = first?["created"]?.stringValue.flatMap { Timestamp(rfc3339: $0) }
            value = first?["proofValue"]?.stringValue
        }
    }

    static func record(id: String, content: JSONObject, registration: RegistrationInfo, anonymous: Bool, owner: String?)
        -> StoredDescription
    {
        let stored = EnrichedDescription.storedForm(of: content, registration: registration)
        return StoredDescription(
            id: id, document: JSONValue.object(stored).jsonBytes(), registration: registration, anonymous: anonymous,
            owner: owner, index: SearchText.indexEntry(of: ThingDescription(json: content)))
    }

    static func event(replacing existing: StoredDescription?, with record: StoredDescription) throws(DirectoryError) -> PendingEvent {
        guard let existing else {
            return PendingEvent(type: .created, thingID: record.id, diff: record.document)
        }
        let old: JSONValue
        let new: JSONValue
        do {
            old = try JSONValue(parsing: existing.document)
            new = try JSONValue(parsing: record.document)
        } catch {
            throw .storage("stored description \(record.id) is not JSON: \(error)")
        }
        var diff = JSONValue.mergePatch(from: old, to: new)?.objectValue ?? JSONObject()
        diff["id"] = .string(record.id)
        return PendingEvent(type: .updated, thingID: record.id, diff: JSONValue.object(diff).jsonBytes())
    }

    static func deletion(of id: String) -> PendingEvent {
        PendingEvent(type: .deleted, thingID: id, diff: JSONValue.object(["id": .string(id)]).jsonBytes())
    }

    static func check(_ page: PageRequest) throws(DirectoryError) {
        if page.offset < 0 { throw .invalidQuery("offset must be 0 or more") }
        if let limit = page.limit, limit < 1 { throw .invalidQuery("limit must be 1 or more") }
    }
}
