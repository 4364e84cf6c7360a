import LMOSCore

/// One entry of `lmos:capabilities` (PROTOCOL.md section 1): something an agent or tool can do, named by a URI
/// such as `urn:acme:capability:billing:view`, with a version, a description and example requests. Directories
/// search by capability id, and the DHT meets peers on it.
public struct Capability: Sendable, Hashable {
    /// The capability object, all members kept.
    public var json: JSONObject

    public init(json: JSONObject) {
        self.json = json
    }

    /// A capability with the given members (inner keys are unprefixed).
    public init(id: String, name: String, version: String? = nil, description: String? = nil, examples: [String] = []) {
        json = JSONObject()
        json["id"] = .string(id)
        json["name"] = .string(name)
        if let version { json["version"] = .string(version) }
        if let description { json["description"] = .string(description) }
        if !examples.isEmpty { json["examples"] = .array(examples.map(JSONValue.string)) }
    }

    /// `id`: the capability's URI.
    public var id: String? { json["id"]?.stringValue }
    /// `name`: a short human-readable name.
    public var name: String? { json["name"]?.stringValue }
    /// `version`.
    public var version: String? { json["version"]?.stringValue }
    /// `description`.
    public var description: String? { json["description"]?.stringValue }
    /// `examples`: requests this capability answers.
    public var examples: [String] { (json["examples"]?.arrayValue ?? []).compactMap(\.stringValue) }
}
