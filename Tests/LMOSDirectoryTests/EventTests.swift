import LMOSCore
import Testing
@testable import LMOSDirectory

@Suite("Change events")
struct EventTests {
    @Test("events arrive in order with diffs; resuming replays exactly the missed ones", arguments: StoreKind.allCases)
    func lifecycle(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        let directory = test.directory
        var live = directory.events().makeAsyncIterator()
        try await directory.put(id: "urn:a", document: Fixture.agent(id: "urn:a"))
        try await directory.patch(id: "urn:a", patch: ["title": "Changed"])
        try await directory.delete(id: "urn:a")
        var received: [DirectoryEvent] = []
        for _ in 0..<3 { received.append(try #require(try await live.next())) }
        #expect(received.map(\.type) == [.created, .updated, .deleted])
        #expect(received.map(\.id) == [1, 2, 3])
        let created = try JSONValue(parsing: received[0].data(diff: true))
        #expect(created["title"] == "Weather Agent")
        #expect(created["registration"] != nil)
        let updated = try JSONValue(parsing: received[1].data(diff: true))
        #expect(updated["title"] == "Changed")
        #expect(updated["id"] == "urn:a")
        #expect(updated["@context"] == nil)
        #expect(try JSONValue(parsing: received[2].data(diff: true)) == ["id": "urn:a"])
        #expect(try JSONValue(parsing: received[1].data(diff: false)) == ["id": "urn:a"])

        var resumed = directory.events(after: 1).makeAsyncIterator()
        #expect(try await resumed.next()?.id == 2)
        #expect(try await resumed.next()?.id == 3)
        try await directory.put(id: "urn:b", document: Fixture.agent(id: "urn:b"))
        #expect(try await resumed.next()?.id == 4)

        var filtered = directory.events(after: 0, types: [.deleted]).makeAsyncIterator()
        #expect(try await filtered.next()?.id == 3)
    }

    @Test("concurrent writers produce a gap-free, ordered log that live subscribers see whole", arguments: StoreKind.allCases)
    func concurrentWrites(kind: StoreKind) async throws {
        let test = try await TestDirectory(kind)
        let directory = test.directory
        var live = directory.events().makeAsyncIterator()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let id = "urn:c:\(index % 10)"
                    try await directory.put(id: id, document: Fixture.agent(id: id, title: "T\(index)"))
                }
            }
            try await group.waitForAll()
        }
        var ids: [Int64] = []
        for _ in 0..<40 { ids.append(try #require(try await live.next()).id) }
        #expect(ids == Array(1...40))
        let logged = try await directory.store.events(after: 0, limit: 100)
        #expect(logged.map(\.id) == Array(1...40))
        #expect(logged.filter { $0.type == .created }.count == 10)
    }

    @Test("shutdown ends subscriptions")
    func shutdown() async throws {
        let test = try await TestDirectory(.memory)
        let stream = test.directory.events()
        await test.directory.shutdown()
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == nil)
        await #expect(throws: DirectoryError.self) {
            try await test.directory.put(id: "urn:example:agent:weather", document: Fixture.agent())
        }
    }
}
