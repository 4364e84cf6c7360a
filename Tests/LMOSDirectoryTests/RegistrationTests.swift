import LMOSCore
import Testing
@testable import LMOSDirectory

@Suite("Registration information and expiry")
struct RegistrationTests {
    @Test("ttl computes expires from now; client created/modified/expires are ignored", arguments: StoreKind.allCases)
    func ttl(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        let registration: JSONValue = [
            "ttl": 60, "expires": "2000-01-01T00:00:00Z", "created": "2001-01-01T00:00:00Z", "modified": "2001-01-01T00:00:00Z",
        ]
        try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent(registration: registration))
        let stored = try #require(try await test.directory.description(id: "urn:example:agent:weather")).object
        let now = test.clock.time
        #expect(stored["registration"]?["created"] == .string(now.rfc3339))
        #expect(stored["registration"]?["modified"] == .string(now.rfc3339))
        #expect(stored["registration"]?["expires"] == .string(now.adding(seconds: 60).rfc3339))
        #expect(stored["registration"]?["ttl"] == 60)
    }

    @Test("expires alone is kept; in the past it is refused", arguments: StoreKind.allCases)
    func absoluteExpiry(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        let later = test.clock.time.adding(seconds: 3600)
        try await test.directory.put(
            id: "urn:example:agent:weather", document: Fixture.agent(registration: ["expires": .string(later.rfc3339)]))
        #expect(try await test.directory.description(id: "urn:example:agent:weather")?.object["registration"]?["expires"] == .string(later.rfc3339))
        let error = await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:b", document: Fixture.agent(id: "urn:example:b", registration: ["expires": "2000-01-01T00:00:00Z"]))
        }
        guard case .invalid(let errors)? = error else { Issue.record("expected invalid"); return }
        #expect(errors.map(\.field) == ["/registration/expires"])
    }

    static let badValues: [(JSONValue, String)] = [
        (["ttl": "60"], "/registration/ttl"), (["ttl": 0], "/registration/ttl"), (["ttl": -1], "/registration/ttl"),
        (["expires": "tomorrow"], "/registration/expires"), (["created": 5], "/registration/created"), ("soon", "/registration"),
    ]

    @Test("bad registration values name their field", arguments: badValues)
    func badRegistration(value: JSONValue, field: String) async throws {
        let test = try await TestDirectory(.memory)
        let error = await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent(registration: value))
        }
        guard case .invalid(let errors)? = error else { Issue.record("expected invalid"); return }
        #expect(errors.map(\.field) == [field])
    }

    @Test("the maximum TTL caps ttl and expires and applies to registrations without either", arguments: StoreKind.allCases)
    func maximumTTL(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind, configuration: DirectoryConfiguration(maximumTTL: 30))
        let now = test.clock.time
        try await test.directory.put(id: "urn:a", document: Fixture.agent(id: "urn:a", registration: ["ttl": 1000]))
        try await test.directory.put(id: "urn:b", document: Fixture.agent(id: "urn:b"))
        try await test.directory.put(
            id: "urn:c", document: Fixture.agent(id: "urn:c", registration: ["expires": .string(now.adding(seconds: 99_999).rfc3339)]))
        for id in ["urn:a", "urn:b", "urn:c"] {
            #expect(try await test.directory.description(id: id)?.object["registration"]?["expires"] == .string(now.adding(seconds: 30).rfc3339))
        }
    }

    @Test("expired registrations are hidden at once and purged with a thing_deleted event", arguments: StoreKind.allCases)
    func expiry(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        try await test.directory.put(id: "urn:short", document: Fixture.agent(id: "urn:short", registration: ["ttl": 10]))
        try await test.directory.put(id: "urn:long", document: Fixture.agent(id: "urn:long", registration: ["ttl": 100]))
        try await test.directory.put(id: "urn:forever", document: Fixture.agent(id: "urn:forever"))
        let before = try await test.directory.collectionVersion()
        test.clock.advance(seconds: 10)
        #expect(try await test.directory.description(id: "urn:short") == nil)
        #expect(try await test.directory.list().items.map(\.id) == ["urn:forever", "urn:long"])
        #expect(try await test.directory.list().total == 2)
        #expect(try await test.directory.search(DescriptionQuery(text: "weather")).items.count == 2)
        await #expect(throws: DirectoryError.notFound("urn:short")) { try await test.directory.delete(id: "urn:short") }
        #expect(try await test.directory.purgeExpired() == 1)
        #expect(try await test.directory.purgeExpired() == 0)
        let events = try await test.directory.store.events(after: before, limit: 10)
        #expect(events.map(\.type) == [.deleted])
        #expect(events.map(\.thingID) == ["urn:short"])
    }

    @Test("a patch renews a ttl registration from now", arguments: StoreKind.allCases)
    func patchRenews(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        try await test.directory.put(id: "urn:a", document: Fixture.agent(id: "urn:a", registration: ["ttl": 10]))
        test.clock.advance(seconds: 8)
        try await test.directory.patch(id: "urn:a", patch: ["title": "Renewed"])
        test.clock.advance(seconds: 8)
        let stored = try #require(try await test.directory.description(id: "urn:a")).object
        #expect(stored["registration"]?["ttl"] == 10)
        try await test.directory.patch(id: "urn:a", patch: ["registration": ["ttl": 500]])
        #expect(try await test.directory.description(id: "urn:a")?.object["registration"]?["ttl"] == 500)
    }
}

@Suite("Timestamp (RFC 3339)")
struct TimestampTests {
    @Test func formatsAndParses() throws {
        let time = Timestamp(millisecondsSince1970: 1_795_000_123_456)
        #expect(Timestamp(rfc3339: time.rfc3339) == time)
        #expect(Timestamp(millisecondsSince1970: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(rfc3339: "2026-11-22T15:07:32+02:00")?.rfc3339 == "2026-11-22T13:07:32Z")
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00.5Z")?.rfc3339 == "2024-02-29T00:00:00.500Z")
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.millisecondsSince1970 == -1000)
        for bad in ["2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-22", "2026-11-22T25:00:00Z", "2026-11-22T10:00:00",
                    "2026-11-22T10:00:00.Z", "x"] {
            #expect(Timestamp(rfc3339: bad) == nil, "\(bad)")
        }
    }
}
