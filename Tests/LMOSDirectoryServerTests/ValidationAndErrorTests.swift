import AsyncHTTPClient
import Foundation
import LMOSCore
import Testing

/// WoT Discovery 7.3.2: validation of submitted TDs (7.3.2.1.6), problem details for every error, HEAD for every
/// GET, and unsupported features.
@Suite("Validation and errors")
struct ValidationAndErrorTests {
    // MARK: - Validation

    @Test("tdd-validation-syntactic: a body that is not JSON is refused with the line and column of the error")
    func syntactic() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:syntax"
        // The LMOS documentation's kind of mistake: a trailing comma.
        let trailingComma = """
            {
              "@context": "https://www.w3.org/2022/wot/td/v1.1",
              "id": "urn:example:syntax",
              "title": "Broken",
            }
            """
        let answer = try await directory.send(.PUT, Paths.thing(id), body: Array(trailingComma.utf8), contentType: "application/td+json")
        let problem = try expectProblem(answer, status: 400)
        let detail = try #require(problem["detail"]?.stringValue)
        #expect(detail.contains("line 5"), "\(detail)")
        #expect(detail.contains("column 1"), "\(detail)")
        // A comment, on line 2, column 3.
        let comment = "{\n  // comment\n  \"title\": \"x\"\n}"
        let commented = try expectProblem(
            try await directory.send(.POST, "/things", body: Array(comment.utf8), contentType: "application/td+json"), status: 400)
        #expect(commented["detail"]?.stringValue?.contains("line 2, column 3") == true, "\(commented["detail"]?.stringValue ?? "")")
        // Not UTF-8, empty, not an object.
        try expectProblem(
            try await directory.send(.PUT, Paths.thing(id), body: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], contentType: "application/td+json"),
            status: 400)
        try expectProblem(try await directory.send(.PUT, Paths.thing(id), body: [], contentType: "application/td+json"), status: 400)
        let array = try expectProblem(try await directory.put(id, [Descriptions.agent(id: id)]), status: 400)
        #expect(array["detail"]?.stringValue?.contains("object") == true)
        #expect(try await directory.get("/things").json() == [])
    }

    @Test("tdd-validation-jsonschema: TDs are validated against the TD 1.1 schema and rules before storage")
    func jsonSchema() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:schema"
        let valid = Descriptions.agent(id: id)
        let cases: [(String, JSONValue, String)] = [
            ("no title", Descriptions.setting("title", nil, in: valid), "/title"),
            ("no security", Descriptions.setting("security", nil, in: valid), "/security"),
            ("title not a string", Descriptions.setting("title", 42, in: valid), "/title"),
            ("unknown security scheme", Descriptions.setting("securityDefinitions", ["x_sc": ["scheme": "magic"]], in: valid), "/securityDefinitions/x_sc/scheme"),
            ("id not a URI", Descriptions.setting("id", "not a uri", in: valid), "/id"),
            (
                "form without href",
                Descriptions.setting("actions", ["getWeather": ["forms": [["op": "invokeaction"]]]], in: valid),
                "/actions/getWeather/forms/0/href"
            ),
            (
                "capability without name",
                Descriptions.setting("lmos:capabilities", [["id": "urn:acme:capability:x"]], in: valid),
                "/lmos:capabilities/0/name"
            ),
        ]
        for (name, document, field) in cases {
            let path = Paths.thing(document["id"]?.stringValue ?? id)
            let answer = try await directory.send(.PUT, path, body: document.jsonBytes(), contentType: "application/td+json")
            let problem = try expectProblem(answer, status: 400)
            #expect(validationErrors(problem).contains { $0.field == field }, "\(name): \(problem.jsonString())")
        }
        // Anonymous TDs are validated as well.
        let anonymous = try expectProblem(try await directory.post(Descriptions.setting("title", nil, in: Descriptions.agent(id: nil))), status: 400)
        #expect(validationErrors(anonymous).map(\.field) == ["/title"])
        #expect(try await directory.get("/things").json() == [])
        // A TD 1.0 context is accepted too.
        let td10 = Descriptions.setting("@context", "https://www.w3.org/2019/wot/td/v1", in: Descriptions.agent(id: id, type: "Thing"))
        #expect(try await directory.put(id, td10).status == 201)
    }

    @Test("tdd-validation-result: a refused TD is answered with what is wrong and where")
    func validationResult() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:result"
        var document = Descriptions.built(id: id)
        document.applyMergePatch(["title": nil, "actions": ["getWeather": ["forms": [["op": "invokeaction"]]]]])
        let problem = try expectProblem(try await directory.put(id, document), status: 400)
        let errors = validationErrors(problem)
        #expect(errors.contains { $0.field == "/title" && $0.description == "is required" }, "\(problem.jsonString())")
        #expect(errors.contains { $0.field == "/actions/getWeather/forms/0/href" && $0.description == "is required" })
        #expect(problem["detail"]?.stringValue?.contains("\(errors.count)") == true)
        #expect(problem["instance"] == .string(Paths.thing(id)))
        // Fixing exactly what was named makes it valid.
        document.applyMergePatch([
            "title": "Fixed", "actions": ["getWeather": ["forms": [["op": "invokeaction", "href": "actions/getWeather"]]]],
        ])
        #expect(try await directory.put(id, document).status == 201)
    }

    @Test("tdd-validation-response: validation errors are problem details with validationErrors of field and description")
    func validationResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:response"
        let document = Descriptions.setting("security", "missing_sc", in: Descriptions.setting("title", nil, in: Descriptions.agent(id: id)))
        let answer = try await directory.put(id, document)
        let problem = try expectProblem(answer, status: 400)
        let raw = try #require(problem["validationErrors"]?.arrayValue)
        #expect(raw.count >= 2)
        for error in raw {
            #expect(error.objectValue?.keys.sorted() == ["description", "field"], "\(error.jsonString())")
            // field is a JSON Pointer into the TD.
            #expect(error["field"]?.stringValue?.hasPrefix("/") == true)
            #expect(error["description"]?.stringValue?.isEmpty == false)
        }
        #expect(validationErrors(problem).map(\.field).contains("/title"))
        #expect(validationErrors(problem).contains { $0.field.hasPrefix("/security") })
        // Errors that are not about the TD carry no validationErrors.
        let missing = try expectProblem(try await directory.get(Paths.thing("urn:example:none")), status: 404)
        #expect(missing["validationErrors"] == nil)
    }

    @Test("tdd-validation-response-utf-8: validation problems are encoded in UTF-8")
    func validationResponseUTF8() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        // The TD's id differs from the (non-ASCII) id in the path: the description quotes both.
        let answer = try await directory.put("urn:example:größe", Descriptions.agent(id: "urn:example:size"))
        let problem = try expectProblem(answer, status: 400)
        #expect(Format.charset(answer.contentType) == "utf-8")
        #expect(String(validating: answer.body, as: UTF8.self) != nil)
        let errors = validationErrors(problem)
        #expect(errors.map(\.field) == ["/id"])
        #expect(errors.first?.description.contains("urn:example:größe") == true, "\(errors)")
        // Non-ASCII ids and names that are fine do not disturb validation of the rest.
        let named = Descriptions.agent(
            id: "urn:example:ünï", capabilities: [["id": "urn:acme:capability:größe ✓", "name": "Größe ✓"]])
        let second = try expectProblem(try await directory.send(
            .PUT, Paths.thing("urn:example:ünï"), body: named.jsonBytes(), contentType: "application/td+json"), status: 400)
        #expect(validationErrors(second).map(\.field) == ["/lmos:capabilities/0/id"])
    }

    // MARK: - Problem details

    @Test("tdd-http-error-response: every client and server error is an RFC 7807 problem")
    func errorResponse() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register([Descriptions.agent(id: "urn:example:exists")])
        let cases: [(String, HTTPAnswer, Int)] = [
            ("unknown TD", try await directory.get(Paths.thing("urn:example:nothing")), 404),
            ("unknown resource", try await directory.get("/nothing/here"), 404),
            ("unknown search", try await directory.get("/search/nothing"), 404),
            ("unknown event type", try await directory.get("/events/thing_exploded"), 404),
            ("method", try await directory.send(.POST, "/.well-known/wot"), 405),
            ("bad limit", try await directory.get("/things?limit=zero"), 400),
            ("bad diff", try await directory.get("/events?diff=maybe"), 400),
            ("bad Last-Event-ID", try await directory.send(.GET, "/events", headers: [("Last-Event-ID", "yesterday")]), 400),
            ("media type", try await directory.send(.PUT, Paths.thing("urn:example:exists"), body: [0x7B, 0x7D], contentType: "image/png"), 415),
            ("accept", try await directory.get(Paths.thing("urn:example:exists"), accept: "image/png"), 406),
            ("events accept", try await directory.get("/events", accept: "application/json"), 406),
            ("delete missing", try await directory.delete("urn:example:nothing"), 404),
            ("unsupported", try await directory.get("/search/sparql?query=ASK%20%7B%7D"), 501),
        ]
        for (name, answer, status) in cases {
            let problem = try expectProblem(answer, status: status)
            #expect(problem["title"]?.stringValue?.isEmpty == false, "\(name)")
            #expect(problem["type"] == "about:blank", "\(name)")
        }
        let notAllowed = try await directory.send(.POST, "/.well-known/wot")
        #expect(notAllowed.header("Allow") == "GET, HEAD")
        #expect(try notAllowed.json()["title"] == "Method Not Allowed")
    }

    @Test("tdd-http-error-response-utf-8: problem details are encoded in UTF-8")
    func errorResponseUTF8() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:日本語:größe:😀"
        let answer = try await directory.get(Paths.thing(id))
        let problem = try expectProblem(answer, status: 404)
        #expect(Format.charset(answer.contentType) == "utf-8")
        #expect(problem["detail"]?.stringValue?.contains(id) == true)
        #expect(problem["instance"]?.stringValue?.isEmpty == false)
        // The bytes are UTF-8 (the JSON may write characters as they are or escaped, both are UTF-8 text).
        let text = try #require(String(validating: answer.body, as: UTF8.self))
        #expect(try JSONValue(parsing: text) == problem)
    }

    @Test("a body larger than --max-body-size is refused with 413 problem details")
    func bodyTooLarge() async throws {
        let directory = try await LiveDirectory.start(arguments: ["--max-body-size", "1000"])
        defer { directory.stop() }
        let small = Descriptions.agent(id: "urn:example:small")
        #expect(small.jsonBytes().count < 1000)
        #expect(try await directory.put("urn:example:small", small).status == 201)
        let large = Descriptions.agent(id: "urn:example:large", description: String(repeating: "x", count: 2000))
        let problem = try expectProblem(try await directory.put("urn:example:large", large), status: 413)
        #expect(problem["detail"]?.stringValue?.contains("1000") == true)
        try expectProblem(try await directory.post(Descriptions.agent(id: nil, description: String(repeating: "y", count: 5000))), status: 413)
        try expectProblem(try await directory.patch("urn:example:small", ["description": JSONValue.string(String(repeating: "z", count: 1500))]), status: 413)
        #expect(try await directory.description("urn:example:large") == nil)
        #expect(try await directory.description("urn:example:small")?["description"] == nil)
    }

    // MARK: - HEAD

    @Test("tdd-http-head: every GET endpoint answers HEAD with the same status and headers and no body")
    func head() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        try await directory.register([Descriptions.agent(id: "urn:example:head"), Descriptions.agent(id: "urn:example:head2")])
        let paths = [
            "/things", "/things?limit=1", "/things?format=collection", Paths.thing("urn:example:head"), "/search/lmos?type=Agent",
            "/search/lmos?limit=1", "/.well-known/wot", Paths.thing("urn:example:missing"), "/things?limit=0",
            "/search/sparql?query=ASK%20%7B%7D",
        ]
        for path in paths {
            let get = try await directory.get(path)
            let head = try await directory.send(.HEAD, path)
            #expect(head.status == get.status, "\(path)")
            #expect(head.contentType == get.contentType, "\(path)")
            #expect(head.links == get.links, "\(path)")
            #expect(head.header("ETag") == get.header("ETag"), "\(path)")
            #expect(head.body.isEmpty, "\(path)")
            // On the wire: nothing after the header block, whatever the client library does with HEAD.
            let raw = RawHTTP.split(try directory.raw("HEAD \(path) HTTP/1.1"))
            #expect(raw.head.hasPrefix("HTTP/1.1 \(get.status) "), "\(path): \(raw.head)")
            #expect(raw.body.isEmpty, "\(path): \(raw.body.count) bytes after the head")
            // A Content-Length, when sent, is the GET's.
            if let length = head.header("Content-Length") {
                #expect(Int(length) == get.body.count, "\(path): HEAD Content-Length \(length), GET body \(get.body.count) bytes")
            }
        }
        // The event stream: HEAD gets its headers and ends at once instead of streaming.
        for path in ["/events", "/events/thing_created?diff=true"] {
            let raw = RawHTTP.split(try directory.raw("HEAD \(path) HTTP/1.1", headers: ["Accept: text/event-stream"]))
            #expect(raw.head.hasPrefix("HTTP/1.1 200 "), "\(path): \(raw.head)")
            #expect(raw.head.lowercased().contains("content-type: text/event-stream"), "\(path): \(raw.head)")
            #expect(raw.body.isEmpty, "\(path)")
        }
        // HEAD of an unknown event type is its 404 without the problem body.
        let unknown = try await directory.send(.HEAD, "/events/unknown")
        #expect(unknown.status == 404)
        #expect(Format.essence(unknown.contentType) == "application/problem+json")
    }

    // MARK: - Unsupported features

    @Test("tdd-http-unsupported-feature: SPARQL search is not implemented: 501 with problem details")
    func unsupportedFeature() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let query = Paths.query("/search/sparql", [("query", "SELECT ?s WHERE { ?s ?p ?o }")])
        let problem = try expectProblem(try await directory.get(query), status: 501)
        #expect(problem["detail"]?.stringValue?.contains("sparql") == true)
        try expectProblem(try await directory.get("/search/sparql"), status: 501)
        try expectProblem(try await directory.get("/search/xpath?query=%2F"), status: 501)
        let head = try await directory.send(.HEAD, query)
        #expect(head.status == 501)
        #expect(head.body.isEmpty)
        // POST (optional in WoT Discovery) is not offered either.
        let post = try await directory.send(.POST, "/search/sparql", body: Array("ASK {}".utf8), contentType: "application/sparql-query")
        #expect(post.status == 405 || post.status == 501)
        try expectProblem(post, status: post.status)
    }
}
