import LMOSCore
import LMOSDescription
import Testing

@Suite struct ModelTests {
    @Test func typedViewsReadTheDocument() throws {
        let agent = try AgentDescription(Fixture.thing("care-agent-5k.json"))
        #expect(agent.id == "urn:uuid:0f4e7c2a-5b1d-4c3e-9a8f-2d6b1e0c7a94")
        #expect(agent.version == "2.4.1")
        #expect(agent.base == "https://agents.acme.example/care/")
        #expect(agent.created == "2026-03-01T09:30:00Z")
        #expect(agent.properties.map(\.name) == ["modelConfiguration", "activeConversations"])
        #expect(agent.actions.map(\.name) == ["chat", "escalate"])
        #expect(agent.events.map(\.name) == ["messageGenerated", "feedbackReceived"])
        #expect(agent.capabilities.map(\.id) == [
            "urn:acme:capability:billing:view", "urn:acme:capability:billing:change-address",
            "urn:acme:capability:contract:extend", "urn:acme:capability:device:troubleshoot",
        ])
        #expect(agent.capabilities[0].examples.count == 3)
        #expect(agent.capabilities[2].version == "1.2")
        #expect(agent.metadata?.model?["lmos:name"] == "gpt-4o")
        let chat = try #require(agent.thing.action("chat"))
        #expect(chat.forms.map(\.operations) == [["invokeaction"], ["invokeaction", "queryaction", "cancelaction"]])
        #expect(chat.forms[0].contentType == "application/json")
        #expect(chat.forms[1].contentType == "application/json")  // the TD 1.1 default
        #expect(chat.forms[1].subprotocol == "lmosprotocol")
        let configuration = try #require(agent.thing.property("modelConfiguration"))
        #expect(configuration.observable)
        #expect(configuration.schema.type == "object")
        #expect(agent.securityDefinitions.map(\.name) == ["bearer_sc", "oauth2_sc", "combo_sc"])
        #expect(agent.security == ["combo_sc"])
        #expect(agent.links.map(\.rel) == ["service-doc", "icon", "describedby"])
        #expect(agent.forms.count == 2)
    }

    @Test func settersKeepUnknownMembersAndOrder() throws {
        var thing = try Fixture.thing("lmos-doc-agent-full.json")
        let before = thing.json.keys
        thing.title = "Renamed"
        thing.version = "9"
        var actions = thing.actions
        actions[0].title = "Get weather"
        thing.actions = actions
        #expect(thing.json.keys == before + ["version"])
        #expect(thing.action("getWeather")?.forms.first?.json["htv:methodName"] == "POST")
        #expect(thing.action("getWeather")?.title == "Get weather")
        #expect(thing.validate() == [])
        thing.types = ["lmos:Agent", "saref:Device"]
        #expect(thing.json["@type"] == ["lmos:Agent", "saref:Device"])
        thing.types = ["lmos:Agent"]
        #expect(thing.json["@type"] == "lmos:Agent")
        #expect(thing.isAgent && !thing.isTool)
    }

    @Test func typedDescriptionChecksTheType() throws {
        let thing = try Fixture.thing("lmos-doc-tool.json")
        #expect(throws: DescriptionError.self) { try AgentDescription(thing) }
        do {
            _ = try AgentDescription(thing)
        } catch {
            #expect(error.description == "expected @type lmos:Agent, found @type lmos:Tool")
        }
        #expect(throws: DescriptionError.self) { try ThingDescription(JSONValue.array([])) }
    }

    @Test func readsCBORDescriptions() throws {
        let original = try Fixture.thing("care-agent-5k.json")
        let decoded = try ThingDescription(bytes: original.cborBytes())
        #expect(decoded == original)
        #expect(MediaFormat.detect(original.cborBytes()) == .cbor)
        #expect(MediaFormat.detect(Array("  \n{}".utf8)) == .json)
        #expect(MediaFormat.detect([0xEF, 0xBB, 0xBF, UInt8(ascii: "{")]) == .json)
    }

    @Test func unreadableInputIsAnError() {
        #expect(throws: DescriptionError.self) { try ThingDescription(bytes: Array("{\"a\": }".utf8)) }
        #expect(throws: DescriptionError.self) { try ThingDescription(bytes: [0xA1, 0x61]) }
    }
}
