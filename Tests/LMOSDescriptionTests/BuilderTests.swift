import LMOSCore
import LMOSDescription
import Testing

@Suite struct BuilderTests {
    @Test func buildsAValidAgentWithDefaults() throws {
        let agent = AgentDescription(title: "Weather Agent", id: "urn:acme:agent:weather", base: "https://weather.example/") {
            LMOSMetadata(vendorName: "Acme", vendorURL: "https://acme.example", model: "gpt-4o")
            Capability(
                id: "urn:acme:capability:weather:forecast", name: "Forecast", version: "1.0",
                description: "Forecasts for a city", examples: ["weather in Berlin tomorrow?"])
            Action(
                "getWeather", description: "Weather for a city",
                input: .object(["city": .string(), "days": .integer(minimum: 1, maximum: 14)], required: ["city"]),
                output: .string(), safe: true, idempotent: true)
            Property("temperatureUnit", schema: .string(enum: ["C", "F"]))
            Property("load", schema: .number(minimum: 0, maximum: 1), readOnly: true, observable: true)
            Event("alert", data: .object(["level": .string(enum: ["info", "warning"])]))
        }
        #expect(agent.validate() == [])
        let json = agent.thing.json
        #expect(json.keys == [
            "@context", "@type", "id", "title", "base", "lmos:metadata", "lmos:capabilities", "securityDefinitions",
            "security", "properties", "actions", "events",
        ])
        #expect(json["@context"] == ["https://www.w3.org/2022/wot/td/v1.1", ["lmos": "https://eclipse.dev/lmos/protocol/v1"]])
        #expect(json["@type"] == "lmos:Agent")
        #expect(json["securityDefinitions"] == ["nosec_sc": ["scheme": "nosec"]])
        #expect(json["security"] == "nosec_sc")
        #expect(agent.thing.action("getWeather")?.forms.first?.json == [
            "href": "actions/getWeather", "op": "invokeaction", "contentType": "application/json",
        ])
        #expect(agent.thing.property("temperatureUnit")?.forms.first?.operations == ["readproperty", "writeproperty"])
        #expect(agent.thing.property("load")?.forms.first?.operations == [
            "readproperty", "observeproperty", "unobserveproperty",
        ])
        #expect(agent.thing.event("alert")?.forms.first?.href == "events/alert")
        #expect(agent.thing.action("getWeather")?.input?.json["required"] == ["city"])
        #expect(agent.capabilities.first?.examples == ["weather in Berlin tomorrow?"])
        #expect(agent.metadata?.model == "gpt-4o")
    }

    @Test func securityFormsLinksAndControlFlow() throws {
        let streaming = true
        let languages = ["en", "de"]
        let tool = ToolDescription(title: "Geocoder", id: "https://geo.example/td") {
            SecurityScheme.bearer(algorithm: "ES256")
            SecurityScheme.oauth2(token: "https://id.example/token", scopes: ["lmos:read"])
            Action("geocode", output: .array(of: .number()))
                .form(Form(href: "https://geo.example/actions/geocode", op: ["invokeaction"]))
                .form(Form(href: "wss://geo.example/ws", op: ["invokeaction"], subprotocol: "lmosprotocol"))
            if streaming {
                Event("progress", data: .integer())
            } else {
                Event("done")
            }
            for language in languages {
                Link(href: "https://geo.example/doc.\(language).html", rel: "service-doc", type: "text/html")
            }
            Form(href: "https://geo.example/properties", op: ["readallproperties"])
        }
        #expect(tool.validate() == [])
        #expect(tool.security == ["bearer_sc", "oauth2_sc"])
        #expect(tool.securityDefinitions.map(\.scheme) == ["bearer", "oauth2"])
        #expect(tool.thing.action("geocode")?.forms.count == 2)
        #expect(tool.thing.action("geocode")?.forms[1].subprotocol == "lmosprotocol")
        #expect(tool.events.map(\.name) == ["progress"])
        #expect(tool.links.count == 2)
        #expect(tool.forms.first?.operations == ["readallproperties"])
        #expect(tool.thing.isTool)
    }

    @Test func aLaterComponentWithTheSameNameReplacesTheEarlier() {
        let thing = ThingDescription(title: "T", id: "urn:t") {
            Action("a", description: "first")
            Action("a", description: "second")
        }
        #expect(thing.actions.map(\.description) == ["second"])
        #expect(thing.validate() == [])
    }

    @Test func schemaHelpers() {
        #expect(DataSchema.string(format: "uri", minLength: 1).json == ["type": "string", "format": "uri", "minLength": 1])
        #expect(DataSchema.array(of: .boolean(), maxItems: 3).json == [
            "type": "array", "items": ["type": "boolean"], "maxItems": 3,
        ])
        #expect(DataSchema.null.described("nothing").json == ["type": "null", "description": "nothing"])
        #expect(DataSchema.object().with("additionalProperties", false).json == [
            "type": "object", "additionalProperties": false,
        ])
    }
}
