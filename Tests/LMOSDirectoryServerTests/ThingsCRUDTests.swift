import Foundation
import LMOSCore
import Testing

/// WoT Discovery 7.3.2.1: creation, retrieval, update and deletion of single descriptions at `/things/{id}`, and
/// anonymous descriptions (7.2.3).
@Suite("Things API: create, retrieve, update, delete")
struct ThingsCRUDTests {
    // MARK: - Creation

    @Test("tdd-things-create-known-td: a TD with an id is registered with PUT /things/{id}")
    func createKnownTD() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:agent:weather"
        let document = Descriptions.agent(id: id, title: "Weather Agent")
        #expect(try await directory.put(id, document).status == 201)
        let stored = try #require(try await directory.description(id))
        #expect(stored["id"] == .string(id))
        #expect(Descriptions.withoutDirectoryAdditions(stored) == document)

        // The id in the path must be the one inside the TD.
        let other = try await directory.put("urn:example:agent:other", document)
        let problem = try expectProblem(other, status: 400)
        #expect(validationErrors(problem).map(\.field) == ["/id"])
        #expect(try await directory.description("urn:example:agent:other") == nil)
    }

    @Test("tdd-things-create-known-contenttype: PUT with Content-Type application/td+json is accepted, others are refused")
    func createKnownContentType() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let plain = Descriptions.agent(id: "urn:example:a")
        #expect(try await directory.put("urn:example:a", plain, contentType: "application/td+json").status == 201)
        let withCharset = Descriptions.agent(id: "urn:example:b")
        #expect(try await directory.put("urn:example:b", withCharset, contentType: "application/td+json; charset=utf-8").status == 201)
        let text = Descriptions.agent(id: "urn:example:c")
        try expectProblem(try await directory.put("urn:example:c", text, contentType: "text/plain"), status: 415)
        #expect(try await directory.description("urn:example:c") == nil)
    }

    @Test("tdd-things-create-known-td-resp: PUT of a new TD answers 201 Created")
    func createKnownTDResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:agent:created"
        let answer = try await directory.put(id, Descriptions.agent(id: id))
        #expect(answer.status == 201)
        #expect(answer.header("Location") == "/things/urn:example:agent:created")
        #expect(answer.body.isEmpty)
        // The same PUT again replaces: 204, not a second 201.
        #expect(try await directory.put(id, Descriptions.agent(id: id)).status == 204)
    }

    @Test("tdd-things-create-known-vs-anonymous: a TD with an id and an Anonymous TD are handled differently")
    func createKnownVersusAnonymous() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        // A TD with an id may not be POSTed (the directory would give it a second identity).
        let identified = Descriptions.agent(id: "urn:example:known")
        let posted = try expectProblem(try await directory.post(identified), status: 400)
        #expect(validationErrors(posted).map(\.field) == ["/id"])
        // An Anonymous TD may not be PUT at an id of the client's choosing.
        let anonymous = Descriptions.agent(id: nil)
        let put = try expectProblem(try await directory.put("urn:example:chosen", anonymous), status: 400)
        #expect(validationErrors(put).map(\.field) == ["/id"])
        // Nothing was registered by either.
        #expect(try await directory.get("/things").json() == [])
        // Each with its own method works.
        #expect(try await directory.put("urn:example:known", identified).status == 201)
        #expect(try await directory.post(anonymous).status == 201)
        #expect(try await directory.get("/things").json().arrayValue?.count == 2)
    }

    @Test("tdd-things-create-anonymous-td: an Anonymous TD is registered with POST /things")
    func createAnonymousTD() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let document = Descriptions.agent(id: nil, title: "Anonymous Agent")
        let answer = try await directory.post(document)
        #expect(answer.status == 201)
        let id = try #require(answer.header("Location"))
        let stored = try #require(try await directory.description(id))
        #expect(stored["title"] == "Anonymous Agent")
        // POST is only for the collection.
        try expectProblem(
            try await directory.send(.POST, Paths.thing("urn:example:x"), body: document.jsonBytes(), contentType: "application/td+json"),
            status: 405)
    }

    @Test("tdd-things-create-anonymous-contenttype: POST with Content-Type application/td+json is accepted, others are refused")
    func createAnonymousContentType() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let body = Descriptions.agent(id: nil).jsonBytes()
        #expect(try await directory.send(.POST, "/things", body: body, contentType: "application/td+json").status == 201)
        try expectProblem(try await directory.send(.POST, "/things", body: body, contentType: "text/plain"), status: 415)
        try expectProblem(try await directory.send(.POST, "/things", body: body, contentType: "application/xml"), status: 415)
        #expect(try await directory.get("/things").json().arrayValue?.count == 1)
    }

    @Test("tdd-things-create-anonymous-id: the directory assigns a local id to an Anonymous TD and serves it there")
    func createAnonymousID() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let first = try #require(try await directory.post(Descriptions.agent(id: nil, title: "One")).header("Location"))
        let second = try #require(try await directory.post(Descriptions.agent(id: nil, title: "Two")).header("Location"))
        #expect(first != second)
        #expect(try await directory.description(first)?["title"] == "One")
        #expect(try await directory.description(second)?["title"] == "Two")
        // It can be managed there: replaced (without id in the body) and deleted.
        #expect(try await directory.put(first, Descriptions.agent(id: nil, title: "One, replaced")).status == 204)
        #expect(try await directory.description(first)?["title"] == "One, replaced")
        #expect(try await directory.delete(second).status == 204)
        #expect(try await directory.description(second) == nil)
    }

    @Test("tdd-things-create-anonymous-td-resp: POST answers 201 with a Location holding the generated id")
    func createAnonymousTDResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let answer = try await directory.post(Descriptions.agent(id: nil))
        #expect(answer.status == 201)
        let location = try #require(answer.header("Location"))
        // PROTOCOL.md 3: the Location of an anonymous create is the generated id, a URI.
        #expect(Format.isUUIDv4URN(location))
        #expect(answer.body.isEmpty)
        #expect(try await directory.get(Paths.thing(location)).status == 200)
    }

    // MARK: - Anonymous TDs

    @Test("tdd-anonymous-td-identifier: an Anonymous TD carries its local id in retrieval, listing and search")
    func anonymousTDIdentifier() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let title = "Zyzzyva Anonymous"
        let id = try #require(try await directory.post(Descriptions.agent(id: nil, title: title)).header("Location"))
        // Retrieval.
        #expect(try await directory.description(id)?["id"] == .string(id))
        // Listing, as a whole and paged.
        #expect(try await directory.get("/things").json()[0]?["id"] == .string(id))
        #expect(try await directory.get("/things?offset=0&limit=1").json()[0]?["id"] == .string(id))
        #expect(try await directory.get("/things?format=collection").json()["members"]?[0]?["id"] == .string(id))
        // Search.
        #expect(try await directory.get("/search/lmos?q=zyzzyva").json()[0]?["id"] == .string(id))
        #expect(try await directory.get("/search/lmos?type=Agent").json()[0]?["id"] == .string(id))
        // And the SSE notification of its creation.
        let events = try await EventStreamClient.open(directory, "/events?diff=true", lastEventID: "0")
        defer { events.close() }
        let created = try await events.next()
        #expect(try created.json()["id"] == .string(id))
    }

    @Test("tdd-anonymous-td-local-uuid: the local id is a version 4 UUID as a urn:uuid: URN")
    func anonymousTDLocalUUID() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        var ids: Set<String> = []
        for _ in 0..<5 {
            let id = try #require(try await directory.post(Descriptions.agent(id: nil)).header("Location"))
            #expect(Format.isUUIDv4URN(id), "\(id)")
            ids.insert(id)
        }
        #expect(ids.count == 5)
        let listed = try await directory.get("/things").json().arrayValue ?? []
        #expect(Set(listed.compactMap { $0["id"]?.stringValue }) == ids)
    }

    // MARK: - Retrieval

    @Test("tdd-things-retrieve: a TD is retrieved with GET /things/{id}")
    func retrieve() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let weather = Descriptions.built(id: "urn:example:weather")
        let tool = Descriptions.tool(id: "urn:example:tool")
        try await directory.register([weather, tool])
        let answer = try await directory.get(Paths.thing("urn:example:weather"))
        #expect(answer.status == 200)
        #expect(try Descriptions.withoutDirectoryAdditions(answer.json()) == weather)
        #expect(try Descriptions.withoutDirectoryAdditions(await directory.get(Paths.thing("urn:example:tool")).json()) == tool)
        try expectProblem(try await directory.get(Paths.thing("urn:example:missing")), status: 404)
    }

    @Test("tdd-things-retrieve-resp: a successful retrieval answers 200 with the TD in the body")
    func retrieveResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let document = Descriptions.agent(
            id: "urn:example:r", title: "Retrieved", description: "Kept as sent: ünïcödé, \"quotes\", 1.5e3",
            capabilities: [Descriptions.capability("urn:acme:capability:x", name: "X", examples: ["an example"])])
        try await directory.register([document])
        let answer = try await directory.get(Paths.thing("urn:example:r"))
        #expect(answer.status == 200)
        let body = try answer.json()
        // Everything sent comes back unchanged; the directory only adds (registration, discovery context).
        #expect(Descriptions.withoutDirectoryAdditions(body) == document)
        #expect(body.objectValue?.keys.filter { document[$0] == nil } == ["registration"])
    }

    @Test("tdd-things-retrieve-resp-content-type: a JSON retrieval is application/td+json or application/json")
    func retrieveResponseContentType() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register([Descriptions.agent(id: "urn:example:ct")])
        let path = Paths.thing("urn:example:ct")
        #expect(try await directory.get(path).contentType == "application/td+json")
        #expect(try await directory.get(path, accept: "application/td+json").contentType == "application/td+json")
        #expect(try await directory.get(path, accept: "application/json").contentType == "application/json")
        #expect(try await directory.get(path, accept: "application/*").contentType == "application/td+json")
        #expect(try await directory.get(path, accept: "*/*").contentType == "application/td+json")
        #expect(try await directory.get(path, accept: "application/json;q=0.9, application/td+json").contentType == "application/td+json")
        #expect(try await directory.get(path, accept: "application/json").json()["id"] == "urn:example:ct")
    }

    // MARK: - Update

    @Test("tdd-things-update: PUT /things/{id} replaces the registered TD")
    func update() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:update"
        try await directory.register([Descriptions.agent(id: id, title: "Before", description: "will be removed")])
        let replacement = Descriptions.agent(id: id, title: "After")
        #expect(try await directory.put(id, replacement).status == 204)
        let stored = try #require(try await directory.description(id))
        #expect(stored["title"] == "After")
        // A replacement, not a merge: what the new TD lacks is gone.
        #expect(stored["description"] == nil)
        #expect(Descriptions.withoutDirectoryAdditions(stored) == replacement)
        #expect(try await directory.get("/things").json().arrayValue?.count == 1)
    }

    @Test("tdd-things-update-contenttype: an update with Content-Type application/td+json is accepted")
    func updateContentType() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:update-ct"
        try await directory.register([Descriptions.agent(id: id)])
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "A"), contentType: "application/td+json").status == 204)
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "B"), contentType: "application/td+json;charset=UTF-8").status == 204)
        try expectProblem(try await directory.put(id, Descriptions.agent(id: id, title: "C"), contentType: "text/html"), status: 415)
        #expect(try await directory.description(id)?["title"] == "B")
    }

    @Test("tdd-things-update-resp: a successful update answers 204 No Content")
    func updateResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:update-resp"
        try await directory.register([Descriptions.agent(id: id)])
        let answer = try await directory.put(id, Descriptions.agent(id: id, title: "New"))
        #expect(answer.status == 204)
        #expect(answer.body.isEmpty)
        #expect(answer.header("Location") == nil)
    }

    @Test("tdd-things-update-partial: PATCH /things/{id} changes only the parts sent")
    func updatePartial() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:patch"
        let original = Descriptions.built(id: id, title: "Old Title")
        try await directory.register([original])
        #expect(try await directory.patch(id, ["title": "New Title"]).status == 204)
        let stored = try #require(try await directory.description(id))
        #expect(stored["title"] == "New Title")
        #expect(Descriptions.withoutDirectoryAdditions(stored) == Descriptions.setting("title", "New Title", in: original))
        try expectProblem(try await directory.patch("urn:example:nobody", ["title": "X"]), status: 404)
    }

    @Test("tdd-things-update-partial-mergepatch: the patch is a JSON Merge Patch (RFC 7396): null removes, objects merge, arrays replace")
    func updatePartialMergePatch() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:merge"
        let original = Descriptions.agent(
            id: id, title: "Merge", description: "to be removed",
            capabilities: [
                Descriptions.capability("urn:acme:capability:a", name: "A"),
                Descriptions.capability("urn:acme:capability:b", name: "B"),
            ])
        try await directory.register([original])
        let patch: JSONValue = [
            "description": nil,
            "securityDefinitions": ["basic_sc": ["scheme": "basic", "in": "header"]],
            "lmos:capabilities": [["id": "urn:acme:capability:c", "name": "C"]],
            "support": "mailto:ops@example.com",
        ]
        #expect(try await directory.patch(id, patch).status == 204)
        let stored = try #require(try await directory.description(id))
        var expected = original
        expected.applyMergePatch(patch)
        #expect(Descriptions.withoutDirectoryAdditions(stored) == expected)
        #expect(stored["description"] == nil)
        #expect(stored["securityDefinitions"] == ["nosec_sc": ["scheme": "nosec"], "basic_sc": ["scheme": "basic", "in": "header"]])
        #expect(stored["lmos:capabilities"] == [["id": "urn:acme:capability:c", "name": "C"]])
        #expect(stored["support"] == "mailto:ops@example.com")
        // The registration is kept (created unchanged).
        #expect(stored["registration"]?["created"] != nil)
    }

    @Test("tdd-things-update-partial-contenttype: PATCH must be application/merge-patch+json, anything else is refused")
    func updatePartialContentType() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:patch-ct"
        try await directory.register([Descriptions.agent(id: id, title: "Unchanged")])
        for contentType in ["application/json", "application/td+json", "application/cbor", "text/plain"] {
            let problem = try expectProblem(try await directory.patch(id, ["title": "Changed"], contentType: contentType), status: 415)
            #expect(problem["detail"]?.stringValue?.contains("application/merge-patch+json") == true)
        }
        let missing = try await directory.send(.PATCH, Paths.thing(id), body: (["title": "Changed"] as JSONValue).jsonBytes())
        try expectProblem(missing, status: 415)
        #expect(try await directory.description(id)?["title"] == "Unchanged")
        #expect(try await directory.patch(id, ["title": "Changed"], contentType: "application/merge-patch+json; charset=utf-8").status == 204)
        #expect(try await directory.description(id)?["title"] == "Changed")
    }

    @Test("tdd-things-update-partial-partialtd: the patch is a Partial TD; a result that is not a valid TD is refused")
    func updatePartialPartialTD() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:partial"
        let original = Descriptions.agent(id: id, title: "Partial")
        try await directory.register([original])
        // Removing a required member.
        let noTitle = try expectProblem(try await directory.patch(id, ["title": nil]), status: 400)
        #expect(validationErrors(noTitle).contains { $0.field == "/title" })
        // A member of the wrong type, in the original structure.
        let badSecurity = try expectProblem(try await directory.patch(id, ["security": "undefined_sc"]), status: 400)
        #expect(validationErrors(badSecurity).contains { $0.field.hasPrefix("/security") })
        // Changing the id.
        let newID = try expectProblem(try await directory.patch(id, ["id": "urn:example:other"]), status: 400)
        #expect(validationErrors(newID).map(\.field) == ["/id"])
        // Not an object at all.
        try expectProblem(try await directory.patch(id, ["title", "x"]), status: 400)
        // Not JSON.
        try expectProblem(
            try await directory.send(.PATCH, Paths.thing(id), body: Array("{title".utf8), contentType: "application/merge-patch+json"),
            status: 400)
        #expect(try Descriptions.withoutDirectoryAdditions(#require(try await directory.description(id))) == original)
    }

    @Test("tdd-things-update-partial-resp: a successful PATCH answers 204 No Content")
    func updatePartialResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:patch-resp"
        try await directory.register([Descriptions.agent(id: id)])
        let answer = try await directory.patch(id, ["description": "added"])
        #expect(answer.status == 204)
        #expect(answer.body.isEmpty)
        #expect(try await directory.description(id)?["description"] == "added")
    }

    // MARK: - Deletion

    @Test("tdd-things-delete: DELETE /things/{id} removes the TD")
    func delete() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register([Descriptions.agent(id: "urn:example:d1"), Descriptions.agent(id: "urn:example:d2")])
        #expect(try await directory.delete("urn:example:d1").status == 204)
        try expectProblem(try await directory.get(Paths.thing("urn:example:d1")), status: 404)
        #expect(try await directory.get("/things").json().arrayValue?.compactMap { $0["id"]?.stringValue } == ["urn:example:d2"])
        // Deleting what is not there.
        try expectProblem(try await directory.delete("urn:example:d1"), status: 404)
        // It can be registered again (201: a new registration).
        #expect(try await directory.put("urn:example:d1", Descriptions.agent(id: "urn:example:d1")).status == 201)
    }

    @Test("tdd-things-delete-resp: a successful DELETE answers 204 No Content")
    func deleteResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register([Descriptions.agent(id: "urn:example:del")])
        let answer = try await directory.delete("urn:example:del")
        #expect(answer.status == 204)
        #expect(answer.body.isEmpty)
    }

    // MARK: - The API as a whole

    @Test("tdd-things-crud: create, read, update and delete of single TDs")
    func crud() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:crud"
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "C")).status == 201)
        #expect(try await directory.description(id)?["title"] == "C")
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "U")).status == 204)
        #expect(try await directory.description(id)?["title"] == "U")
        #expect(try await directory.patch(id, ["title": "P"]).status == 204)
        #expect(try await directory.description(id)?["title"] == "P")
        #expect(try await directory.delete(id).status == 204)
        #expect(try await directory.description(id) == nil)
    }

    @Test("tdd-things-crudl: create, read, update, delete and list")
    func crudl() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        func listedTitles() async throws -> [String] {
            try await directory.get("/things").json().arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
        }
        #expect(try await listedTitles() == [])
        #expect(try await directory.put("urn:example:l1", Descriptions.agent(id: "urn:example:l1", title: "One")).status == 201)
        let anonymous = try #require(try await directory.post(Descriptions.agent(id: nil, title: "Anonymous")).header("Location"))
        #expect(try await directory.description("urn:example:l1")?["title"] == "One")
        #expect(try await directory.put("urn:example:l1", Descriptions.agent(id: "urn:example:l1", title: "Uno")).status == 204)
        #expect(try await listedTitles().sorted() == ["Anonymous", "Uno"])
        #expect(try await directory.delete(anonymous).status == 204)
        #expect(try await listedTitles() == ["Uno"])
    }

    @Test("tdd-things-default-representation: requests and answers are JSON (JSON-LD 1.1) by default")
    func defaultRepresentation() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:default"
        let document = Descriptions.agent(id: id)
        // A body without Content-Type is read as JSON.
        #expect(try await directory.send(.PUT, Paths.thing(id), body: document.jsonBytes()).status == 201)
        let retrieved = try await directory.get(Paths.thing(id))
        #expect(retrieved.contentType == "application/td+json")
        let body = try retrieved.json()
        // JSON-LD: the context is kept (and extended), prefixed terms stay compact IRIs.
        #expect(body["@context"]?[0] == .string(Descriptions.tdContext))
        #expect(body["@context"]?[1] == ["lmos": "https://eclipse.dev/lmos/protocol/v1"])
        #expect(body["@type"] == "lmos:Agent")
        let listing = try await directory.get("/things")
        #expect(listing.contentType == "application/ld+json")
        #expect(try listing.json().arrayValue?.count == 1)
        let search = try await directory.get("/search/lmos")
        #expect(Format.essence(search.contentType) == "application/ld+json")
        #expect(try await directory.get("/.well-known/wot").contentType == "application/td+json")
    }

    @Test("tdd-things-representation-alternate-input: a TD sent as CBOR (Content-Type application/cbor) is accepted")
    func alternateInput() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:cbor-in"
        let document = Descriptions.built(id: id)
        let created = try await directory.send(.PUT, Paths.thing(id), body: document.cborBytes(), contentType: "application/cbor")
        #expect(created.status == 201)
        #expect(try Descriptions.withoutDirectoryAdditions(#require(try await directory.description(id))) == document)
        // Replace and create anonymously as CBOR too.
        let replacement = Descriptions.setting("title", "CBOR replaced", in: document)
        #expect(try await directory.send(.PUT, Paths.thing(id), body: replacement.cborBytes(), contentType: "application/cbor").status == 204)
        #expect(try await directory.description(id)?["title"] == "CBOR replaced")
        let anonymous = try await directory.send(
            .POST, "/things", body: Descriptions.agent(id: nil, title: "CBOR anonymous").cborBytes(), contentType: "application/cbor")
        #expect(anonymous.status == 201)
        #expect(try await directory.description(try #require(anonymous.header("Location")))?["title"] == "CBOR anonymous")
        // Broken CBOR is a 400 problem.
        try expectProblem(
            try await directory.send(.PUT, Paths.thing(id), body: [0xA1, 0x61], contentType: "application/cbor"), status: 400)
    }

    @Test("tdd-http-representation-alternate-output: Accept application/cbor gets CBOR, an unsupported Accept gets 406")
    func alternateOutput() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:cbor-out"
        let document = Descriptions.built(id: id)
        try await directory.register([document, Descriptions.agent(id: "urn:example:second")])
        let answer = try await directory.get(Paths.thing(id), accept: "application/cbor")
        #expect(answer.status == 200)
        #expect(answer.contentType == "application/cbor")
        let decoded = try JSONValue(cbor: answer.body)
        #expect(Descriptions.withoutDirectoryAdditions(decoded) == document)
        #expect(Format.isRFC3339(decoded["registration"]?["created"]?.stringValue))
        #expect(answer.header("Vary")?.lowercased().contains("accept") == true)
        // Preference by quality.
        #expect(try await directory.get(Paths.thing(id), accept: "application/td+json;q=0.5, application/cbor").contentType == "application/cbor")
        // Listing as CBOR.
        let listing = try await directory.get("/things", accept: "application/cbor")
        #expect(listing.contentType == "application/cbor")
        #expect(try JSONValue(cbor: listing.body).arrayValue?.compactMap { $0["id"]?.stringValue } == [id, "urn:example:second"])
        // Nothing acceptable.
        try expectProblem(try await directory.get(Paths.thing(id), accept: "text/html"), status: 406)
        try expectProblem(try await directory.get("/things", accept: "application/xml"), status: 406)
        try expectProblem(try await directory.get(Paths.thing(id), accept: "application/cbor;q=0"), status: 406)
    }

    // MARK: - Ids in the path

    @Test("ids with /, ?, #, percent-encoded spaces and non-ASCII characters round-trip through the path")
    func idsRoundTripThroughThePath() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let ids = [
            "urn:example:a/b/c",
            "urn:example:query?x=1&y=2",
            "urn:example:fragment#part",
            "https://example.com/things/1?view=full#top",
            "urn:example:with%20space",
            "urn:example:gr%C3%B6%C3%9Fe%20%E2%9C%93",
            "urn:example:plus+sign;semi,comma=eq@at!",
            "urn:example:größe",
            "urn:example:日本語/テスト?q=✓#😀",
        ]
        for id in ids {
            let created = try await directory.put(id, Descriptions.agent(id: id, title: id))
            #expect(created.status == 201, "\(id): \(created.text)")
            // The Location names the same resource.
            let location = try #require(created.header("Location"))
            #expect(try await directory.get(location).json()["id"] == .string(id), "\(location)")
        }
        for id in ids {
            #expect(try await directory.description(id)?["title"] == .string(id), "\(id)")
            #expect(try await directory.patch(id, ["description": "patched"]).status == 204, "\(id)")
        }
        let listed = try await directory.get("/things").json().arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(Set(listed) == Set(ids))
        // `a/b/c` is one id, not a path below `a`.
        try expectProblem(try await directory.get(Paths.thing("urn:example:a")), status: 404)
        #expect(try await directory.get("/things/urn:example:a/b/c").json()["id"] == "urn:example:a/b/c")
        for id in ids { #expect(try await directory.delete(id).status == 204, "\(id)") }
        #expect(try await directory.get("/things").json() == [])
    }

    @Test("an id with a raw space is not a URI (400 naming /id); non-ASCII ids (IRIs) are accepted and echoed in UTF-8")
    func idsThatAreNotURIs() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        for id in ["urn:example:with space", "urn:example:tab\there", "urn:example:quote\"d"] {
            let problem = try expectProblem(try await directory.put(id, Descriptions.agent(id: id)), status: 400)
            #expect(validationErrors(problem).map(\.field) == ["/id"], "\(id)")
        }
        #expect(try await directory.get("/things").json() == [])
        // TD ids are anyURI, which takes IRIs: non-ASCII characters are fine.
        #expect(try await directory.put("urn:example:größe", Descriptions.agent(id: "urn:example:größe")).status == 201)
        // The path is percent-decoded as UTF-8: a GET of a non-ASCII id names it in the problem.
        let missing = try expectProblem(try await directory.get(Paths.thing("urn:example:größe ✓")), status: 404)
        #expect(missing["detail"]?.stringValue?.contains("urn:example:größe ✓") == true)
        // A broken percent-encoding, or one that is not UTF-8, is a 400 (on a raw socket: URL libraries repair them).
        for path in ["/things/urn:example:%ZZ", "/things/urn:example:%C3", "/things/urn:example:%"] {
            let raw = RawHTTP.split(try directory.raw("GET \(path) HTTP/1.1"))
            #expect(raw.head.hasPrefix("HTTP/1.1 400 "), "\(path): \(raw.head)")
            #expect(raw.head.lowercased().contains("content-type: application/problem+json"), "\(path)")
            #expect(try JSONValue(parsing: raw.body)["status"] == 400, "\(path)")
        }
    }
}
