import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

/// WoT Discovery 7.2.2: Enriched TDs, registration information (`created`, `modified`, `expires`, `ttl`,
/// `retrieved`), expiry and purging; and what survives a restart.
@Suite("Registration information and expiry")
struct RegistrationInfoTests {
    static func registration(_ directory: LiveDirectory, _ id: String) async throws -> JSONValue {
        try #require(try await directory.description(id)?["registration"])
    }

    @Test("tdd-context-injection: an Enriched TD has https://www.w3.org/2022/wot/discovery in its @context")
    func contextInjection() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register([Descriptions.agent(id: "urn:example:ctx")])
        let anonymous = try #require(try await directory.post(Descriptions.agent(id: nil)).header("Location"))
        for id in ["urn:example:ctx", anonymous] {
            let context = try #require(try await directory.description(id)?["@context"]?.arrayValue)
            #expect(context.contains(.string(Descriptions.discoveryContext)))
            // What the producer wrote stays, first and in order.
            #expect(context.first == .string(Descriptions.tdContext))
            #expect(context.contains(["lmos": "https://eclipse.dev/lmos/protocol/v1"]))
            #expect(context.filter { $0 == .string(Descriptions.discoveryContext) }.count == 1)
        }
        // In listings and search results too.
        for description in try await directory.get("/things").json().arrayValue ?? [] {
            #expect(description["@context"]?.arrayValue?.contains(.string(Descriptions.discoveryContext)) == true)
        }
        for description in try await directory.get("/search/lmos?type=Agent").json().arrayValue ?? [] {
            #expect(description["@context"]?.arrayValue?.contains(.string(Descriptions.discoveryContext)) == true)
        }
        // A single-string @context becomes an array; a producer that already has the entry does not get it twice.
        let single = Descriptions.setting("@context", .string(Descriptions.tdContext), in: Descriptions.agent(id: "urn:example:single", type: "Thing"))
        #expect(try await directory.put("urn:example:single", single).status == 201)
        #expect(try await directory.description("urn:example:single")?["@context"] == [.string(Descriptions.tdContext), .string(Descriptions.discoveryContext)])
        let already = Descriptions.setting(
            "@context", [.string(Descriptions.tdContext), .string(Descriptions.discoveryContext)],
            in: Descriptions.agent(id: "urn:example:already", type: "Thing"))
        #expect(try await directory.put("urn:example:already", already).status == 201)
        #expect(try await directory.description("urn:example:already")?["@context"] == [.string(Descriptions.tdContext), .string(Descriptions.discoveryContext)])
    }

    @Test("tdd-absolute-time: registration times are RFC 3339 date-times, and an expires with an offset is read as one")
    func absoluteTime() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        // One hour from now, written at UTC+02:00.
        let instant = Timestamp(millisecondsSince1970: (Timestamp.now().millisecondsSince1970 / 1000 + 3600) * 1000 + 250)
        let shifted = instant.adding(seconds: 7200).rfc3339
        let withOffset = String(shifted.dropLast()) + "+02:00"
        let id = "urn:example:time"
        try await directory.register([Descriptions.agent(id: id, registration: ["expires": .string(withOffset)])])
        let registration = try await Self.registration(directory, id)
        for member in ["created", "modified", "expires", "retrieved"] {
            #expect(Format.isRFC3339(registration[member]?.stringValue), "\(member): \(registration[member]?.jsonString() ?? "-")")
        }
        #expect(Format.time(registration["expires"]) == instant)
        // Not a date-time, or an impossible one: refused, naming the field.
        for text in ["tomorrow", "2030-02-30T00:00:00Z", "2030-01-01 00:00"] {
            let document = Descriptions.agent(id: "urn:example:bad-time", registration: ["expires": .string(text)])
            let problem = try expectProblem(try await directory.put("urn:example:bad-time", document), status: 400)
            #expect(validationErrors(problem).map(\.field) == ["/registration/expires"], "\(text)")
        }
        // In the past.
        let past = Descriptions.agent(id: "urn:example:past", registration: ["expires": "2001-01-01T00:00:00Z"])
        let problem = try expectProblem(try await directory.put("urn:example:past", past), status: 400)
        #expect(validationErrors(problem).map(\.field) == ["/registration/expires"])
    }

    @Test("tdd-registrationinfo-vocab-created: created is when the TD was first registered, set by the directory")
    func created() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:created"
        let before = Timestamp.now()
        // A created in the request is read-only information: ignored.
        try await directory.register([Descriptions.agent(id: id, registration: ["created": "2001-01-01T00:00:00Z"])])
        let after = Timestamp.now()
        let registration = try await Self.registration(directory, id)
        let created = try #require(Format.time(registration["created"]))
        #expect(before <= created && created <= after)
        // It stays through replacement and patching.
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "Replaced")).status == 204)
        #expect(try await Self.registration(directory, id)["created"] == registration["created"])
        #expect(try await directory.patch(id, ["title": "Patched", "registration": ["created": "2002-02-02T00:00:00Z"]]).status == 204)
        #expect(try await Self.registration(directory, id)["created"] == registration["created"])
    }

    @Test("tdd-registrationinfo-vocab-modified: modified is when the TD was last changed in the directory")
    func modified() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:modified"
        try await directory.register([Descriptions.agent(id: id, registration: ["modified": "2001-01-01T00:00:00Z"])])
        let first = try await Self.registration(directory, id)
        #expect(Format.isRFC3339(first["modified"]?.stringValue))
        #expect(first["modified"] == first["created"])
        // Reading does not modify.
        _ = try await directory.get("/things")
        #expect(try await Self.registration(directory, id)["modified"] == first["modified"])

        try await Task.sleep(for: .milliseconds(20))
        let beforeReplace = Timestamp.now()
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "Replaced")).status == 204)
        let replaced = try await Self.registration(directory, id)
        let replacedTime = try #require(Format.time(replaced["modified"]))
        #expect(replacedTime >= beforeReplace)
        #expect(replacedTime > (try #require(Format.time(first["created"]))))

        try await Task.sleep(for: .milliseconds(20))
        #expect(try await directory.patch(id, ["description": "patched"]).status == 204)
        let patchedTime = try #require(Format.time(try await Self.registration(directory, id)["modified"]))
        #expect(patchedTime > replacedTime)
    }

    @Test("tdd-registrationinfo-vocab-expires: with a ttl the directory computes expires and ignores the client's")
    func expires() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        // ttl and expires: expires is computed from ttl.
        let id = "urn:example:expires"
        try await directory.register([Descriptions.agent(id: id, registration: ["ttl": 600, "expires": "2099-01-01T00:00:00Z"])])
        let registration = try await Self.registration(directory, id)
        let modified = try #require(Format.time(registration["modified"]))
        #expect(Format.time(registration["expires"]) == modified.adding(seconds: 600))
        // expires alone: kept as the absolute expiry.
        let absolute = "2099-06-01T12:00:00Z"
        try await directory.register([Descriptions.agent(id: "urn:example:absolute", registration: ["expires": .string(absolute)])])
        let kept = try await Self.registration(directory, "urn:example:absolute")
        #expect(Format.time(kept["expires"]) == Timestamp(rfc3339: absolute))
        #expect(kept["ttl"] == nil)
        // Neither: no expiry.
        try await directory.register([Descriptions.agent(id: "urn:example:forever")])
        let forever = try await Self.registration(directory, "urn:example:forever")
        #expect(forever["expires"] == nil)
        #expect(forever["ttl"] == nil)
    }

    @Test("tdd-registrationinfo-vocab-ttl: expires is modified + ttl")
    func ttl() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        for (index, ttl) in [JSONValue.integer(3600), .double(90.5), .integer(1_000_000)].enumerated() {
            let id = "urn:example:ttl:\(index)"
            try await directory.register([Descriptions.agent(id: id, registration: ["ttl": ttl])])
            let registration = try await Self.registration(directory, id)
            #expect(registration["ttl"] == ttl)
            let modified = try #require(Format.time(registration["modified"]))
            let seconds = try #require(ttl.doubleValue)
            #expect(Format.time(registration["expires"]) == modified.adding(seconds: seconds), "\(registration.jsonString())")
        }
        // A patched ttl renews from the time of the patch.
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await directory.patch("urn:example:ttl:0", ["registration": ["ttl": 60]]).status == 204)
        let renewed = try await Self.registration(directory, "urn:example:ttl:0")
        #expect(renewed["ttl"] == 60)
        let modified = try #require(Format.time(renewed["modified"]))
        #expect(Format.time(renewed["expires"]) == modified.adding(seconds: 60))
        // Not a positive number.
        for bad: JSONValue in [0, -5, "60", nil] {
            let document = Descriptions.agent(id: "urn:example:ttl:bad", registration: ["ttl": bad])
            let problem = try expectProblem(try await directory.put("urn:example:ttl:bad", document), status: 400)
            #expect(validationErrors(problem).map(\.field) == ["/registration/ttl"], "\(bad.jsonString())")
        }
    }

    @Test("tdd-registrationinfo-vocab-retrieved: retrieved is the time the TD was read")
    func retrieved() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register([Descriptions.agent(id: "urn:example:retrieved", registration: ["retrieved": "2001-01-01T00:00:00Z"])])
        for path in [Paths.thing("urn:example:retrieved"), "/things", "/things?limit=1", "/search/lmos"] {
            let before = Timestamp.now()
            let body = try await directory.get(path).json()
            let after = Timestamp.now()
            let description = body.arrayValue?.first ?? body
            let retrieved = try #require(Format.time(description["registration"]?["retrieved"]), "\(path)")
            #expect(before <= retrieved && retrieved <= after, "\(path)")
        }
        // It is not stored: a later read has a later time.
        let first = try await Self.registration(directory, "urn:example:retrieved")["retrieved"]
        try await Task.sleep(for: .milliseconds(20))
        let second = try await Self.registration(directory, "urn:example:retrieved")["retrieved"]
        #expect(try #require(Format.time(second)) > #require(Format.time(first)))
    }

    @Test("tdd-registrationinfo-expiry-purge: an expired TD is purged: gone from retrieval, listing and search, with thing_deleted")
    func expiryPurge() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let events = try await EventStreamClient.open(directory, "/events")
        defer { events.close() }
        let id = "urn:example:short-lived"
        try await directory.register([Descriptions.agent(id: "urn:example:long-lived", title: "Durable Agent")])
        try await directory.register([Descriptions.agent(id: id, title: "Ephemeral Agent", registration: ["ttl": 2])])
        #expect(try await directory.get("/search/lmos?q=ephemeral").json().arrayValue?.count == 1)
        #expect(try await events.next(2).map(\.type) == ["thing_created", "thing_created"])
        // Within a few seconds on an idle machine; the margin is for a machine busy with the rest of the suite.
        let gone = try await eventually(timeout: .seconds(30)) { try await directory.get(Paths.thing(id)).status == 404 }
        #expect(gone)
        let deleted = try await events.next(timeout: .seconds(30))
        #expect(deleted.type == "thing_deleted")
        #expect(try deleted.json() == ["id": .string(id)])
        #expect(try await directory.get("/things").json().arrayValue?.compactMap { $0["id"]?.stringValue } == ["urn:example:long-lived"])
        #expect(try await directory.get("/things?limit=10&format=collection").json()["total"] == 1)
        #expect(try await directory.get("/search/lmos?q=ephemeral").json() == [])
        // It cannot be patched or deleted any more, and can be registered anew.
        try expectProblem(try await directory.patch(id, ["title": "X"]), status: 404)
        try expectProblem(try await directory.delete(id), status: 404)
        #expect(try await directory.put(id, Descriptions.agent(id: id)).status == 201)
    }

    @Test("--max-ttl caps a larger ttl and applies to registrations without one")
    func maximumTTL() async throws {
        let directory = try await LiveDirectory.start(arguments: ["--max-ttl", "60"])
        defer { directory.stop() }
        try await directory.register([
            Descriptions.agent(id: "urn:example:capped", registration: ["ttl": 1000]),
            Descriptions.agent(id: "urn:example:default"),
            Descriptions.agent(id: "urn:example:far", registration: ["expires": "2099-01-01T00:00:00Z"]),
        ])
        for id in ["urn:example:capped", "urn:example:default"] {
            let registration = try await Self.registration(directory, id)
            #expect(registration["ttl"] == 60, "\(id)")
            let modified = try #require(Format.time(registration["modified"]))
            #expect(Format.time(registration["expires"]) == modified.adding(seconds: 60), "\(id)")
        }
        let far = try await Self.registration(directory, "urn:example:far")
        let modified = try #require(Format.time(far["modified"]))
        #expect(Format.time(far["expires"]) == modified.adding(seconds: 60))
    }

    @Test("a restarted directory on the same SQLite file still has the descriptions, with the same registration")
    func survivesRestart() async throws {
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-directory-restart")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try await LiveDirectory.start(in: folder)
        let document = Descriptions.built(id: "urn:example:persistent")
        try await first.register([document])
        let anonymous = try #require(try await first.post(Descriptions.agent(id: nil, title: "Anonymous")).header("Location"))
        let before = try #require(try await first.description("urn:example:persistent"))
        first.stopKeepingStore()

        let second = try await LiveDirectory.start(in: folder)
        defer { second.stop() }
        let after = try #require(try await second.description("urn:example:persistent"))
        #expect(Descriptions.withoutDirectoryAdditions(after) == document)
        #expect(after["registration"]?["created"] == before["registration"]?["created"])
        #expect(after["registration"]?["modified"] == before["registration"]?["modified"])
        #expect(after["@context"] == before["@context"])
        #expect(try await second.description(anonymous)?["title"] == "Anonymous")
        #expect(try await second.get("/things").json().arrayValue?.count == 2)
        // An update after the restart keeps created and is a replacement (204), not a creation.
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await second.put("urn:example:persistent", Descriptions.setting("title", "Updated", in: document)).status == 204)
        let updated = try #require(try await second.description("urn:example:persistent"))
        #expect(updated["registration"]?["created"] == before["registration"]?["created"])
        #expect(updated["registration"]?["modified"] != before["registration"]?["modified"])
    }
}
