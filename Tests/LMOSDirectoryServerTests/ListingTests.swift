import LMOSCore
import Testing

/// WoT Discovery 7.3.2.1.5: listing `/things`, pagination with `limit`/`offset` and `Link` headers, ordering, and
/// the `collection` payload.
@Suite("Things API: listing and pagination")
struct ListingTests {
    /// Ids that sort differently by Unicode code points than case-insensitively, by locale or by UTF-16 code units:
    /// `%` < digits < uppercase < `_` < lowercase < `~` < U+00C4 Ä < U+00E9 é < U+FB00 ﬀ < U+1F600 😀 (UTF-16 would
    /// put the surrogate pair of 😀 before U+FB00).
    static let unsortedIDs = [
        "urn:example:sort:b", "urn:example:sort:B", "urn:example:sort:~", "urn:example:sort:a", "urn:example:sort:_",
        "urn:example:sort:A", "urn:example:sort:%C3%A9", "urn:example:sort:Z", "urn:example:sort:10", "urn:example:sort:9",
        "urn:example:sort:aa", "urn:example:sort:a-", "urn:example:sort:é", "urn:example:sort:😀", "urn:example:sort:ﬀ",
        "urn:example:sort:Ä", "urn:example:sort:e", "urn:example:sort:E\u{301}",
    ]

    /// The ids in Unicode code point order, computed here independently of Swift's String ordering.
    static var codePointOrder: [String] {
        unsortedIDs.sorted { $0.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
    }

    static func start(count: Int) async throws -> (LiveDirectory, [String]) {
        let directory = try await LiveDirectory.start()
        let ids = (0..<count).map { "urn:example:page:\(String(format: "%02d", $0))" }
        try await directory.register(ids.reversed().map { Descriptions.agent(id: $0, title: "Page \($0)") })
        return (directory, ids)
    }

    static func ids(_ answer: HTTPAnswer) throws -> [String] {
        try answer.json().arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test("tdd-things-list-only: the API lists TDs")
    func listOnly() async throws {
        let (directory, ids) = try await Self.start(count: 3)
        defer { directory.stop() }
        let answer = try await directory.get("/things")
        #expect(answer.status == 200)
        #expect(try Self.ids(answer) == ids)
    }

    @Test("tdd-things-list-method: TDs are retrieved with GET /things")
    func listMethod() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        #expect(try await directory.get("/things").json() == [])
        let document = Descriptions.built(id: "urn:example:listed")
        try await directory.register([document])
        let listed = try await directory.get("/things").json().arrayValue ?? []
        #expect(listed.count == 1)
        #expect(listed.first.map(Descriptions.withoutDirectoryAdditions) == document)
        // Other methods on the collection are not allowed.
        let put = try await directory.send(.PUT, "/things", body: document.jsonBytes(), contentType: "application/td+json")
        try expectProblem(put, status: 405)
        #expect(put.header("Allow") == "GET, HEAD, POST")
        try expectProblem(try await directory.send(.DELETE, "/things"), status: 405)
    }

    @Test("tdd-things-list-resp: a listing answers 200 with an array of TDs")
    func listResponse() async throws {
        let (directory, ids) = try await Self.start(count: 4)
        defer { directory.stop() }
        let answer = try await directory.get("/things")
        #expect(answer.status == 200)
        let listed = try #require(try answer.json().arrayValue)
        #expect(listed.count == 4)
        for (description, id) in zip(listed, ids) {
            // Each is an Enriched TD: the whole description with registration information.
            #expect(description["id"] == .string(id))
            #expect(description["title"] == .string("Page \(id)"))
            #expect(description["securityDefinitions"] != nil)
            #expect(Format.isRFC3339(description["registration"]?["created"]?.stringValue))
        }
        // The same through the paged path.
        #expect(try Self.ids(await directory.get("/things?offset=0&limit=10")) == ids)
    }

    @Test("tdd-things-list-resp-content-type: a JSON listing is application/json or application/ld+json")
    func listResponseContentType() async throws {
        let (directory, _) = try await Self.start(count: 2)
        defer { directory.stop() }
        for path in ["/things", "/things?limit=1", "/things?format=collection", "/things?limit=1&format=collection"] {
            #expect(try await directory.get(path).contentType == "application/ld+json", "\(path)")
            #expect(try await directory.get(path, accept: "application/ld+json").contentType == "application/ld+json", "\(path)")
            #expect(try await directory.get(path, accept: "application/json").contentType == "application/json", "\(path)")
            _ = try await directory.get(path, accept: "application/json").json()
        }
    }

    @Test("tdd-things-list-pagination: the collection is returned in pages that together hold every TD once")
    func pagination() async throws {
        let (directory, ids) = try await Self.start(count: 7)
        defer { directory.stop() }
        var collected: [String] = []
        for offset in stride(from: 0, to: 7, by: 3) {
            let page = try await directory.get("/things?offset=\(offset)&limit=3")
            #expect(page.status == 200)
            collected += try Self.ids(page)
        }
        #expect(collected == ids)
        // Beyond the end: an empty page, no next.
        let beyond = try await directory.get("/things?offset=50&limit=3")
        #expect(try beyond.json() == [])
        #expect(beyond.link("next") == nil)
        // Bad arguments are problems.
        for query in ["limit=0", "limit=-1", "limit=x", "offset=-1", "offset=1.5", "format=xml"] {
            try expectProblem(try await directory.get("/things?" + query), status: 400)
        }
    }

    @Test("tdd-things-list-pagination-limit: with limit, a page holds at most that many TDs")
    func paginationLimit() async throws {
        let (directory, ids) = try await Self.start(count: 5)
        defer { directory.stop() }
        for limit in 1...6 {
            let page = try await directory.get("/things?limit=\(limit)")
            #expect(try Self.ids(page) == Array(ids.prefix(limit)), "limit \(limit)")
        }
        #expect(try Self.ids(await directory.get("/things?offset=3&limit=10")) == Array(ids[3...]))
        #expect(try Self.ids(await directory.get("/things?offset=2")) == Array(ids[2...]))
    }

    @Test("tdd-things-list-pagination-header-nextlink: a page with more after it has a next Link; following it gets the rest")
    func nextLink() async throws {
        let (directory, ids) = try await Self.start(count: 5)
        defer { directory.stop() }
        var path = "/things?limit=2"
        var collected: [String] = []
        var pages = 0
        while true {
            let page = try await directory.get(path)
            #expect(page.status == 200)
            collected += try Self.ids(page)
            pages += 1
            guard let next = page.link("next") else { break }
            #expect(pages < 10)
            path = next.target
        }
        #expect(pages == 3)
        #expect(collected == ids)
        // The last page has no next link; an unpaged listing neither.
        #expect(try await directory.get("/things?offset=4&limit=2").link("next") == nil)
        #expect(try await directory.get("/things").link("next") == nil)
        #expect(try await directory.get("/things?limit=5").link("next") == nil)
    }

    @Test("tdd-things-list-pagination-header-nextlink-attr: next carries the same limit and the offset of the next page")
    func nextLinkAttributes() async throws {
        let (directory, _) = try await Self.start(count: 7)
        defer { directory.stop() }
        let first = try #require(try await directory.get("/things?limit=3").link("next"))
        #expect(first.path == "/things")
        #expect(first.query["limit"] == "3")
        #expect(first.query["offset"] == "3")
        let second = try #require(try await directory.get(first.target).link("next"))
        #expect(second.query["limit"] == "3")
        #expect(second.query["offset"] == "6")
        // A start offset that is not a multiple of the limit.
        let odd = try #require(try await directory.get("/things?offset=1&limit=4").link("next"))
        #expect(odd.query == ["offset": "5", "limit": "4"])
        // The payload format is an argument that shapes the data: it is kept.
        let collection = try #require(try await directory.get("/things?limit=2&format=collection").link("next"))
        #expect(collection.query == ["offset": "2", "limit": "2", "format": "collection"])
        #expect(try await directory.get(collection.target).json()["@type"] == "ThingCollection")
    }

    @Test("tdd-things-list-pagination-header-nextlink-base: the next link is absolute or relative to the API's base URL")
    func nextLinkBase() async throws {
        let (directory, ids) = try await Self.start(count: 3)
        defer { directory.stop() }
        let next = try #require(try await directory.get("/things?limit=2").link("next"))
        let isAbsolute = next.target.hasPrefix(directory.url + "/")
        let isRelativeToBase = next.target.hasPrefix("/things?")
        #expect(isAbsolute || isRelativeToBase, "\(next.target)")
        // Resolved against the base URL it is the next page.
        let resolved = isAbsolute ? String(next.target.dropFirst(directory.url.count)) : next.target
        #expect(try Self.ids(await directory.get(resolved)) == [ids[2]])
    }

    @Test("tdd-things-list-pagination-header-canonicallink: paged answers have a canonical Link to the collection with an etag")
    func canonicalLink() async throws {
        let (directory, _) = try await Self.start(count: 3)
        defer { directory.stop() }
        let first = try await directory.get("/things?limit=2")
        let canonical = try #require(first.link("canonical"))
        #expect(canonical.target == "/things")
        let etag = try #require(canonical.parameters["etag"])
        #expect(!etag.isEmpty)
        // Every page of the same state has the same etag.
        let second = try await directory.get("/things?offset=2&limit=2")
        #expect(second.link("canonical") == canonical)
        #expect(try await directory.get("/things").link("canonical") == canonical)
        // The collection points to itself.
        #expect(try await directory.get(canonical.target).status == 200)
        // A change makes a new etag; reading does not.
        try await directory.register([Descriptions.agent(id: "urn:example:page:new")])
        let changed = try #require(try await directory.get("/things?limit=2").link("canonical")?.parameters["etag"])
        #expect(changed != etag)
        #expect(try await directory.get("/things?limit=2").link("canonical")?.parameters["etag"] == changed)
        #expect(try await directory.delete("urn:example:page:new").status == 204)
        #expect(try await directory.get("/things?limit=2").link("canonical")?.parameters["etag"] != changed)
    }

    @Test("tdd-things-list-pagination-order-default: the collection is sorted by id in Unicode code point order")
    func orderDefault() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register(Self.unsortedIDs.map { Descriptions.agent(id: $0) })
        let expected = Self.codePointOrder
        #expect(expected.first == "urn:example:sort:%C3%A9")
        #expect(expected.suffix(4) == ["urn:example:sort:Ä", "urn:example:sort:é", "urn:example:sort:ﬀ", "urn:example:sort:😀"])
        #expect(try Self.ids(await directory.get("/things")) == expected)
        #expect(try JSONValue(cbor: await directory.get("/things", accept: "application/cbor").body).arrayValue?.compactMap { $0["id"]?.stringValue } == expected)
        // Pages follow the same order.
        var paged: [String] = []
        for offset in stride(from: 0, to: expected.count, by: 5) {
            paged += try Self.ids(await directory.get("/things?offset=\(offset)&limit=5"))
        }
        #expect(paged == expected)
        // So do anonymous TDs among them (by their generated ids).
        let anonymous = try #require(try await directory.post(Descriptions.agent(id: nil)).header("Location"))
        let withAnonymous = try Self.ids(await directory.get("/things"))
        #expect(withAnonymous == (expected + [anonymous]).sorted {
            $0.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.unicodeScalars.map(\.value))
        })
    }

    @Test("tdd-things-list-pagination-collection: format=collection sends a ThingCollection with members, total and next")
    func collectionFormat() async throws {
        let (directory, ids) = try await Self.start(count: 5)
        defer { directory.stop() }
        let whole = try await directory.get("/things?format=collection").json()
        #expect(whole["@context"] == .string(Descriptions.discoveryContext))
        #expect(whole["@type"] == "ThingCollection")
        #expect(whole["total"] == 5)
        #expect(whole["members"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ids)
        #expect(whole["next"] == nil)
        #expect(whole["@id"]?.stringValue?.hasPrefix("/things") == true)

        let page = try await directory.get("/things?offset=0&limit=2&format=collection")
        let body = try page.json()
        #expect(body["@type"] == "ThingCollection")
        #expect(body["total"] == 5)
        #expect(body["members"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.prefix(2)))
        let next = try #require(body["next"]?.stringValue)
        // The next member and the next Link agree.
        #expect(page.link("next")?.target == next)
        let last = try await directory.get("/things?offset=4&limit=2&format=collection").json()
        #expect(last["members"]?.arrayValue?.count == 1)
        #expect(last["next"] == nil)
        #expect(try await directory.get("/things?format=array").json().arrayValue?.count == 5)
    }
}
