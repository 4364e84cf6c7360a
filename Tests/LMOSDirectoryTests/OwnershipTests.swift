import DirectoryStoreSQLite
import Foundation
import LMOSCore
import LMOSIdentity
import LMOSTestSupport
import Testing
@testable import LMOSDirectory

@Suite("Signed descriptions and ownership (PROTOCOL.md 3)")
struct OwnershipTests {
    let owner = Ed25519KeyPair()
    let stranger = Ed25519KeyPair()

    func signed(_ document: JSONValue, by key: Ed25519KeyPair) throws -> JSONValue {
        try EddsaJcs2022.sign(document, with: key)
    }

    @Test("a signed description belongs to its signer; only the signer may replace it", arguments: StoreKind.allCases)
    func replaceNeedsOwner(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        let id = "urn:example:agent:weather"
        #expect(try await test.directory.put(id: id, document: signed(Fixture.agent(), by: owner)) == .created)
        await #expect(throws: DirectoryError.self) { try await test.directory.put(id: id, document: Fixture.agent(title: "Hijacked")) }
        let error = await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: id, document: signed(Fixture.agent(title: "Hijacked"), by: stranger))
        }
        guard case .forbidden(let reason)? = error else { Issue.record("expected forbidden, got \(String(describing: error))"); return }
        #expect(reason.contains(owner.didKey.did))
        #expect(try await test.directory.put(id: id, document: signed(Fixture.agent(title: "Mine"), by: owner)) == .replaced)
        #expect(try await test.directory.description(id: id)?.object["title"] == "Mine")
        await #expect(throws: DirectoryError.self) { try await test.directory.delete(id: id) }
        await #expect(throws: DirectoryError.self) { try await test.directory.delete(id: id, requester: .subject(stranger.didKey.did)) }
        try await test.directory.delete(id: id, requester: .subject(owner.didKey.did))
        #expect(try await test.directory.description(id: id) == nil)
    }

    @Test("a tampered description is refused with the proof's problem", arguments: StoreKind.allCases)
    func tampered(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        guard case .object(var object) = try signed(Fixture.agent(), by: owner) else { Issue.record("not an object"); return }
        object["title"] = "Changed after signing"
        let error = await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:agent:weather", document: .object(object))
        }
        guard case .invalidProof(let reason)? = error else { Issue.record("expected invalidProof, got \(String(describing: error))"); return }
        #expect(reason.contains("changed"))
    }

    @Test("the stored, enriched description still verifies", arguments: StoreKind.allCases)
    func enrichedStillVerifies(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        try await test.directory.put(id: "urn:example:agent:weather", document: signed(Fixture.agent(registration: ["ttl": 60]), by: owner))
        let stored = try #require(try await test.directory.description(id: "urn:example:agent:weather")).value()
        let verified = try await EddsaJcs2022.verify(stored, resolver: StandardDIDResolver())
        #expect(verified.did == owner.didKey.did)
    }

    @Test("patching a signed description needs a new proof from the owner", arguments: StoreKind.allCases)
    func patchSigned(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        try await test.directory.put(id: "urn:example:agent:weather", document: signed(Fixture.agent(), by: owner))
        // The old proof no longer matches the patched document.
        await #expect(throws: DirectoryError.self) {
            try await test.directory.patch(id: "urn:example:agent:weather", patch: ["title": "Patched"])
        }
        let resigned = try signed(Fixture.agent(title: "Patched"), by: owner)
        try await test.directory.patch(id: "urn:example:agent:weather", patch: ["title": "Patched", "proof": resigned["proof"] ?? .null])
        #expect(try await test.directory.description(id: "urn:example:agent:weather")?.object["title"] == "Patched")
    }

    @Test("without a proof, a registration belongs to the authenticated subject that made it")
    func subjectOwns() async throws {
        let test = try await TestDirectory(.memory)
        try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent(), requester: .subject("alice"))
        await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent(title: "Bob's"), requester: .subject("bob"))
        }
        await #expect(throws: DirectoryError.self) { try await test.directory.delete(id: "urn:example:agent:weather") }
        try await test.directory.delete(id: "urn:example:agent:weather", requester: .subject("alice"))
        let anonymous = try await test.directory.createAnonymous(document: Fixture.agent(id: nil), requester: .subject("alice"))
        await #expect(throws: DirectoryError.self) { try await test.directory.delete(id: anonymous) }
    }

    @Test("an authenticated subject cannot take over a description without owner; an administrator's belong to it")
    func noTakeover() async throws {
        let test = try await TestDirectory(.memory)
        // Registered without credentials (before authentication was turned on).
        try await test.directory.put(id: "urn:example:agent:old", document: Fixture.agent(id: "urn:example:agent:old"))
        await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:agent:old", document: Fixture.agent(id: "urn:example:agent:old", title: "Mine"), requester: .subject("bob"))
        }
        await #expect(throws: DirectoryError.self) { try await test.directory.delete(id: "urn:example:agent:old", requester: .subject("bob")) }
        #expect(try await test.directory.description(id: "urn:example:agent:old")?.object["title"] == "Weather Agent")
        try await test.directory.put(id: "urn:example:agent:old", document: Fixture.agent(id: "urn:example:agent:old", title: "Adopted"), requester: .administrator(subject: "root"))
        await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:agent:old", document: Fixture.agent(id: "urn:example:agent:old"), requester: .subject("bob"))
        }
        try await test.directory.delete(id: "urn:example:agent:old", requester: .administrator(subject: "other admin"))
        let made = try await test.directory.createAnonymous(document: Fixture.agent(id: nil), requester: .administrator(subject: "root"))
        await #expect(throws: DirectoryError.self) { try await test.directory.delete(id: made, requester: .subject("bob")) }
        try await test.directory.delete(id: made, requester: .subject("root"))
    }

    @Test("an administrator may change any description")
    func administrator() async throws {
        let test = try await TestDirectory(.memory)
        try await test.directory.put(id: "urn:example:agent:weather", document: signed(Fixture.agent(), by: owner))
        try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent(title: "Admin"), requester: .administrator(subject: "root"))
        try await test.directory.delete(id: "urn:example:agent:weather", requester: .administrator(subject: "root"))
    }
}

@Suite("SQLite store durability")
struct SQLiteDurabilityTests {
    @Test("descriptions, registration info and events survive reopening the file")
    func reopen() async throws {
        let first = try await TestDirectory(.sqlite)
        try await first.directory.put(id: "urn:a", document: Fixture.agent(id: "urn:a", capabilities: [("urn:cap:x", "thing")], registration: ["ttl": 3600]))
        let anonymous = try await first.directory.createAnonymous(document: Fixture.agent(id: nil, title: "Anon"))
        let before = try #require(try await first.directory.description(id: "urn:a")).object
        await first.directory.shutdown()

        let second = try await TestDirectory(.sqlite, folder: first.folder)
        let after = try #require(try await second.directory.description(id: "urn:a")).object
        #expect(after["registration"]?["created"] == before["registration"]?["created"])
        #expect(after["registration"]?["expires"] == before["registration"]?["expires"])
        #expect(try await second.directory.search(DescriptionQuery(capability: "urn:cap:x")).items.map(\.id) == ["urn:a"])
        #expect(try await second.directory.description(id: anonymous)?.object["title"] == "Anon")
        #expect(try await second.directory.collectionVersion() == 2)
        try await second.directory.put(id: "urn:b", document: Fixture.agent(id: "urn:b"))
        #expect(try await second.directory.store.events(after: 0, limit: 10).map(\.id) == [1, 2, 3])
        // The anonymous one is still anonymous: it can be replaced without an id.
        try await second.directory.put(id: anonymous, document: Fixture.agent(id: nil, title: "Anon 2"))
        try await second.directory.store.trimEvents(keepingLast: 1)
        #expect(try await second.directory.store.events(after: 0, limit: 10).map(\.id) == [4])
        await second.directory.shutdown()
    }

    @Test("a file that is not a directory database is refused with a reason")
    func notADatabase() async throws {
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-directory-junk")
        let path = folder.appendingPathComponent("junk.sqlite").path
        let junk = String(repeating: "this is not an SQLite database. ", count: 64)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(junk.utf8)))
        await #expect(throws: DirectoryError.self) { _ = try await SQLiteDescriptionStore.open(path: path) }
    }
}
