import LMOSCore
import LMOSDescription
import Testing

/// Each TD 1.1 rule (the TD 1.1 JSON Schema plus the rules it cannot express) and each LMOS rule, at least once:
/// a JSON Merge Patch applied to a valid description, and the field and message that must be reported.
@Suite struct ValidationTableTests {
    static let base: JSONValue = {
        let text = #"""
            {"@context": "https://www.w3.org/2022/wot/td/v1.1", "id": "urn:dev:ops:32473-WoTLamp-1234",
             "title": "MyLampThing",
             "securityDefinitions": {"basic_sc": {"scheme": "basic", "in": "header"}}, "security": "basic_sc",
             "properties": {"status": {"type": "string", "forms": [{"href": "https://lamp.example/status"}]}},
             "actions": {"toggle": {"forms": [{"href": "https://lamp.example/toggle"}]}},
             "events": {"overheating": {"data": {"type": "string"},
                        "forms": [{"href": "https://lamp.example/oh", "subprotocol": "longpoll"}]}}}
            """#
        return (try? JSONValue(parsing: text)) ?? .null
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        let patch: String
        let field: String
        let message: String
        var testDescription: String { "\(field) <- \(patch)" }
    }

    static func validate(_ patch: String) throws -> [ValidationError] {
        let document = base.mergePatched(with: try JSONValue(parsing: patch))
        return try ThingDescription(document).validate()
    }

    @Test func baseIsValid() throws {
        #expect(try ThingDescription(Self.base).validate() == [])
    }

    static let invalid: [Case] = [
        // Required members (root `required`).
        Case(patch: #"{"title": null}"#, field: "/title", message: "is required"),
        Case(patch: #"{"@context": null}"#, field: "/@context", message: "is required"),
        Case(patch: #"{"security": null}"#, field: "/security", message: "is required"),
        Case(patch: #"{"securityDefinitions": null}"#, field: "/securityDefinitions", message: "is required"),
        // Human-readable metadata.
        Case(patch: #"{"title": 1}"#, field: "/title", message: "must be a string, found integer"),
        Case(patch: #"{"titles": {"en": 1}}"#, field: "/titles/en", message: "must be a string"),
        Case(patch: #"{"titles": {"english!": "x"}}"#, field: "/titles/english!", message: "BCP 47"),
        Case(patch: #"{"description": false}"#, field: "/description", message: "must be a string, found boolean"),
        Case(patch: #"{"descriptions": "x"}"#, field: "/descriptions", message: "must be an object, found string"),
        // id, @context, @type.
        Case(patch: #"{"id": "lamp"}"#, field: "/id", message: "must be a URI"),
        Case(patch: #"{"id": 5}"#, field: "/id", message: "must be a string"),
        Case(patch: #"{"@context": "https://example.com"}"#, field: "/@context", message: "must be \"https://www.w3.org/2022/wot/td/v1.1\""),
        Case(patch: #"{"@context": ["https://example.com", "https://www.w3.org/2022/wot/td/v1.1"]}"#, field: "/@context/0", message: "first entry"),
        Case(patch: #"{"@context": ["https://www.w3.org/2022/wot/td/v1.1", "https://www.w3.org/2019/wot/td/v1"]}"#, field: "/@context/1", message: "TD 1.0 context may only come before"),
        Case(patch: #"{"@context": ["https://www.w3.org/2022/wot/td/v1.1", {"lmos": 5}]}"#, field: "/@context/1/lmos", message: "must be a string"),
        Case(patch: #"{"@context": ["https://www.w3.org/2022/wot/td/v1.1", 5]}"#, field: "/@context/1", message: "URI string or an object"),
        Case(patch: #"{"@context": 5}"#, field: "/@context", message: "must be a string or an array"),
        Case(patch: #"{"@type": "tm:ThingModel"}"#, field: "/@type", message: "tm:ThingModel"),
        Case(patch: #"{"@type": ["saref:LightSwitch", 1]}"#, field: "/@type/1", message: "must be a string"),
        Case(patch: #"{"@type": {}}"#, field: "/@type", message: "must be a string or an array of strings"),
        // version, dates, base, support, profile.
        Case(patch: #"{"version": {"model": "x"}}"#, field: "/version/instance", message: "is required"),
        Case(patch: #"{"version": "1.0"}"#, field: "/version", message: "must be an object"),
        Case(patch: #"{"created": "yesterday"}"#, field: "/created", message: "RFC 3339"),
        Case(patch: #"{"modified": "2026-02-30T10:00:00Z"}"#, field: "/modified", message: "RFC 3339"),
        Case(patch: #"{"modified": "2026-01-30 10:00:00"}"#, field: "/modified", message: "RFC 3339"),
        Case(patch: #"{"base": "http://x y/"}"#, field: "/base", message: "must be a URI"),
        Case(patch: #"{"support": 7}"#, field: "/support", message: "must be a string"),
        Case(patch: #"{"profile": []}"#, field: "/profile", message: "must not be an empty array"),
        Case(patch: #"{"profile": [1]}"#, field: "/profile/0", message: "must be a string"),
        // security references.
        Case(patch: #"{"security": []}"#, field: "/security", message: "at least one"),
        Case(patch: #"{"security": "nope"}"#, field: "/security", message: "\"nope\" is not defined in securityDefinitions"),
        Case(patch: #"{"security": ["basic_sc", "nope"]}"#, field: "/security/1", message: "not defined"),
        Case(patch: #"{"security": 5}"#, field: "/security", message: "must be a string or an array of strings"),
        // security schemes.
        Case(patch: #"{"securityDefinitions": {"basic_sc": null}}"#, field: "/securityDefinitions", message: "at least one"),
        Case(patch: #"{"securityDefinitions": []}"#, field: "/securityDefinitions", message: "must be an object"),
        Case(patch: #"{"securityDefinitions": {"basic_sc": {"scheme": null}}}"#, field: "/securityDefinitions/basic_sc/scheme", message: "is required"),
        Case(patch: #"{"securityDefinitions": {"basic_sc": {"scheme": "magic"}}}"#, field: "/securityDefinitions/basic_sc/scheme", message: "not a TD 1.1 security scheme"),
        Case(patch: #"{"securityDefinitions": {"basic_sc": {"in": "uri"}}}"#, field: "/securityDefinitions/basic_sc/in", message: "\"uri\" is not one of"),
        Case(patch: #"{"securityDefinitions": {"d": {"scheme": "digest", "qop": "everything"}}}"#, field: "/securityDefinitions/d/qop", message: "is not one of \"auth\", \"auth-int\""),
        Case(patch: #"{"securityDefinitions": {"a": {"scheme": "auto", "name": "x"}}}"#, field: "/securityDefinitions/a/name", message: "not allowed"),
        Case(patch: #"{"securityDefinitions": {"c": {"scheme": "combo", "oneOf": ["basic_sc"]}}}"#, field: "/securityDefinitions/c/oneOf", message: "at least two"),
        Case(patch: #"{"securityDefinitions": {"c": {"scheme": "combo", "oneOf": ["basic_sc", "x"], "allOf": ["basic_sc", "x"]}}}"#, field: "/securityDefinitions/c", message: "exactly one of oneOf or allOf"),
        Case(patch: #"{"securityDefinitions": {"c": {"scheme": "combo", "allOf": ["basic_sc", "missing"]}}}"#, field: "/securityDefinitions/c/allOf/1", message: "not defined"),
        Case(patch: #"{"securityDefinitions": {"c": {"scheme": "combo", "allOf": ["basic_sc", "c"]}}}"#, field: "/securityDefinitions/c/allOf/1", message: "cannot include itself"),
        Case(patch: #"{"securityDefinitions": {"o": {"scheme": "oauth2", "scopes": 3}}}"#, field: "/securityDefinitions/o/scopes", message: "must be a string or an array"),
        Case(patch: #"{"securityDefinitions": {"o": {"scheme": "oauth2", "token": 3}}}"#, field: "/securityDefinitions/o/token", message: "must be a string"),
        Case(patch: #"{"securityDefinitions": {"b": {"scheme": "bearer", "alg": 256}}}"#, field: "/securityDefinitions/b/alg", message: "must be a string"),
        Case(patch: #"{"securityDefinitions": {"k": {"scheme": "apikey", "in": "path"}}}"#, field: "/securityDefinitions/k/in", message: "is not one of"),
        Case(patch: #"{"securityDefinitions": {"p": {"scheme": "psk", "identity": 1}}}"#, field: "/securityDefinitions/p/identity", message: "must be a string"),
        Case(patch: #"{"securityDefinitions": {"basic_sc": {"proxy": 1}}}"#, field: "/securityDefinitions/basic_sc/proxy", message: "must be a string"),
        Case(patch: #"{"securityDefinitions": {"basic_sc": "basic"}}"#, field: "/securityDefinitions/basic_sc", message: "must be an object"),
        // Affordance maps and forms.
        Case(patch: #"{"properties": []}"#, field: "/properties", message: "must be an object, found array"),
        Case(patch: #"{"actions": {"toggle": 1}}"#, field: "/actions/toggle", message: "must be an object"),
        Case(patch: #"{"properties": {"status": {"forms": null}}}"#, field: "/properties/status/forms", message: "is required"),
        Case(patch: #"{"events": {"overheating": {"forms": null}}}"#, field: "/events/overheating/forms", message: "is required"),
        Case(patch: #"{"properties": {"status": {"forms": []}}}"#, field: "/properties/status/forms", message: "at least one form"),
        Case(patch: #"{"actions": {"toggle": {"forms": {}}}}"#, field: "/actions/toggle/forms", message: "must be an array"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"op": "invokeaction"}]}}}"#, field: "/actions/toggle/forms/0/href", message: "is required"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "https://lamp.example/a b"}]}}}"#, field: "/actions/toggle/forms/0/href", message: "is not a URI"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": 1}]}}}"#, field: "/actions/toggle/forms/0/href", message: "must be a string"),
        Case(patch: #"{"properties": {"status": {"forms": [{"href": "s", "op": "invokeaction"}]}}}"#, field: "/properties/status/forms/0/op", message: "\"invokeaction\" is not one of \"readproperty\""),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "op": ["invokeaction", "readproperty"]}]}}}"#, field: "/actions/toggle/forms/0/op/1", message: "is not one of \"invokeaction\""),
        Case(patch: #"{"events": {"overheating": {"forms": [{"href": "e", "op": "observeproperty"}]}}}"#, field: "/events/overheating/forms/0/op", message: "is not one of \"subscribeevent\""),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "op": []}]}}}"#, field: "/actions/toggle/forms/0/op", message: "must not be an empty array"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "op": 1}]}}}"#, field: "/actions/toggle/forms/0/op", message: "must be a string or an array"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "security": "nope"}]}}}"#, field: "/actions/toggle/forms/0/security", message: "not defined"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "contentType": 1}]}}}"#, field: "/actions/toggle/forms/0/contentType", message: "must be a string"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "subprotocol": true}]}}}"#, field: "/actions/toggle/forms/0/subprotocol", message: "must be a string"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "response": {}}]}}}"#, field: "/actions/toggle/forms/0/response/contentType", message: "is required"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "additionalResponses": [{"schema": "err"}]}]}}}"#, field: "/actions/toggle/forms/0/additionalResponses/0/schema", message: "\"err\" is not defined in schemaDefinitions"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "additionalResponses": [{"success": "no"}]}]}}}"#, field: "/actions/toggle/forms/0/additionalResponses/0/success", message: "must be true or false"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "additionalResponses": {}}]}}}"#, field: "/actions/toggle/forms/0/additionalResponses", message: "must be an array"),
        Case(patch: #"{"actions": {"toggle": {"forms": [{"href": "t", "scopes": 1}]}}}"#, field: "/actions/toggle/forms/0/scopes", message: "must be a string or an array"),
        Case(patch: #"{"actions": {"toggle": {"forms": ["t"]}}}"#, field: "/actions/toggle/forms/0", message: "must be an object"),
        // Thing-level forms.
        Case(patch: #"{"forms": [{"href": "all"}]}"#, field: "/forms/0/op", message: "is required in thing-level forms"),
        Case(patch: #"{"forms": [{"href": "all", "op": "readproperty"}]}"#, field: "/forms/0/op", message: "is not one of \"readallproperties\""),
        Case(patch: #"{"forms": []}"#, field: "/forms", message: "at least one form"),
        // Data schemas (property, action input/output, event data, uriVariables, schemaDefinitions).
        Case(patch: #"{"properties": {"status": {"type": "text"}}}"#, field: "/properties/status/type", message: "\"text\" is not one of"),
        Case(patch: #"{"properties": {"status": {"enum": []}}}"#, field: "/properties/status/enum", message: "at least one value"),
        Case(patch: #"{"properties": {"status": {"enum": ["on", "on"]}}}"#, field: "/properties/status/enum", message: "unique"),
        Case(patch: #"{"properties": {"status": {"minLength": -1}}}"#, field: "/properties/status/minLength", message: "must not be negative"),
        Case(patch: #"{"properties": {"status": {"maxItems": 1.5}}}"#, field: "/properties/status/maxItems", message: "must be an integer"),
        Case(patch: #"{"properties": {"status": {"minimum": 5, "maximum": 1}}}"#, field: "/properties/status/minimum", message: "greater than maximum"),
        Case(patch: #"{"properties": {"status": {"minLength": 5, "maxLength": 1}}}"#, field: "/properties/status/minLength", message: "greater than maxLength"),
        Case(patch: #"{"properties": {"status": {"minimum": "0"}}}"#, field: "/properties/status/minimum", message: "must be a number"),
        Case(patch: #"{"properties": {"status": {"exclusiveMaximum": "9"}}}"#, field: "/properties/status/exclusiveMaximum", message: "must be a number"),
        Case(patch: #"{"properties": {"status": {"multipleOf": 0}}}"#, field: "/properties/status/multipleOf", message: "greater than 0"),
        Case(patch: #"{"properties": {"status": {"readOnly": "yes"}}}"#, field: "/properties/status/readOnly", message: "must be true or false"),
        Case(patch: #"{"properties": {"status": {"observable": 1}}}"#, field: "/properties/status/observable", message: "must be true or false"),
        Case(patch: #"{"properties": {"status": {"unit": 1}}}"#, field: "/properties/status/unit", message: "must be a string"),
        Case(patch: #"{"properties": {"status": {"oneOf": {}}}}"#, field: "/properties/status/oneOf", message: "must be an array"),
        Case(patch: #"{"properties": {"status": {"oneOf": [{"type": "nope"}]}}}"#, field: "/properties/status/oneOf/0/type", message: "is not one of"),
        Case(patch: #"{"properties": {"status": {"items": 5}}}"#, field: "/properties/status/items", message: "must be a data schema or an array"),
        Case(patch: #"{"properties": {"status": {"items": [{"type": "string"}, {"type": "word"}]}}}"#, field: "/properties/status/items/1/type", message: "is not one of"),
        Case(patch: #"{"properties": {"status": {"required": [1]}}}"#, field: "/properties/status/required/0", message: "must be a string"),
        Case(patch: #"{"properties": {"status": {"properties": {"x": 1}}}}"#, field: "/properties/status/properties/x", message: "must be an object"),
        Case(patch: #"{"properties": {"status": {"uriVariables": {"p": {"type": "lots"}}}}}"#, field: "/properties/status/uriVariables/p/type", message: "is not one of"),
        Case(patch: #"{"actions": {"toggle": {"input": {"type": "object", "properties": {"level": {"type": "float"}}}}}}"#, field: "/actions/toggle/input/properties/level/type", message: "\"float\" is not one of"),
        Case(patch: #"{"actions": {"toggle": {"output": "string"}}}"#, field: "/actions/toggle/output", message: "must be an object"),
        Case(patch: #"{"actions": {"toggle": {"safe": "true"}}}"#, field: "/actions/toggle/safe", message: "must be true or false"),
        Case(patch: #"{"actions": {"toggle": {"idempotent": 0}}}"#, field: "/actions/toggle/idempotent", message: "must be true or false"),
        Case(patch: #"{"actions": {"toggle": {"synchronous": null}}}"#, field: "", message: ""),
        Case(patch: #"{"events": {"overheating": {"data": {"type": "string", "maxLength": "10"}}}}"#, field: "/events/overheating/data/maxLength", message: "must be an integer"),
        Case(patch: #"{"events": {"overheating": {"subscription": {"type": 1}}}}"#, field: "/events/overheating/subscription/type", message: "must be a string"),
        Case(patch: #"{"uriVariables": {"q": {"format": 1}}}"#, field: "/uriVariables/q/format", message: "must be a string"),
        Case(patch: #"{"schemaDefinitions": {}}"#, field: "/schemaDefinitions", message: "at least one member"),
        Case(patch: #"{"schemaDefinitions": {"s": {"enum": "x"}}}"#, field: "/schemaDefinitions/s/enum", message: "must be an array"),
        // Links.
        Case(patch: #"{"links": {}}"#, field: "/links", message: "must be an array"),
        Case(patch: #"{"links": [{"rel": "next"}]}"#, field: "/links/0/href", message: "is required"),
        Case(patch: #"{"links": [{"href": "a.png", "sizes": "16x16"}]}"#, field: "/links/0/sizes", message: "only allowed on links with rel \"icon\""),
        Case(patch: #"{"links": [{"href": "base.tm.json", "rel": "tm:extends"}]}"#, field: "/links/0/rel", message: "Thing Models"),
        Case(patch: #"{"links": [{"href": "a.png", "rel": "icon", "sizes": "big"}]}"#, field: "/links/0/sizes", message: "16x16"),
        Case(patch: #"{"links": [{"href": "doc", "hreflang": "en_US"}]}"#, field: "/links/0/hreflang", message: "BCP 47"),
        Case(patch: #"{"links": [{"href": "doc", "hreflang": ["en", "e"]}]}"#, field: "/links/0/hreflang/1", message: "BCP 47"),
        Case(patch: #"{"links": [{"href": "doc", "type": 1}]}"#, field: "/links/0/type", message: "must be a string"),
        // LMOS (PROTOCOL.md section 1).
        Case(patch: #"{"@type": "lmos:Agent"}"#, field: "/@context", message: "does not map \"lmos\""),
        Case(patch: #"{"lmos:capabilities": []}"#, field: "/@context", message: "does not map \"lmos\""),
        Case(patch: #"{"@type": ["lmos:Agent", "lmos:Tool"]}"#, field: "/@type", message: "either lmos:Agent or lmos:Tool"),
        Case(patch: #"{"lmos:capabilities": {}}"#, field: "/lmos:capabilities", message: "must be an array"),
        Case(patch: #"{"lmos:capabilities": [{"name": "x"}]}"#, field: "/lmos:capabilities/0/id", message: "is required"),
        Case(patch: #"{"lmos:capabilities": [{"id": "billing", "name": "x"}]}"#, field: "/lmos:capabilities/0/id", message: "must be a URI"),
        Case(patch: #"{"lmos:capabilities": [{"id": "urn:a:b", "name": "x"}, {"id": "urn:a:b", "name": "y"}]}"#, field: "/lmos:capabilities/1/id", message: "also the id of capability 0"),
        Case(patch: #"{"lmos:capabilities": [{"id": "urn:a:b"}]}"#, field: "/lmos:capabilities/0/name", message: "is required"),
        Case(patch: #"{"lmos:capabilities": [{"id": "urn:a:b", "name": "x", "examples": ["a", 2]}]}"#, field: "/lmos:capabilities/0/examples/1", message: "must be a string"),
        Case(patch: #"{"lmos:capabilities": [{"id": "urn:a:b", "name": "x", "version": 1}]}"#, field: "/lmos:capabilities/0/version", message: "must be a string"),
        Case(patch: #"{"lmos:metadata": []}"#, field: "/lmos:metadata", message: "must be an object"),
        Case(patch: #"{"lmos:metadata": {"lmos:vendor": {"lmos:url": "telekom.de"}}}"#, field: "/lmos:metadata/lmos:vendor/lmos:url", message: "absolute URL"),
        Case(patch: #"{"lmos:metadata": {"lmos:vendor": {"lmos:name": 1}}}"#, field: "/lmos:metadata/lmos:vendor/lmos:name", message: "must be a string"),
    ]

    @Test(arguments: invalid)
    func reportsTheField(_ testCase: Case) throws {
        let errors = try Self.validate(testCase.patch)
        if testCase.field.isEmpty {
            // Removing an optional member keeps the description valid.
            #expect(errors == [])
            return
        }
        #expect(
            errors.contains { $0.field == testCase.field && $0.description.contains(testCase.message) },
            "got \(errors.map(\.summary))")
    }

    static let valid: [String] = [
        #"{"@context": "https://www.w3.org/2019/wot/td/v1"}"#,
        #"{"@context": ["https://www.w3.org/2019/wot/td/v1", "https://www.w3.org/2022/wot/td/v1.1", {"saref": "https://saref.etsi.org/core/"}]}"#,
        #"{"@context": ["https://www.w3.org/2022/wot/td/v1.1", "https://www.w3.org/2022/wot/discovery", {"@language": "en"}]}"#,
        #"{"@context": ["https://www.w3.org/2022/wot/td/v1.1", {"lmos": "https://eclipse.dev/lmos/protocol/v1/"}], "@type": "lmos:Tool"}"#,
        #"{"@type": ["saref:LightSwitch", "Thing"], "id": "https://lamp.example/td", "version": {"instance": "1.0", "model": "x"}}"#,
        #"{"created": "2026-11-22T13:07:32.174503640+00:00", "modified": "2024-02-29T23:59:60z"}"#,
        #"{"titles": {"en-US": "Lamp", "de": "Lampe", "zh-Hant-TW": "燈", "x-private": "?"}, "descriptions": {"i-klingon": "..."}}"#,
        #"{"securityDefinitions": {"k": {"scheme": "apikey", "in": "uri", "name": "key"}, "ace": {"scheme": "ace:ACESecurityScheme", "ace:as": "coaps://as.example"}, "c": {"scheme": "combo", "allOf": ["k", "ace"]}}, "security": ["basic_sc", "c"]}"#,
        #"{"securityDefinitions": {"d": {"scheme": "digest", "qop": "auth-int"}, "o": {"scheme": "oauth2", "flow": "code", "scopes": "limited"}, "p": {"scheme": "psk"}, "n": {"scheme": "nosec"}, "a": {"scheme": "auto"}}}"#,
        #"{"properties": {"status": {"type": "integer", "minimum": 0, "maximum": 0, "minLength": 2.0, "observable": true, "forms": [{"href": "s{?unit}", "op": ["readproperty", "observeproperty"]}]}}}"#,
        #"{"actions": {"toggle": {"forms": [{"href": "wss://lamp.example/ws", "op": ["invokeaction", "queryaction", "cancelaction"], "subprotocol": "lmosprotocol", "security": ["basic_sc"], "scopes": ["a", "b"]}]}}}"#,
        #"{"actions": {"toggle": {"forms": [{"href": "t", "response": {"contentType": "text/plain"}, "additionalResponses": [{"schema": "err", "success": false}]}]}}, "schemaDefinitions": {"err": {"type": "object"}}}"#,
        #"{"links": [{"href": "icon.png", "rel": "icon", "sizes": "16x16 32x32"}, {"href": "doc", "hreflang": ["de-CH-1996", "sgn-BE-FR", "en-a-myext-b-another"]}]}"#,
        #"{"forms": [{"href": "all", "op": ["readallproperties", "subscribeallevents"]}], "profile": ["https://www.w3.org/2022/wot/profile/http-basic/v1"]}"#,
        #"{"lmos:x": 1, "@context": ["https://www.w3.org/2022/wot/td/v1.1", {"lmos": "https://eclipse.dev/lmos/protocol/v1"}]}"#,
    ]

    @Test(arguments: valid)
    func acceptsValidVariants(_ patch: String) throws {
        let errors = try Self.validate(patch)
        #expect(errors == [], "got \(errors.map(\.summary))")
    }

    @Test func reportsEveryProblemNotJustTheFirst() throws {
        let errors = try Self.validate(#"{"title": 1, "id": "x", "security": "nope", "links": [{}]}"#)
        #expect(errors.map(\.field) == ["/id", "/title", "/security", "/links/0/href"])
    }

    @Test func nonObjectDocumentsAreReportedAtTheRoot() throws {
        #expect(throws: DescriptionError.self) { try ThingDescription(JSONValue.string("td")) }
        #expect(ThingDescription.validate(["td"]) == [
            ValidationError(field: "", description: "a Thing Description must be a JSON object, found array")
        ])
    }

    @Test func deeplyNestedSchemasAreBounded() throws {
        var schema: JSONValue = ["type": "string"]
        for _ in 0..<100 { schema = ["type": "object", "properties": ["x": schema]] }
        let document = Self.base.mergePatched(with: ["actions": ["toggle": ["input": schema]]])
        let errors = try ThingDescription(document).validate()
        #expect(errors.count == 1)
        #expect(errors.first?.description.contains("nest deeper than 64 levels") == true)
    }

    @Test func validationErrorJSONShape() {
        let error = ValidationError(field: "/actions/getWeather/forms/0/href", description: "is required")
        #expect(error.json == ["field": "/actions/getWeather/forms/0/href", "description": "is required"])
        #expect(error.summary == "/actions/getWeather/forms/0/href: is required")
        #expect(ValidationError(field: "", description: "x").summary == "/: x")
    }
}
