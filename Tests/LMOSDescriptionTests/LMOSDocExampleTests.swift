import Foundation
import LMOSCore
import LMOSDescription
import Testing

/// The examples published on the LMOS protocol pages, and what the LMOS Kotlin SDK serves.
@Suite struct LMOSDocExampleTests {
    @Test func publishedExamplesHaveSyntaxErrorsReportedWithLineAndColumn() throws {
        for (name, line, column) in [
            ("lmos-doc-agent-full.broken.json", 6, 7), ("lmos-doc-tool.broken.json", 6, 7),
        ] {
            let bytes = try Fixture.bytes(name)
            let thrown = #expect(throws: DescriptionError.self) { try ThingDescription(bytes: bytes) }
            guard case .unreadable(let error)? = thrown else {
                Issue.record("\(name): expected a parse error, got \(String(describing: thrown))")
                continue
            }
            #expect(error.code == .invalidJSON)
            #expect(error.line == line, "\(name)")
            #expect(error.column == column, "\(name)")
            #expect(error.reason.contains("trailing comma"))
        }
    }

    @Test func missingCommaIsReportedWhereTheNextMemberStarts() throws {
        // The tool example also lacks a comma after "@type": "lmos:Tool" (line 8); fix the first error to see it.
        var text = String(decoding: try Fixture.bytes("lmos-doc-tool.broken.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "protocol/v1\",\n", with: "protocol/v1\"\n")
        #expect(throws: CoreError.self) { try JSONValue(parsing: text) }
        do {
            _ = try JSONValue(parsing: text)
        } catch {
            #expect(error.line == 9)
            #expect(error.column == 4)
            #expect(error.reason == "unexpected '\"' in object, expected ',' or '}'")
        }
    }

    @Test func fixedFullAgentExampleIsValidAndKeepsUnknownMembers() throws {
        let thing = try Fixture.thing("lmos-doc-agent-full.json")
        #expect(thing.validate() == [])
        #expect(thing.title == "WeatherAgent")
        #expect(thing.types == ["ex:Agent"])
        #expect(!thing.isAgent)
        let action = try #require(thing.action("getWeather"))
        #expect(action.safe)
        #expect(action.synchronous == true)
        #expect(action.input?.type == "object")
        #expect(action.forms.first?.json["htv:methodName"] == "POST")
        #expect(thing.property("modelConfiguration")?.readOnly == true)
        #expect(thing.event("userFeedbackReceived")?.data?.json["required"] == ["rating"])
        #expect(thing.metadata?.vendorName == "Deutsche Telekom AG")
        #expect(thing.links.first?.rel == "service-doc")
        #expect(thing.securityDefinitions.map(\.scheme) == ["basic"])
        #expect(thing.security == ["basic_sc"])
    }

    @Test func minimalExamplesLackSecurity() throws {
        for name in ["lmos-doc-agent-minimal.json", "lmos-doc-tool.json"] {
            let errors = try Fixture.thing(name).validate()
            #expect(errors.map(\.field) == ["/security", "/securityDefinitions"], "\(name)")
        }
        let agent = try AgentDescription(Fixture.thing("lmos-doc-agent-minimal.json"))
        #expect(agent.metadata?.vendorURL == "https://telekom.de")
        let tool = try ToolDescription(Fixture.thing("lmos-doc-tool.json"))
        #expect(tool.title == "Tool Name")
    }

    @Test func kotlinSDKChatAgentIsNotValidTD11() throws {
        let thing = try Fixture.thing("kotlin-wot-chat-agent.json")
        let errors = thing.validate()
        #expect(errors.map(\.field).sorted() == ["/id", "/security", "/securityDefinitions"])
        #expect(thing.isAgent)
        #expect(thing.action("ask")?.forms.first?.subprotocol == "lmosprotocol")
    }

    @Test(arguments: [
        "lmos-doc-agent-full.json", "lmos-doc-agent-minimal.json", "lmos-doc-tool.json",
        "kotlin-wot-chat-agent.json", "care-agent-5k.json",
    ])
    func roundTripsThroughCBORAndJSON(name: String) throws {
        let original = try JSONValue(parsing: Fixture.bytes(name))
        // JSON -> JSON keeps member order and number kinds: compact output reparses to identical output.
        let compact = original.jsonBytes()
        #expect(try JSONValue(parsing: compact).jsonBytes() == compact)
        // JSON -> CBOR -> JSON keeps the meaning (member order follows CBOR's deterministic key order).
        let cbor = original.cborBytes()
        let back = try JSONValue(cbor: cbor)
        #expect(back == original)
        #expect(back.cborBytes() == cbor)
        #expect(try back.canonicalJSON() == original.canonicalJSON())
        // The typed view changes nothing.
        let thing = try ThingDescription(bytes: cbor)
        #expect(thing.jsonValue == original)
        #expect(cbor.count < compact.count)
    }
}
