import KRPC
import LMOSCore
import LMOSIdentity
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A description this node publishes and re-publishes.
struct PublishedDescription: Sendable {
    var did: String
    var document: JSONValue
    var key: Ed25519KeyPair
    var localID: String?
    var publishedAt: Double
    var announcedAt: Double
    var announce: Bool

    /// Where it is kept in the node: one record per DID and salt.
    static func slot(did: String, localID: String?) -> String { did + " " + (localID ?? "") }
}

/// The first value a lookup reported, readable from any task.
final class FirstValue: Sendable {
    private let state = Mutex<[UInt8]?>(nil)

    func set(_ value: [UInt8]) { state.withLock { if $0 == nil { $0 = value } } }
    var value: [UInt8]? { state.withLock { $0 } }
}

/// A description a node said it publishes (`lmos_who`): a DID and a local id (empty for the default record).
struct AnnouncedRecord: Hashable, Comparable {
    var did: String
    var localID: String

    static func < (left: AnnouncedRecord, right: AnnouncedRecord) -> Bool {
        (left.did, left.localID) < (right.did, right.localID)
    }
}

/// What `publish` wrote.
public struct PublishReport: Sendable, Hashable {
    /// The DID that signed the description.
    public var did: String
    /// The mutable pointer item: target, sequence number, how many nodes stored it.
    public var pointerTarget: NodeID
    public var sequenceNumber: Int64
    public var pointerStored: Int
    /// The immutable chunks (empty when the description is inline), with how many nodes stored each.
    public var chunkTargets: [NodeID]
    public var chunksStored: [Int]
    /// Rendezvous info-hashes announced (`lmos:capability:<id>`, `lmos:type:<type>`) and how many nodes accepted.
    public var rendezvous: [Announcement]

    public struct Announcement: Sendable, Hashable {
        public var name: String
        public var infoHash: NodeID
        public var accepted: Int
    }
}

/// A description found on the DHT whose proof verified and whose keys match.
public struct ResolvedDescription: Sendable, Hashable {
    public var did: String
    /// The local id of a further description of the DID (salt `lmos-td:<local id>`); `nil` for its default one.
    public var localID: String?
    public var document: JSONValue
    public var sequenceNumber: Int64
    public var pointerTarget: NodeID
    /// The pointer lookup's measurements.
    public var statistics: LookupStatistics
}

extension DHTItem {
    /// A mutable item signed with `key` (BEP 44).
    public static func signed(
        value: [UInt8], key: Ed25519KeyPair, salt: [UInt8], sequenceNumber: Int64
    ) throws(DHTError) -> DHTItem {
        let signature: [UInt8]
        do {
            signature = try key.sign(BEP44.signedBuffer(salt: salt, sequenceNumber: sequenceNumber, value: value))
        } catch {
            throw .invalidInput("cannot sign: \(error)")
        }
        return DHTItem(value: value, key: key.publicKey, signature: signature, sequenceNumber: sequenceNumber, salt: salt)
    }
}

extension DHTNode {
    /// Publishes a signed description (PROTOCOL.md 5): its JCS bytes as immutable chunks (or inline), a pointer
    /// signed with `key` under salt `lmos-td` (or `lmos-td:<localID>`), and, unless this node is read-only,
    /// `announce_peer` on each capability's and type's rendezvous so that `find` reaches this node, which then
    /// answers `lmos_who`. The description must carry a proof made with `key` (did:key, or a did:web whose
    /// document lists this key). Re-published every `republishInterval` while the node runs.
    public func publish(
        _ description: JSONValue, key: Ed25519KeyPair, localID: String? = nil, announce: Bool = true
    ) async throws(DHTError) -> PublishReport {
        guard DescriptionPointer.salt(localID: localID).count <= BEP44.maximumSaltSize else {
            throw .invalidInput("the local id makes a salt longer than \(BEP44.maximumSaltSize) bytes")
        }
        let did = try Self.checkSignedBy(description, key: key)
        let now = DHTNode.now()
        // Kept (and so re-published) even if this first write fails: the network may be back within the hour.
        published[PublishedDescription.slot(did: did, localID: localID)] = PublishedDescription(
            did: did, document: description, key: key, localID: localID, publishedAt: now, announcedAt: now,
            announce: announce)
        return try await write(description, key: key, did: did, localID: localID, announce: announce)
    }

    /// Stops re-publishing a DID's descriptions and answering it in `lmos_who` (the items expire on their own).
    public func unpublish(_ did: String) {
        published = published.filter { $0.value.did != did }
    }

    func republish(_ slot: String) async throws(DHTError) {
        guard var record = published[slot] else { return }
        record.publishedAt = DHTNode.now()
        record.announcedAt = record.publishedAt
        published[slot] = record
        _ = try await write(
            record.document, key: record.key, did: record.did, localID: record.localID, announce: record.announce)
    }

    func reannounce(_ slot: String) async {
        guard var record = published[slot] else { return }
        record.announcedAt = DHTNode.now()
        published[slot] = record
        for (_, infoHash) in Self.rendezvous(of: record.document) { await announce(infoHash) }
    }

    private func write(
        _ description: JSONValue, key: Ed25519KeyPair, did: String, localID: String?, announce: Bool
    ) async throws(DHTError) -> PublishReport {
        let bytes: [UInt8]
        do {
            bytes = try description.canonicalJSON()
        } catch {
            throw .invalidInput("the description cannot be canonicalized: \(error)")
        }
        let (pointer, chunks) = DescriptionPointer.make(document: bytes)
        if case .chunks(let targets, _, _, _) = pointer, targets.count > DescriptionPointer.maximumChunks {
            throw .invalidInput(
                "the description has \(bytes.count) bytes; at most \(DescriptionPointer.maximumChunks * DescriptionPointer.chunkSize) fit a DHT record")
        }
        // Chunks first, so that a reader who sees the new pointer finds them.
        var chunksStored: [Int] = []
        for chunk in chunks {
            let report = try await put(DHTItem(value: chunk))
            chunksStored.append(report.stored)
        }
        let salt = DescriptionPointer.salt(localID: localID)
        let value = pointer.bencoded
        let current = await getMutable(key: key.publicKey, salt: salt).item
        var sequence = Int64(Date().timeIntervalSince1970)
        if let current, let currentSequence = current.sequenceNumber {
            sequence = current.value == value ? currentSequence : max(sequence, currentSequence + 1)
        }
        let item = try DHTItem.signed(value: value, key: key, salt: salt, sequenceNumber: sequence)
        let pointerReport = try await put(item)
        guard pointerReport.stored > 0 else {
            throw .refused(pointerReport.refusals.first ?? .generic("no node stored the pointer"))
        }
        var announcements: [PublishReport.Announcement] = []
        if announce && !configuration.readOnly {
            for (name, infoHash) in Self.rendezvous(of: description) {
                announcements.append(.init(name: name, infoHash: infoHash, accepted: await self.announce(infoHash)))
            }
        }
        return PublishReport(
            did: did, pointerTarget: item.target, sequenceNumber: sequence, pointerStored: pointerReport.stored,
            chunkTargets: chunks.map { BEP44.immutableTarget(value: $0) }, chunksStored: chunksStored,
            rendezvous: announcements)
    }

    /// Resolves a DID to its description (PROTOCOL.md 5): the DID's Ed25519 keys (did:key, or did:web's
    /// document), the pointer item under each key, its chunks, then the description's proof, which must name this
    /// DID and the key the pointer was signed with.
    public func resolve(
        _ did: String, localID: String? = nil, resolver: some DIDResolver = StandardDIDResolver()
    ) async throws(DHTError) -> ResolvedDescription {
        let didDocument: DIDDocument
        do {
            didDocument = try await resolver.resolve(did)
        } catch {
            throw .invalidInput("cannot resolve \(did): \(error)")
        }
        let keys = didDocument.verificationMethods.compactMap { try? $0.ed25519PublicKey() }
        guard !keys.isEmpty else { throw .invalidInput("\(did) lists no Ed25519 key") }
        let salt = DescriptionPointer.salt(localID: localID)
        var failures: [String] = []
        for key in keys {
            // The chunks named by the first valid pointer are fetched while the lookup still looks for a newer one;
            // almost always it is the one the lookup ends with.
            let (pointers, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingOldest(1))
            let early = Task { () -> (pointer: [UInt8], result: Result<JSONValue, DHTError>)? in
                for await pointer in pointers { return (pointer, await self.fetchDescriptionResult(pointer)) }
                return nil
            }
            let firstPointer = FirstValue()
            let (item, statistics) = await getMutable(key: key, salt: salt) { item in
                firstPointer.set(item.value)
                continuation.yield(item.value)
            }
            continuation.finish()
            guard let item, let sequence = item.sequenceNumber else {
                early.cancel()
                failures.append("no record under key \(hexString(key.prefix(4)))...")
                continue
            }
            do {
                let document: JSONValue
                if firstPointer.value == item.value, let prefetched = await early.value {
                    document = try prefetched.result.get()
                } else {
                    early.cancel()
                    document = try await fetchDescription(pointer: DescriptionPointer(bencoded: item.value))
                }
                try Self.verify(document, did: did, key: key, didDocument: didDocument)
                return ResolvedDescription(
                    did: did, localID: localID, document: document, sequenceNumber: sequence, pointerTarget: item.target,
                    statistics: statistics)
            } catch {
                failures.append(error.description)
            }
        }
        throw failures.allSatisfy({ $0.hasPrefix("no record") })
            ? .notFound("\(did): \(failures.joined(separator: "; "))")
            : .verification("\(did): \(failures.joined(separator: "; "))")
    }

    func fetchDescriptionResult(_ pointerValue: [UInt8]) async -> Result<JSONValue, DHTError> {
        do {
            return .success(try await fetchDescription(pointer: DescriptionPointer(bencoded: pointerValue)))
        } catch {
            return .failure(error)
        }
    }

    private func fetchDescription(pointer: DescriptionPointer) async throws(DHTError) -> JSONValue {
        var chunkValues: [[UInt8]] = []
        if case .chunks(let targets, _, _, _) = pointer {
            var fetched: [Int: [UInt8]] = [:]
            await withTaskGroup(of: (Int, [UInt8]?).self) { group in
                // At most 8 chunk lookups at a time.
                var next = 0
                func addNext() {
                    guard next < targets.count else { return }
                    let (index, target) = (next, targets[next])
                    group.addTask { (index, await self.getImmutable(target).value) }
                    next += 1
                }
                for _ in 0..<8 { addNext() }
                for await (index, value) in group {
                    fetched[index] = value
                    addNext()
                }
            }
            for index in targets.indices {
                guard let value = fetched[index] else { throw .notFound("chunk \(index) (\(targets[index]))") }
                chunkValues.append(value)
            }
        }
        let bytes = try pointer.assemble(chunkValues: chunkValues)
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw .badRecord("the description is not JSON: \(error)")
        }
    }

    /// Descriptions announced under a capability: `get_peers` on its rendezvous, `lmos_who` to each peer, then
    /// each DID resolved and verified; only descriptions that really list the capability are returned.
    public func find(
        capability: String, resolver: some DIDResolver = StandardDIDResolver()
    ) async -> [ResolvedDescription] {
        await find(rendezvous: Rendezvous.capability(capability), resolver: resolver) { document in
            Self.capabilities(of: document).contains(capability)
        }
    }

    /// Descriptions announced under a type (`Agent`, `Tool`).
    public func find(type: String, resolver: some DIDResolver = StandardDIDResolver()) async -> [ResolvedDescription] {
        await find(rendezvous: Rendezvous.type(type), resolver: resolver) { document in
            Self.types(of: document).contains(type)
        }
    }

    private func find(
        rendezvous: NodeID, resolver: some DIDResolver, matches: @escaping @Sendable (JSONValue) -> Bool
    ) async -> [ResolvedDescription] {
        let peers = await getPeers(rendezvous)
        var records: Set<AnnouncedRecord> = []
        await withTaskGroup(of: [(did: String, localID: String?)].self) { group in
            for peer in peers.prefix(64) { group.addTask { await self.who(peer) } }
            for await list in group {
                for entry in list.prefix(32) { records.insert(AnnouncedRecord(did: entry.did, localID: entry.localID ?? "")) }
            }
        }
        var found: [ResolvedDescription] = []
        // Records come from other nodes' answers: only well-formed did:key and did:web DIDs and salts that fit,
        // at most 128, resolved 8 at a time.
        let candidates = records.filter { record in
            record.did.utf8.count <= 512 && (record.did.hasPrefix("did:key:z") || record.did.hasPrefix("did:web:"))
                && DescriptionPointer.salt(localID: record.localID).count <= BEP44.maximumSaltSize
        }.sorted().prefix(128)
        await withTaskGroup(of: ResolvedDescription?.self) { group in
            var pending = candidates.makeIterator()
            func addNext() {
                guard let record = pending.next() else { return }
                group.addTask {
                    try? await self.resolve(
                        record.did, localID: record.localID.isEmpty ? nil : record.localID, resolver: resolver)
                }
            }
            for _ in 0..<8 { addNext() }
            for await resolved in group {
                if let resolved, matches(resolved.document) { found.append(resolved) }
                addNext()
            }
        }
        return found.sorted { ($0.did, $0.document["id"]?.stringValue ?? "") < ($1.did, $1.document["id"]?.stringValue ?? "") }
    }

    // MARK: Description facts

    /// The DID of the description's proof, which must be made with `key`.
    static func checkSignedBy(_ description: JSONValue, key: Ed25519KeyPair) throws(DHTError) -> String {
        guard let method = description["proof"]?["verificationMethod"]?.stringValue ?? description["proof"]?[0]?["verificationMethod"]?.stringValue else {
            throw .invalidInput("the description is not signed (no proof); sign it first (lmos sign)")
        }
        let did = String(method.prefix { $0 != "#" })
        let document: DIDDocument =
            did.hasPrefix("did:key:") ? key.didKey.document : DIDDocument.agent(did: did, key: key)
        do {
            _ = try EddsaJcs2022.verify(description, didDocument: document)
        } catch {
            throw .verification("the description's proof was not made with this key: \(error)")
        }
        return did
    }

    static func verify(_ document: JSONValue, did: String, key: [UInt8], didDocument: DIDDocument) throws(DHTError) {
        let verified: VerifiedSignature
        do {
            verified = try EddsaJcs2022.verify(document, didDocument: didDocument)
        } catch {
            throw .verification("the description's proof: \(error)")
        }
        guard verified.did == did else { throw .verification("the description is signed by \(verified.did)") }
        guard let method = didDocument.verificationMethod(verified.verificationMethod),
            let proofKey = try? method.ed25519PublicKey(), proofKey == key
        else {
            throw .verification("the description was signed with another key than its DHT record")
        }
    }

    /// `lmos:capabilities[].id`.
    static func capabilities(of document: JSONValue) -> [String] {
        (document["lmos:capabilities"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }

    /// `Agent` / `Tool` from `@type`.
    static func types(of document: JSONValue) -> [String] {
        let types: [JSONValue] = document["@type"]?.arrayValue ?? [document["@type"]].compactMap { $0 }
        return types.compactMap { $0.stringValue }.compactMap { type in
            switch type {
            case "lmos:Agent", "https://eclipse.dev/lmos/protocol/v1Agent", "Agent": "Agent"
            case "lmos:Tool", "https://eclipse.dev/lmos/protocol/v1Tool", "Tool": "Tool"
            default: nil
            }
        }
    }

    /// The rendezvous a description is announced under.
    static func rendezvous(of document: JSONValue) -> [(String, NodeID)] {
        capabilities(of: document).map { ("lmos:capability:" + $0, Rendezvous.capability($0)) }
            + types(of: document).map { ("lmos:type:" + $0, Rendezvous.type($0)) }
    }
}
