import Foundation
import LMOSCore
import LMOSDescription
import Testing
@testable import LMOSDirectory

@Suite("ThingDirectory operations on every store")
struct ThingDirectoryTests {
    @Test("PUT creates, a second PUT replaces and keeps created", arguments: StoreKind.allCases)
    func createThenReplace(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        #expect(try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent()) == .created)
        let first = try #require(try await test.directory.description(id: "urn:example:agent:weather")).object
        test.clock.advance(seconds: 5)
        #expect(try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent(title: "Weather 2")) == .replaced)
        let second = try #require(try await test.directory.description(id: "urn:example:agent:weather")).object
        #expect(second["title"] == "Weather 2")
        #expect(second["registration"]?["created"] == first["registration"]?["created"])
        #expect(second["registration"]?["modified"] != first["registration"]?["modified"])
        #expect(second["registration"]?["retrieved"] != nil)
        let context = try #require(second["@context"]?.arrayValue)
        #expect(context.last == .string(Vocabulary.discoveryContext))
        #expect(context.filter { $0 == .string(Vocabulary.discoveryContext) }.count == 1)
        #expect(second.keys.last == "registration")
    }

    @Test("the id in the document must match the id it is registered under", arguments: StoreKind.allCases)
    func idMismatch(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        let error = await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:other", document: Fixture.agent())
        }
        guard case .invalid(let errors)? = error else { Issue.record("expected invalid, got \(String(describing: error))"); return }
        #expect(errors.first?.field == "/id")
        #expect(try await test.directory.description(id: "urn:example:other") == nil)
    }

    @Test("an invalid description is refused with field paths and nothing is stored", arguments: StoreKind.allCases)
    func invalidDescription(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        var object = try #require(Fixture.agent().objectValue)
        object["security"] = "missing_sc"
        let error = await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:agent:weather", document: .object(object))
        }
        guard case .invalid(let errors)? = error else { Issue.record("expected invalid"); return }
        #expect(errors.contains { $0.field.hasPrefix("/security") })
        #expect(try await test.directory.list().total == 0)
        #expect(try await test.directory.collectionVersion() == 0)
    }

    @Test("anonymous descriptions get a urn:uuid v4 id, shown as id, and can be replaced without an id", arguments: StoreKind.allCases)
    func anonymous(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        let id = try await test.directory.createAnonymous(document: Fixture.agent(id: nil))
        #expect(id.hasPrefix("urn:uuid:"))
        let uuid = id.dropFirst("urn:uuid:".count)
        #expect(uuid.count == 36)
        #expect(Array(uuid)[14] == "4")
        #expect(["8", "9", "a", "b"].contains(Array(uuid)[19]))
        let stored = try #require(try await test.directory.description(id: id)).object
        #expect(stored["id"] == .string(id))
        #expect(try await test.directory.put(id: id, document: Fixture.agent(id: nil, title: "Renamed")) == .replaced)
        #expect(try await test.directory.description(id: id)?.object["title"] == "Renamed")
        await #expect(throws: DirectoryError.self) {
            try await test.directory.createAnonymous(document: Fixture.agent(id: "urn:example:has-id"))
        }
        await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:new", document: Fixture.agent(id: nil))
        }
    }

    @Test("merge patch changes, adds and removes members; it cannot change the id", arguments: StoreKind.allCases)
    func patch(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent(description: "Old"))
        try await test.directory.patch(
            id: "urn:example:agent:weather", patch: ["title": "New", "description": nil, "support": "mailto:ops@example.com"])
        let patched = try #require(try await test.directory.description(id: "urn:example:agent:weather")).object
        #expect(patched["title"] == "New")
        #expect(patched["description"] == nil)
        #expect(patched["support"] == "mailto:ops@example.com")
        await #expect(throws: DirectoryError.self) {
            try await test.directory.patch(id: "urn:example:agent:weather", patch: ["id": "urn:example:moved"])
        }
        await #expect(throws: DirectoryError.notFound("urn:example:none")) {
            try await test.directory.patch(id: "urn:example:none", patch: ["title": "x"])
        }
        // A patch that breaks the description is refused and changes nothing.
        await #expect(throws: DirectoryError.self) {
            try await test.directory.patch(id: "urn:example:agent:weather", patch: ["securityDefinitions": nil])
        }
        #expect(try await test.directory.description(id: "urn:example:agent:weather")?.object["securityDefinitions"] != nil)
    }

    @Test("delete removes; deleting again is not found", arguments: StoreKind.allCases)
    func delete(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent())
        try await test.directory.delete(id: "urn:example:agent:weather")
        #expect(try await test.directory.description(id: "urn:example:agent:weather") == nil)
        await #expect(throws: DirectoryError.notFound("urn:example:agent:weather")) {
            try await test.directory.delete(id: "urn:example:agent:weather")
        }
    }

    @Test("listing is in Unicode code point order of ids, with offset and limit", arguments: StoreKind.allCases)
    func listingOrder(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        // Code point order: "Z" (5A) < "a" (61) < "é" (E9) < "ﬀ" (FB00) < "𝒜" (1D49C); Swift's String < differs for
        // some of these, and UTF-16 order would put 𝒜 (a surrogate pair) before ﬀ.
        let ids = ["urn:x:𝒜", "urn:x:é", "urn:x:a", "urn:x:Z", "urn:x:ﬀ"]
        for id in ids { try await test.directory.put(id: id, document: Fixture.agent(id: id)) }
        let expected = ["urn:x:Z", "urn:x:a", "urn:x:é", "urn:x:ﬀ", "urn:x:𝒜"]
        let (all, total) = try await test.directory.list()
        #expect(total == 5)
        #expect(all.map(\.id) == expected)
        let page = try await test.directory.list(PageRequest(offset: 1, limit: 2))
        #expect(page.items.map(\.id) == Array(expected[1...2]))
        #expect(page.total == 5)
        var streamed: [String] = []
        var last: String?
        while true {
            let batch = try await test.directory.list(after: last, limit: 2)
            if batch.isEmpty { break }
            streamed += batch.map(\.id)
            last = batch.last?.id
        }
        #expect(streamed == expected)
        await #expect(throws: DirectoryError.self) { _ = try await test.directory.list(PageRequest(offset: -1)) }
        await #expect(throws: DirectoryError.self) { _ = try await test.directory.list(PageRequest(limit: 0)) }
    }
}
