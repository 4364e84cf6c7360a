import LMOSCore
import Testing
@testable import LMOSDirectory

@Suite("LMOS search")
struct SearchTests {
    func populated(_ kind: StoreKind) async throws -> TestDirectory {
        let test = try await TestDirectory(kind)
        try await test.directory.put(id: "urn:weather", document: Fixture.agent(
            id: "urn:weather", title: "Weather Agent", description: "Forecasts for Europe",
            capabilities: [("urn:acme:capability:weather", "weather forecast")]))
        try await test.directory.put(id: "urn:billing", document: Fixture.agent(
            id: "urn:billing", title: "Billing Agent", capabilities: [("urn:acme:capability:billing:view", "invoice")]))
        try await test.directory.put(id: "urn:calc", document: Fixture.agent(
            id: "urn:calc", title: "Calculator", type: "lmos:Tool"))
        return test
    }

    @Test("type, capability and words combine with AND", arguments: StoreKind.allCases)
    func criteria(kind: StoreKind) async throws {
        let test = try await populated(kind)
        func ids(_ query: DescriptionQuery) async throws -> [String] { try await test.directory.search(query).items.map(\.id) }
        #expect(try await ids(DescriptionQuery(type: "Agent")) == ["urn:billing", "urn:weather"])
        #expect(try await ids(DescriptionQuery(type: "tool")) == ["urn:calc"])
        #expect(try await ids(DescriptionQuery(type: "lmos:Tool")) == ["urn:calc"])
        #expect(try await ids(DescriptionQuery(capability: "urn:acme:capability:weather")) == ["urn:weather"])
        #expect(try await ids(DescriptionQuery(text: "FORECAST")) == ["urn:weather"])
        #expect(try await ids(DescriptionQuery(text: "weath europe")) == ["urn:weather"])
        #expect(try await ids(DescriptionQuery(text: "invoice")) == ["urn:billing"])
        #expect(try await ids(DescriptionQuery(text: "Berlin")).count == 2)
        #expect(try await ids(DescriptionQuery(type: "Tool", text: "weather")) == [])
        #expect(try await ids(DescriptionQuery(text: "agent")) == ["urn:billing", "urn:weather"])
        #expect(try await ids(DescriptionQuery(text: "\"quotes\" AND OR * ^ NEAR(")) == [])
        #expect(try await ids(DescriptionQuery()) == ["urn:billing", "urn:calc", "urn:weather"])
        let page = try await test.directory.search(DescriptionQuery(), PageRequest(offset: 1, limit: 1))
        #expect(page.items.map(\.id) == ["urn:calc"])
        #expect(page.hasMore)
    }

    @Test("replacing and deleting update the index", arguments: StoreKind.allCases)
    func indexFollowsChanges(kind: StoreKind) async throws {
        let test = try await populated(kind)
        try await test.directory.put(id: "urn:weather", document: Fixture.agent(id: "urn:weather", title: "Storm Agent"))
        #expect(try await test.directory.search(DescriptionQuery(text: "forecast")).items.isEmpty)
        #expect(try await test.directory.search(DescriptionQuery(capability: "urn:acme:capability:weather")).items.isEmpty)
        #expect(try await test.directory.search(DescriptionQuery(text: "storm")).items.map(\.id) == ["urn:weather"])
        try await test.directory.delete(id: "urn:weather")
        #expect(try await test.directory.search(DescriptionQuery(text: "storm")).items.isEmpty)
    }
}
