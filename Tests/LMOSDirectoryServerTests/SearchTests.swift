import LMOSCore
import LMOSDescription
import Testing

/// WoT Discovery 7.3.2.3 (search): LMOS search at `/search/lmos` and JSONPath at `/search/jsonpath`; and the
/// directory's own description at `/.well-known/wot`.
@Suite("Search and the directory's description")
struct SearchTests {
    static let weather = Descriptions.agent(
        id: "urn:example:agent:weather", title: "Weather Agent", description: "Forecasts and warnings",
        capabilities: [
            Descriptions.capability(
                "urn:acme:capability:weather", name: "Forecast", description: "Daily forecasts for a city",
                examples: ["will it rain in Hamburg tomorrow?"])
        ])
    static let billing = Descriptions.agent(
        id: "urn:example:agent:billing", title: "Billing Agent", description: "Invoices and payments",
        capabilities: [
            Descriptions.capability("urn:acme:capability:billing:view", name: "View bills", examples: ["show my last invoice"]),
            Descriptions.capability("urn:acme:capability:weather", name: "Weather surcharge"),
        ])
    static let weatherTool = Descriptions.tool(
        id: "urn:example:tool:weather-api", title: "Weather API", description: "Raw station data",
        capabilities: [Descriptions.capability("urn:acme:capability:weather", name: "Station data")])
    static let größe = Descriptions.agent(
        id: "urn:example:agent:sizes", title: "Größentabelle", description: "Kleidergrößen umrechnen")

    static func start() async throws -> LiveDirectory {
        let directory = try await LiveDirectory.start()
        try await directory.register([weather, billing, weatherTool, größe])
        return directory
    }

    static func ids(_ directory: LiveDirectory, _ parameters: [(String, String)]) async throws -> [String] {
        let answer = try await directory.get(Paths.query("/search/lmos", parameters))
        #expect(answer.status == 200, "\(parameters): \(answer.text)")
        return try answer.json().arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test("tdd-search-large-tdds: the directory has a search API that serves the matching TDs")
    func searchAPI() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        let answer = try await directory.get("/search/lmos?capability=urn%3Aacme%3Acapability%3Aweather&type=Agent")
        #expect(answer.status == 200)
        #expect(answer.contentType == "application/ld+json")
        let results = try #require(try answer.json().arrayValue)
        // Whole Enriched TDs, in id order.
        #expect(results.map(Descriptions.withoutDirectoryAdditions) == [Self.billing, Self.weather])
        #expect(results.allSatisfy { Format.isRFC3339($0["registration"]?["retrieved"]?.stringValue) })
        // With nothing asked, everything.
        #expect(try await Self.ids(directory, []).count == 4)
    }

    @Test("LMOS search by type: Agent and Tool")
    func byType() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        #expect(try await Self.ids(directory, [("type", "Agent")]) == ["urn:example:agent:billing", "urn:example:agent:sizes", "urn:example:agent:weather"])
        #expect(try await Self.ids(directory, [("type", "Tool")]) == ["urn:example:tool:weather-api"])
        #expect(try await Self.ids(directory, [("type", "lmos:Tool")]) == ["urn:example:tool:weather-api"])
        #expect(try await Self.ids(directory, [("type", "tool")]) == ["urn:example:tool:weather-api"])
        #expect(try await Self.ids(directory, [("type", "Thing")]) == [])
        // An empty parameter is no criterion.
        #expect(try await Self.ids(directory, [("type", "")]).count == 4)
    }

    @Test("LMOS search by capability id")
    func byCapability() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        #expect(try await Self.ids(directory, [("capability", "urn:acme:capability:weather")]) == [
            "urn:example:agent:billing", "urn:example:agent:weather", "urn:example:tool:weather-api",
        ])
        #expect(try await Self.ids(directory, [("capability", "urn:acme:capability:billing:view")]) == ["urn:example:agent:billing"])
        // Whole ids, not prefixes.
        #expect(try await Self.ids(directory, [("capability", "urn:acme:capability:billing")]) == [])
        #expect(try await Self.ids(directory, [("capability", "urn:acme:capability:nothing")]) == [])
    }

    @Test("LMOS search by words: case-insensitive word prefixes in title, description and capabilities, all words required")
    func byWords() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        // A prefix of a title word.
        #expect(try await Self.ids(directory, [("q", "weath")]) == [
            "urn:example:agent:billing", "urn:example:agent:weather", "urn:example:tool:weather-api",
        ])
        #expect(try await Self.ids(directory, [("q", "WEATHER agent")]) == ["urn:example:agent:billing", "urn:example:agent:weather"])
        #expect(try await Self.ids(directory, [("q", "weather forecast")]) == ["urn:example:agent:weather"])
        // Description, capability name, capability description, example.
        #expect(try await Self.ids(directory, [("q", "warnings")]) == ["urn:example:agent:weather"])
        #expect(try await Self.ids(directory, [("q", "surcharge")]) == ["urn:example:agent:billing"])
        #expect(try await Self.ids(directory, [("q", "daily")]) == ["urn:example:agent:weather"])
        #expect(try await Self.ids(directory, [("q", "hamburg")]) == ["urn:example:agent:weather"])
        #expect(try await Self.ids(directory, [("q", "invoice")]) == ["urn:example:agent:billing"])
        // Words inside words do not match (prefixes only); every word must match.
        #expect(try await Self.ids(directory, [("q", "eather")]) == [])
        #expect(try await Self.ids(directory, [("q", "weather invoices")]) == ["urn:example:agent:billing"])
        #expect(try await Self.ids(directory, [("q", "weather zebra")]) == [])
        // Non-ASCII words, any case.
        #expect(try await Self.ids(directory, [("q", "grö")]) == ["urn:example:agent:sizes"])
        #expect(try await Self.ids(directory, [("q", "GRÖ")]) == ["urn:example:agent:sizes"])
        #expect(try await Self.ids(directory, [("q", "gro")]) == [])
        #expect(try await Self.ids(directory, [("q", "Größentabelle")]) == ["urn:example:agent:sizes"])
        // Punctuation separates words; a plus in the query is a space.
        #expect(try await Self.ids(directory, [("q", "rain, hamburg!")]) == ["urn:example:agent:weather"])
        #expect(try await directory.get("/search/lmos?q=weather+forecast").json().arrayValue?.count == 1)
    }

    @Test("LMOS search criteria combine with AND")
    func combined() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        let capability = ("capability", "urn:acme:capability:weather")
        #expect(try await Self.ids(directory, [("type", "Agent"), capability]) == ["urn:example:agent:billing", "urn:example:agent:weather"])
        #expect(try await Self.ids(directory, [("type", "Tool"), capability]) == ["urn:example:tool:weather-api"])
        #expect(try await Self.ids(directory, [("type", "Agent"), capability, ("q", "forecast")]) == ["urn:example:agent:weather"])
        #expect(try await Self.ids(directory, [("type", "Tool"), capability, ("q", "forecast")]) == [])
        #expect(try await Self.ids(directory, [("type", "Agent"), ("q", "station")]) == [])
        #expect(try await Self.ids(directory, [("type", "Tool"), ("q", "station")]) == ["urn:example:tool:weather-api"])
        #expect(try await Self.ids(directory, [capability, ("q", "bills")]) == ["urn:example:agent:billing"])
    }

    @Test("LMOS search pages with limit and offset, with next and canonical links")
    func paging() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        let capability = ("capability", "urn:acme:capability:weather")
        let first = try await directory.get(Paths.query("/search/lmos", [capability, ("limit", "2")]))
        #expect(try first.json().arrayValue?.compactMap { $0["id"]?.stringValue } == ["urn:example:agent:billing", "urn:example:agent:weather"])
        let next = try #require(first.link("next"))
        #expect(next.path == "/search/lmos")
        #expect(next.query == ["capability": "urn:acme:capability:weather", "offset": "2", "limit": "2"])
        let second = try await directory.get(next.target)
        #expect(try second.json().arrayValue?.compactMap { $0["id"]?.stringValue } == ["urn:example:tool:weather-api"])
        #expect(second.link("next") == nil)
        let canonical = try #require(first.link("canonical"))
        #expect(canonical.path == "/search/lmos")
        #expect(canonical.parameters["etag"]?.isEmpty == false)
        #expect(try await Self.ids(directory, [("type", "Agent"), ("offset", "1"), ("limit", "1")]) == ["urn:example:agent:sizes"])
        #expect(try await Self.ids(directory, [("offset", "10")]) == [])
        for query in ["limit=0", "offset=-1", "limit=abc"] {
            try expectProblem(try await directory.get("/search/lmos?" + query), status: 400)
        }
    }

    @Test("LMOS search follows changes: updated, deleted and expired descriptions")
    func followsChanges() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        #expect(try await directory.patch("urn:example:agent:billing", ["title": "Accounting Agent"]).status == 204)
        #expect(try await Self.ids(directory, [("q", "accounting")]) == ["urn:example:agent:billing"])
        #expect(try await Self.ids(directory, [("q", "billing")]) == [])
        #expect(try await directory.delete("urn:example:agent:weather").status == 204)
        #expect(try await Self.ids(directory, [("q", "hamburg")]) == [])
        #expect(try await Self.ids(directory, [("capability", "urn:acme:capability:weather")]) == [
            "urn:example:agent:billing", "urn:example:tool:weather-api",
        ])
    }

    @Test("JSONPath search: /search/jsonpath?query=... answers a JSON array of the selected values (waits for JSONPath)")
    func jsonPath() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        let answer = try await directory.get(Paths.query("/search/jsonpath", [("query", "$[?@.title=='Weather Agent'].id")]))
        #expect(answer.status == 200, "\(answer.text)")
        #expect(Format.essence(answer.contentType) == "application/json")
        #expect(try answer.json() == ["urn:example:agent:weather"])
        let tools = try await directory.get(Paths.query("/search/jsonpath", [("query", "$[?@['@type']=='lmos:Tool'].title")]))
        #expect(try tools.json() == ["Weather API"])
        let none = try await directory.get(Paths.query("/search/jsonpath", [("query", "$[?@.title=='Nobody'].id")]))
        #expect(try none.json() == [])
        // A query that is not JSONPath, and a missing query: 400 problems.
        try expectProblem(try await directory.get(Paths.query("/search/jsonpath", [("query", "$[?@.title==")])), status: 400)
        try expectProblem(try await directory.get("/search/jsonpath"), status: 400)
    }

    // MARK: - The directory's own description

    @Test("/.well-known/wot is a valid Thing Description of @type ThingDirectory with the API's forms")
    func directoryDescription() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let answer = try await directory.get("/.well-known/wot")
        #expect(answer.status == 200)
        #expect(answer.contentType == "application/td+json")
        let description = try answer.json()
        #expect(ThingDescription.validate(description).map { "\($0.field): \($0.description)" } == [])
        let types = description["@type"]?.arrayValue?.compactMap(\.stringValue) ?? [description["@type"]?.stringValue].compactMap { $0 }
        #expect(types.contains("ThingDirectory"))
        #expect(description["@context"]?.arrayValue?.contains(.string(Descriptions.discoveryContext)) == true)
        #expect(description["base"] == .string(directory.url))
        // The operations of the Thing Model ThingDirectory.
        #expect(description["properties"]?["things"]?["forms"]?[0]?["href"]?.stringValue?.hasPrefix("/things") == true)
        for action in ["createThing", "createAnonymousThing", "retrieveThing", "updateThing", "partiallyUpdateThing", "deleteThing", "searchJSONPath"] {
            #expect(description["actions"]?[action]?["forms"]?[0]?["href"] != nil, "\(action)")
        }
        #expect(description["actions"]?["partiallyUpdateThing"]?["forms"]?[0]?["contentType"] == "application/merge-patch+json")
        for event in ["thingCreated", "thingUpdated", "thingDeleted"] {
            #expect(description["events"]?[event]?["forms"]?[0]?["subprotocol"] == "sse", "\(event)")
        }
        // The root serves it too; as JSON or CBOR on request.
        #expect(try await directory.get("/").json() == description)
        #expect(try await directory.get("/.well-known/wot", accept: "application/json").contentType == "application/json")
        let cbor = try await directory.get("/.well-known/wot", accept: "application/cbor")
        #expect(cbor.contentType == "application/cbor")
        #expect(try JSONValue(cbor: cbor.body) == description)
    }

    @Test("the CLI finds what the server holds: lmos search --type Agent (table and JSON)")
    func searchCommand() async throws {
        let directory = try await Self.start()
        defer { directory.stop() }
        let table = try await CLI.run(["search", "--directory", directory.url, "--type", "Agent"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.output.contains("Weather Agent"))
        #expect(table.output.contains("Billing Agent"))
        #expect(!table.output.contains("Weather API"))
        #expect(table.output.hasPrefix("ID"))
        let json = try await CLI.run(["search", "--directory", directory.url, "--type", "Tool", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let results = try #require(try JSONValue(parsing: json.stdout).arrayValue)
        #expect(results.compactMap { $0["id"]?.stringValue } == ["urn:example:tool:weather-api"])
        let words = try await CLI.run(["search", "--directory", directory.url, "--query", "weath", "--capability", "urn:acme:capability:weather", "--format", "json"])
        #expect(try JSONValue(parsing: words.stdout).arrayValue?.count == 3)
        let nothing = try await CLI.run(["search", "--directory", directory.url, "--query", "zebra"])
        #expect(nothing.status == 0)
        #expect(nothing.output.contains("(no results)"))
    }
}
