import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

/// WoT Discovery 7.3.2.4: the Notification API, Server-Sent Events at `/events`, read with a streaming client.
@Suite("Notifications (Server-Sent Events)")
struct NotificationTests {
    /// Creates, updates (PUT and PATCH) and deletes one TD; returns its id.
    static func lifecycle(_ directory: LiveDirectory, id: String = "urn:example:events") async throws -> String {
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "Created")).status == 201)
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "Replaced")).status == 204)
        #expect(try await directory.patch(id, ["description": "Patched"]).status == 204)
        #expect(try await directory.delete(id).status == 204)
        return id
    }

    @Test("tdd-notification: the directory has a Notification API at /events")
    func notification() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let events = try await EventStreamClient.open(directory, "/events")
        defer { events.close() }
        #expect(events.status == 200)
        try await directory.register([Descriptions.agent(id: "urn:example:notified")])
        let event = try await events.next()
        #expect(event.type == "thing_created")
        #expect(try event.json()["id"] == "urn:example:notified")
        // The directory's own description offers the events.
        let own = try await directory.get("/.well-known/wot").json()
        #expect(own["events"]?["thingCreated"]?["forms"]?[0]?["href"]?.stringValue?.hasPrefix("/events/thing_created") == true)
    }

    @Test("tdd-notification-sse: events follow Server-Sent Events: text/event-stream, event/id/data fields, blank-line framing")
    func serverSentEvents() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let events = try await EventStreamClient.open(directory, "/events")
        defer { events.close() }
        #expect(events.headers.first(name: "Content-Type") == "text/event-stream")
        #expect(events.headers.first(name: "Cache-Control") == "no-cache")
        try await directory.register([Descriptions.agent(id: "urn:example:sse")])
        let event = try await events.next()
        #expect(event.type == "thing_created")
        #expect(event.id != nil)
        #expect(!event.data.contains("\n"))
        // Without an Accept header, and with text/*, the stream is served too.
        let noAccept = try await EventStreamClient.open(directory, "/events", accept: nil)
        defer { noAccept.close() }
        #expect(noAccept.status == 200)
        let wildcard = try await EventStreamClient.open(directory, "/events", accept: "text/*")
        defer { wildcard.close() }
        #expect(wildcard.status == 200)
        // The exact bytes of one event, read on a raw socket from a resumed stream.
        let raw = try await Self.rawEvents(directory, after: 0, until: "}\n\n")
        #expect(raw.contains("event: thing_created\nid: \(event.id ?? "")\ndata: {\"id\":\"urn:example:sse\"}\n\n"), "\(raw)")
    }

    @Test("tdd-notification-event-id: events have increasing ids; a client reconnecting with Last-Event-ID gets every missed event")
    func eventID() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let events = try await EventStreamClient.open(directory, "/events")
        _ = try await Self.lifecycle(directory, id: "urn:example:first")
        let seen = try await events.next(4)
        events.close()
        let ids = seen.compactMap { $0.id.flatMap { Int64($0) } }
        #expect(ids.count == 4)
        #expect(ids == ids.sorted() && Set(ids).count == 4)
        // While disconnected, more happens.
        _ = try await Self.lifecycle(directory, id: "urn:example:second")
        // Resuming from the second event: exactly events 3 and 4 of the first run, then the four missed ones.
        let resumed = try await EventStreamClient.open(directory, "/events", lastEventID: String(ids[1]))
        defer { resumed.close() }
        let replay = try await resumed.next(6)
        #expect(replay.prefix(2).map(\.id) == [seen[2].id, seen[3].id])
        let replayIDs = replay.compactMap { $0.id.flatMap { Int64($0) } }
        #expect(replayIDs.count == 6 && replayIDs == replayIDs.sorted() && Set(replayIDs).count == 6)
        #expect(replay.map(\.type) == ["thing_updated", "thing_deleted", "thing_created", "thing_updated", "thing_updated", "thing_deleted"])
        #expect(try replay.suffix(4).allSatisfy { try $0.json()["id"] == "urn:example:second" })
        #expect(try await resumed.drain(for: .milliseconds(300)).isEmpty)
        // Then it goes on live, without repeats.
        try await directory.register([Descriptions.agent(id: "urn:example:third")])
        let live = try await resumed.next()
        #expect(live.type == "thing_created")
        #expect(Int64(live.id ?? "") ?? 0 > Int64(replay.last?.id ?? "") ?? .max)
        // Resuming from the last id gets nothing old.
        let caughtUp = try await EventStreamClient.open(directory, "/events", lastEventID: live.id)
        defer { caughtUp.close() }
        #expect(try await caughtUp.drain(for: .milliseconds(300)).isEmpty)
    }

    @Test("tdd-notification-event-types: the lifecycle produces thing_created, thing_updated and thing_deleted in order")
    func eventTypes() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let events = try await EventStreamClient.open(directory, "/events")
        defer { events.close() }
        let id = try await Self.lifecycle(directory)
        let anonymous = try #require(try await directory.post(Descriptions.agent(id: nil)).header("Location"))
        let received = try await events.next(5)
        #expect(received.map(\.type) == ["thing_created", "thing_updated", "thing_updated", "thing_deleted", "thing_created"])
        #expect(try received.map { try $0.json()["id"]?.stringValue } == [id, id, id, id, anonymous])
        // A refused change produces no event.
        try expectProblem(try await directory.put(id, Descriptions.setting("title", nil, in: Descriptions.agent(id: id))), status: 400)
        try expectProblem(try await directory.delete(id), status: 404)
        #expect(try await events.drain(for: .milliseconds(300)).isEmpty)
    }

    @Test("tdd-notification-filter-type: /events/{type} delivers only that type")
    func filterType() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let created = try await EventStreamClient.open(directory, "/events/thing_created")
        let updated = try await EventStreamClient.open(directory, "/events/thing_updated")
        let deleted = try await EventStreamClient.open(directory, "/events/thing_deleted")
        defer { [created, updated, deleted].forEach { $0.close() } }
        let id = try await Self.lifecycle(directory)
        try await directory.register([Descriptions.agent(id: "urn:example:marker")])
        #expect(try await created.next(2).map { try $0.json()["id"]?.stringValue } == [id, "urn:example:marker"])
        #expect(try await updated.next(2).map(\.type) == ["thing_updated", "thing_updated"])
        #expect(try await deleted.next().type == "thing_deleted")
        #expect(try await updated.drain(for: .milliseconds(200)).isEmpty)
        #expect(try await deleted.drain(for: .milliseconds(100)).isEmpty)
        // Filtering and resuming together: only the created events after the given id.
        let resumed = try await EventStreamClient.open(directory, "/events/thing_created", lastEventID: "1")
        defer { resumed.close() }
        #expect(try await resumed.next().json()["id"] == "urn:example:marker")
        // An unknown type is a 404 problem.
        let unknown = try await EventStreamClient.open(directory, "/events/thing_renamed")
        #expect(unknown.status == 404)
        try expectProblem(HTTPAnswer(status: unknown.status, headers: unknown.headers, body: unknown.errorBody), status: 404)
    }

    @Test("tdd-notification-data: event data is the JSON serialization of the event object")
    func data() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let plain = try await EventStreamClient.open(directory, "/events")
        let detailed = try await EventStreamClient.open(directory, "/events?diff=true")
        defer { plain.close(); detailed.close() }
        _ = try await Self.lifecycle(directory)
        for event in try await plain.next(4) + detailed.next(4) {
            let value = try event.json()
            #expect(value.objectValue != nil, "\(event)")
        }
    }

    @Test("tdd-notification-data-td-id: event data holds the TD's id in Partial TD form")
    func dataTDID() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let events = try await EventStreamClient.open(directory, "/events")
        defer { events.close() }
        let id = try await Self.lifecycle(directory, id: "urn:example:partial/td?x#y")
        for event in try await events.next(4) {
            #expect(try event.json() == ["id": .string(id)], "\(event)")
        }
    }

    @Test("tdd-notification-data-create-full: with diff=true, thing_created carries the whole TD")
    func dataCreateFull() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let events = try await EventStreamClient.open(directory, "/events/thing_created?diff=true")
        defer { events.close() }
        let document = Descriptions.built(id: "urn:example:full")
        try await directory.register([document])
        let data = try await events.next().json()
        #expect(Descriptions.withoutDirectoryAdditions(data) == document)
        // The Enriched TD, as it is stored.
        #expect(data["@context"]?.arrayValue?.contains(.string(Descriptions.discoveryContext)) == true)
        let stored = try #require(try await directory.description("urn:example:full"))
        #expect(data["registration"]?["created"] == stored["registration"]?["created"])
        // An anonymous one carries its generated id.
        let anonymous = try #require(try await directory.post(Descriptions.agent(id: nil, title: "Anonymous")).header("Location"))
        let anonymousData = try await events.next().json()
        #expect(anonymousData["id"] == .string(anonymous))
        #expect(anonymousData["title"] == "Anonymous")
    }

    @Test("tdd-notification-data-update-diff: with diff=true, thing_updated carries a JSON Merge Patch of the change")
    func dataUpdateDiff() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:diff"
        let original = Descriptions.agent(
            id: id, title: "Original", description: "removed later",
            capabilities: [Descriptions.capability("urn:acme:capability:a", name: "A")])
        try await directory.register([original])
        let before = try #require(try await directory.description(id))
        let events = try await EventStreamClient.open(directory, "/events/thing_updated?diff=true")
        defer { events.close() }
        let replacement = Descriptions.setting("description", nil, in: Descriptions.setting("title", "Replaced", in: original))
        #expect(try await directory.put(id, replacement).status == 204)
        let after = try #require(try await directory.description(id))
        let patch = try await events.next().json()
        #expect(patch["title"] == "Replaced")
        #expect(patch["description"] == .null)
        #expect(patch["lmos:capabilities"] == nil)
        #expect(patch["securityDefinitions"] == nil)
        // Applied to the TD before, it gives the TD after (registration times aside).
        var patched = before
        patched.applyMergePatch(patch)
        #expect(Descriptions.withoutDirectoryAdditions(patched) == Descriptions.withoutDirectoryAdditions(after))
        #expect(patched["registration"]?["modified"] == after["registration"]?["modified"])
        // A PATCH gives a merge patch too.
        #expect(try await directory.patch(id, ["lmos:capabilities": [["id": "urn:acme:capability:b", "name": "B"]]]).status == 204)
        let second = try await events.next().json()
        #expect(second["lmos:capabilities"] == [["id": "urn:acme:capability:b", "name": "B"]])
        #expect(second["title"] == nil)
    }

    @Test("tdd-notification-data-update-id: a thing_updated merge patch always includes the TD's id")
    func dataUpdateID() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:update-id"
        try await directory.register([Descriptions.agent(id: id)])
        let anonymous = try #require(try await directory.post(Descriptions.agent(id: nil)).header("Location"))
        let events = try await EventStreamClient.open(directory, "/events?diff=true")
        defer { events.close() }
        // The id does not change in any of these.
        #expect(try await directory.patch(id, ["title": "New title"]).status == 204)
        #expect(try await directory.put(id, Descriptions.agent(id: id, title: "Again")).status == 204)
        #expect(try await directory.put(anonymous, Descriptions.agent(id: nil, title: "Anonymous changed")).status == 204)
        let updates = try await events.next(3)
        #expect(updates.map(\.type) == ["thing_updated", "thing_updated", "thing_updated"])
        #expect(try updates.map { try $0.json()["id"]?.stringValue } == [id, id, anonymous])
    }

    @Test("tdd-notification-data-delete-diff: diff is ignored for thing_deleted")
    func dataDeleteDiff() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:deleted"
        try await directory.register([Descriptions.built(id: id)])
        let detailed = try await EventStreamClient.open(directory, "/events/thing_deleted?diff=true")
        let plain = try await EventStreamClient.open(directory, "/events/thing_deleted?diff=false")
        defer { detailed.close(); plain.close() }
        #expect(try await directory.delete(id).status == 204)
        let withDiff = try await detailed.next()
        let without = try await plain.next()
        #expect(withDiff.type == "thing_deleted")
        #expect(try withDiff.json() == ["id": .string(id)])
        #expect(withDiff.data == without.data)
        #expect(withDiff.id == without.id)
    }

    @Test("events after a restart: a client resumes with an id from before the restart and misses nothing")
    func eventsSurviveRestart() async throws {
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-directory-events")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try await LiveDirectory.start(in: folder)
        let events = try await EventStreamClient.open(first, "/events")
        try await first.register([Descriptions.agent(id: "urn:example:before:1"), Descriptions.agent(id: "urn:example:before:2")])
        let seen = try await events.next(2)
        events.close()
        // Changed after the client saw the first event, before the restart.
        #expect(try await first.delete("urn:example:before:2").status == 204)
        first.stopKeepingStore()

        let second = try await LiveDirectory.start(in: folder)
        defer { second.stop() }
        try await second.register([Descriptions.agent(id: "urn:example:after")])
        let resumed = try await EventStreamClient.open(second, "/events", lastEventID: seen[0].id)
        defer { resumed.close() }
        let replay = try await resumed.next(3)
        #expect(replay.map(\.type) == ["thing_created", "thing_deleted", "thing_created"])
        #expect(try replay.map { try $0.json()["id"]?.stringValue } == ["urn:example:before:2", "urn:example:before:2", "urn:example:after"])
        #expect(replay[0].id == seen[1].id)
        // Ids keep increasing across the restart.
        let numbers = replay.compactMap { $0.id.flatMap { Int64($0) } }
        #expect(numbers == numbers.sorted() && Set(numbers).count == 3)
        #expect(numbers.first ?? 0 > Int64(seen[0].id ?? "") ?? .max)
    }

    @Test("the CLI lmos watch --format json prints one JSON line per event")
    func watchCommand() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let watch = try BackgroundProcess(lmosBinary(), ["watch", "--directory", directory.url, "--format", "json"])
        defer { watch.terminate() }
        func lines() -> [String] { watch.standardOutput.split(separator: "\n").map(String.init) }
        // The watcher subscribes a moment after it starts: change a probe until it has printed something.
        var probes = 0
        let subscribed = try await eventually(timeout: .seconds(15)) {
            if !lines().isEmpty { return true }
            probes += 1
            _ = try await directory.put("urn:example:watch:probe", Descriptions.agent(id: "urn:example:watch:probe", title: "\(probes)"))
            return false
        }
        #expect(subscribed, "\(watch.standardError)")
        try await Task.sleep(for: .milliseconds(100))
        let before = lines().count
        _ = try await Self.lifecycle(directory, id: "urn:example:watch")
        let complete = try await eventually(timeout: .seconds(10)) { lines().count >= before + 4 }
        #expect(complete, "\(watch.standardOutput)")
        let parsed = try lines().map { try JSONValue(parsing: $0) }
        for line in parsed {
            #expect(line["event"]?.stringValue?.hasPrefix("thing_") == true, "\(line.jsonString())")
            #expect(line["id"]?.stringValue.flatMap { Int64($0) } != nil, "\(line.jsonString())")
            #expect(line["data"]?["id"]?.stringValue != nil, "\(line.jsonString())")
        }
        let tail = Array(parsed.suffix(4))
        #expect(tail.map { $0["event"]?.stringValue } == ["thing_created", "thing_updated", "thing_updated", "thing_deleted"])
        #expect(tail.allSatisfy { $0["data"] == ["id": "urn:example:watch"] })
    }

    /// The text of a resumed event stream read on a plain socket until `terminator` has arrived.
    static func rawEvents(_ directory: LiveDirectory, after id: Int, until terminator: String) async throws -> String {
        try await onThread {
            try RawHTTP.readStream(
                port: directory.port,
                text: "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nLast-Event-ID: \(id)\r\n\r\n",
                until: Array(terminator.utf8))
        }
    }
}
