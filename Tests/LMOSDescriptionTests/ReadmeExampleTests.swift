import LMOSCore
import LMOSDescription
import Testing

/// The Swift snippets of README.md, kept compiling and true.
@Suite struct ReadmeExampleTests {
    @Test func builderExample() throws {
        let agent = AgentDescription(title: "Weather Agent", id: "urn:acme:agent:weather", base: "https://weather.example/") {
            LMOSMetadata(vendorName: "Acme", vendorURL: "https://acme.example")
            Capability(id: "urn:acme:capability:weather:forecast", name: "Forecast", examples: ["weather in Berlin?"])
            SecurityScheme.bearer()
            Action("getWeather", input: .object(["city": .string()], required: ["city"]), output: .string())
                .form(Form(href: "wss://weather.example/ws", op: ["invokeaction"], subprotocol: "lmosprotocol"))
            Property("unit", schema: .string(enum: ["C", "F"]))
            Event("alert", data: .string())
        }
        #expect(agent.validate().isEmpty)
        let json = agent.thing.jsonBytes(options: .prettyPrinted)
        let cbor = agent.thing.cborBytes()
        #expect(try ThingDescription(bytes: json) == agent.thing)
        #expect(try ThingDescription(bytes: cbor) == agent.thing)

        let thing = try ThingDescription(bytes: cbor)
        #expect(thing.validate().isEmpty)
        let typed = try AgentDescription(thing)
        #expect(typed.capabilities.map(\.id) == ["urn:acme:capability:weather:forecast"])
        #expect(typed.thing.action("getWeather")?.forms.first?.href == "wss://weather.example/ws")
        #expect(typed.security == ["bearer_sc"])
    }

    @Test func coreExample() throws {
        var value = try JSONValue(parsing: #"{"b": 1, "a": 1.0}"#)
        value.applyMergePatch(["c": [true, nil]])
        #expect(value.jsonString() == #"{"b":1,"a":1.0,"c":[true,null]}"#)
        #expect(String(decoding: try value.canonicalJSON(), as: UTF8.self) == #"{"a":1,"b":1,"c":[true,null]}"#)
        #expect(try JSONValue(cbor: value.cborBytes()) == value)
    }
}
