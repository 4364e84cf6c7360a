import Foundation
import LMOSCore
import LMOSDescription

/// Valid Agent and Tool Descriptions for the tests, written as JSON text the way a producer would send them.
enum Descriptions {
    static let tdContext = "https://www.w3.org/2022/wot/td/v1.1"
    static let discoveryContext = "https://www.w3.org/2022/wot/discovery"

    /// An Agent Description (`lmos:Agent`) or, with `type: "lmos:Tool"`, a Tool Description. `id` nil: anonymous.
    static func agent(
        id: String?, title: String = "Test Agent", description: String? = nil, capabilities: [JSONValue] = [],
        type: String = "lmos:Agent", registration: JSONValue? = nil
    ) -> JSONValue {
        var text = """
            {
              "@context": ["https://www.w3.org/2022/wot/td/v1.1", {"lmos": "https://eclipse.dev/lmos/protocol/v1"}],
              "@type": \(JSONValue.string(type).jsonString()),

            """
        if let id { text += "  \"id\": \(JSONValue.string(id).jsonString()),\n" }
        text += "  \"title\": \(JSONValue.string(title).jsonString()),\n"
        if let description { text += "  \"description\": \(JSONValue.string(description).jsonString()),\n" }
        if !capabilities.isEmpty { text += "  \"lmos:capabilities\": \(JSONValue.array(capabilities).jsonString()),\n" }
        if let registration { text += "  \"registration\": \(registration.jsonString()),\n" }
        text += """
              "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}},
              "security": "nosec_sc"
            }
            """
        // Parsing the text checks the fixture itself.
        return try! JSONValue(parsing: text)
    }

    static func tool(id: String?, title: String = "Test Tool", description: String? = nil, capabilities: [JSONValue] = [])
        -> JSONValue
    {
        agent(id: id, title: title, description: description, capabilities: capabilities, type: "lmos:Tool")
    }

    static func capability(_ id: String, name: String, description: String? = nil, examples: [String] = []) -> JSONValue {
        var object: JSONObject = ["id": .string(id), "name": .string(name)]
        if let description { object["description"] = .string(description) }
        if !examples.isEmpty { object["examples"] = .array(examples.map(JSONValue.string)) }
        return .object(object)
    }

    /// A richer agent made with the builder (an action, a property, an event, metadata).
    static func built(id: String, title: String = "Weather Agent") -> JSONValue {
        AgentDescription(title: title, id: id, base: "https://weather.example/") {
            LMOSMetadata(vendorName: "Acme", vendorURL: "https://acme.example")
            Capability(
                id: "urn:acme:capability:weather:forecast", name: "Forecast", description: "Forecasts for a city",
                examples: ["weather in Berlin tomorrow?"])
            Action("getWeather", input: .object(["city": .string()], required: ["city"]), output: .string())
            Property("unit", schema: .string(enum: ["C", "F"]))
            Event("alert", data: .string())
        }.thing.jsonValue
    }

    /// `document` with `member` set (nil: removed).
    static func setting(_ member: String, _ value: JSONValue?, in document: JSONValue) -> JSONValue {
        guard case .object(var object) = document else { return document }
        object[member] = value
        return .object(object)
    }

    /// What the directory added to a description taken away again (`registration`, the discovery context).
    static func withoutDirectoryAdditions(_ document: JSONValue) -> JSONValue {
        guard case .object(var object) = document else { return document }
        object["registration"] = nil
        if case .array(let entries)? = object["@context"] {
            object["@context"] = .array(entries.filter { $0 != .string(discoveryContext) })
        }
        return .object(object)
    }

    /// A fresh id under `urn:example:` (tests sharing nothing need no more).
    static func uniqueID(_ name: String) -> String { "urn:example:\(name):\(UUID().uuidString.lowercased())" }
}

/// Checks on the values the directory writes.
enum Format {
    /// RFC 3339 section 5.6 `date-time`, strictly (`T`, seconds, optional fraction, `Z` or an offset).
    static func isRFC3339(_ text: String?) -> Bool {
        guard let text else { return false }
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#
        return text.range(of: pattern, options: .regularExpression) != nil && Timestamp(rfc3339: text) != nil
    }

    static func time(_ value: JSONValue?) -> Timestamp? { value?.stringValue.flatMap { Timestamp(rfc3339: $0) } }

    /// `urn:uuid:` with a version 4, variant 1 UUID in lowercase hex (RFC 4122, RFC 9562).
    static func isUUIDv4URN(_ text: String?) -> Bool {
        guard let text else { return false }
        let pattern = #"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    /// The media type of a `Content-Type` value without parameters, lowercased.
    static func essence(_ contentType: String?) -> String? {
        contentType.map { String($0.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// The `charset` parameter of a `Content-Type` value, lowercased.
    static func charset(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \"")).lowercased()
            }
        }
        return nil
    }
}
