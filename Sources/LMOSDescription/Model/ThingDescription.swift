import LMOSCore

/// A W3C WoT Thing Description (TD 1.1): the JSON-LD document with which a thing, agent or tool describes its
/// metadata, interaction affordances (properties, actions, events), forms and security.
///
/// A typed view over a ``JSONObject``: every accessor reads and writes the underlying document, and members this
/// type does not know about are kept as they are, so a description read and written back keeps every member.
public struct ThingDescription: Sendable, Hashable {
    /// The whole document.
    public var json: JSONObject

    /// Wraps a document without checking it; call ``validate()`` to check it.
    public init(json: JSONObject) {
        self.json = json
    }

    /// Wraps a JSON value that must be an object.
    public init(_ value: JSONValue) throws(DescriptionError) {
        guard case .object(let object) = value else { throw .notAnObject(found: value.typeName) }
        json = object
    }

    /// Reads a description from JSON or CBOR bytes (the format is detected: JSON text starts with `{`, optionally
    /// after whitespace or a byte-order mark; anything else is read as CBOR).
    public init(bytes: some Collection<UInt8>, limits: DecodingLimits = .default) throws(DescriptionError) {
        let value: JSONValue
        do throws(CoreError) {
            value = try MediaFormat.detect(bytes) == .cbor
                ? JSONValue(cbor: bytes, limits: limits) : JSONValue(parsing: bytes, limits: limits)
        } catch {
            throw .unreadable(error)
        }
        try self.init(value)
    }

    /// The document as a JSON value.
    public var jsonValue: JSONValue { .object(json) }

    // MARK: JSON-LD

    /// `@context`, as written.
    public var context: JSONValue? {
        get { json["@context"] }
        set { json["@context"] = newValue }
    }

    /// `@type`, read as a list whether written as a string or an array. Setting one type writes a string.
    public var types: [String] {
        get { Self.strings(json["@type"]) }
        set {
            switch newValue.count {
            case 0: json["@type"] = nil
            case 1: json["@type"] = .string(newValue[0])
            default: json["@type"] = .array(newValue.map(JSONValue.string))
            }
        }
    }

    // MARK: Metadata

    /// `id`: the URI that identifies the thing.
    public var id: String? {
        get { json["id"]?.stringValue }
        set { json["id"] = newValue.map(JSONValue.string) }
    }

    /// `title`: a human-readable name.
    public var title: String? {
        get { json["title"]?.stringValue }
        set { json["title"] = newValue.map(JSONValue.string) }
    }

    /// `description`: human-readable text about the thing.
    public var description: String? {
        get { json["description"]?.stringValue }
        set { json["description"] = newValue.map(JSONValue.string) }
    }

    /// `version.instance`.
    public var version: String? {
        get { json["version"]?["instance"]?.stringValue }
        set {
            if let newValue {
                var version = json["version"]?.objectValue ?? JSONObject()
                version["instance"] = .string(newValue)
                json["version"] = .object(version)
            } else {
                json["version"] = nil
            }
        }
    }

    /// `base`: the URI against which relative `href`s resolve.
    public var base: String? {
        get { json["base"]?.stringValue }
        set { json["base"] = newValue.map(JSONValue.string) }
    }

    /// `created` and `modified` as written (RFC 3339 date-times).
    public var created: String? { json["created"]?.stringValue }
    public var modified: String? { json["modified"]?.stringValue }

    // MARK: Affordances

    /// `properties`, in document order.
    public var properties: [PropertyAffordance] {
        get { Self.affordances(json["properties"]) }
        set { json["properties"] = Self.affordanceMap(newValue) }
    }

    /// `actions`, in document order.
    public var actions: [ActionAffordance] {
        get { Self.affordances(json["actions"]) }
        set { json["actions"] = Self.affordanceMap(newValue) }
    }

    /// `events`, in document order.
    public var events: [EventAffordance] {
        get { Self.affordances(json["events"]) }
        set { json["events"] = Self.affordanceMap(newValue) }
    }

    /// The property named `name`.
    public func property(_ name: String) -> PropertyAffordance? {
        json["properties"]?[name]?.objectValue.map { PropertyAffordance(name: name, json: $0) }
    }

    /// The action named `name`.
    public func action(_ name: String) -> ActionAffordance? {
        json["actions"]?[name]?.objectValue.map { ActionAffordance(name: name, json: $0) }
    }

    /// The event named `name`.
    public func event(_ name: String) -> EventAffordance? {
        json["events"]?[name]?.objectValue.map { EventAffordance(name: name, json: $0) }
    }

    /// Thing-level `forms` (operations on all properties, actions or events at once).
    public var forms: [Form] {
        get { (json["forms"]?.arrayValue ?? []).compactMap { $0.objectValue.map(Form.init(json:)) } }
        set { json["forms"] = newValue.isEmpty ? nil : .array(newValue.map { .object($0.json) }) }
    }

    // MARK: Security

    /// `securityDefinitions`, in document order.
    public var securityDefinitions: [SecurityScheme] {
        get {
            (json["securityDefinitions"]?.objectValue ?? JSONObject()).compactMap { member in
                member.value.objectValue.map { SecurityScheme(name: member.key, json: $0) }
            }
        }
        set {
            var map = JSONObject()
            for scheme in newValue { map[scheme.name] = .object(scheme.json) }
            json["securityDefinitions"] = .object(map)
        }
    }

    /// `security`: names of the definitions that apply to the whole thing, as a list.
    public var security: [String] {
        get { Self.strings(json["security"]) }
        set { json["security"] = newValue.count == 1 ? .string(newValue[0]) : .array(newValue.map(JSONValue.string)) }
    }

    // MARK: Links

    /// `links`, in document order.
    public var links: [Link] {
        get { (json["links"]?.arrayValue ?? []).compactMap { $0.objectValue.map(Link.init(json:)) } }
        set { json["links"] = newValue.isEmpty ? nil : .array(newValue.map { .object($0.json) }) }
    }

    // MARK: LMOS

    /// `lmos:metadata`: vendor, model and policy information of an agent or tool.
    public var metadata: LMOSMetadata? {
        get { json[Vocabulary.metadata]?.objectValue.map(LMOSMetadata.init(json:)) }
        set { json[Vocabulary.metadata] = newValue.map { .object($0.json) } }
    }

    /// `lmos:capabilities`: what an agent or tool can do, each with a URI id.
    public var capabilities: [Capability] {
        get { (json[Vocabulary.capabilities]?.arrayValue ?? []).compactMap { $0.objectValue.map(Capability.init(json:)) } }
        set { json[Vocabulary.capabilities] = newValue.isEmpty ? nil : .array(newValue.map { .object($0.json) }) }
    }

    /// Whether `@type` includes `lmos:Agent`.
    public var isAgent: Bool { types.contains(Vocabulary.agentType) }

    /// Whether `@type` includes `lmos:Tool`.
    public var isTool: Bool { types.contains(Vocabulary.toolType) }

    // MARK: Checking and writing

    /// Checks the description against TD 1.1 and the LMOS rules; an empty result means valid.
    public func validate() -> [ValidationError] {
        DescriptionValidator.validate(.object(json))
    }

    /// Checks any JSON value as a Thing Description (a value that is not an object is reported at the root), as a
    /// directory does with what it receives.
    public static func validate(_ value: JSONValue) -> [ValidationError] {
        DescriptionValidator.validate(value)
    }

    /// The description as JSON text (`application/td+json`).
    public func jsonBytes(options: JSONWritingOptions = []) -> [UInt8] { jsonValue.jsonBytes(options: options) }

    /// The description as deterministic CBOR (`application/cbor`).
    public func cborBytes() -> [UInt8] { jsonValue.cborBytes() }

    // MARK: Helpers

    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let string)?: return [string]
        case .array(let elements)?: return elements.compactMap(\.stringValue)
        default: return []
        }
    }

    static func affordances<A: InteractionAffordance>(_ value: JSONValue?) -> [A] {
        (value?.objectValue ?? JSONObject()).compactMap { member in
            member.value.objectValue.map { A(name: member.key, json: $0) }
        }
    }

    static func affordanceMap<A: InteractionAffordance>(_ affordances: [A]) -> JSONValue? {
        guard !affordances.isEmpty else { return nil }
        var map = JSONObject()
        for affordance in affordances { map[affordance.name] = .object(affordance.json) }
        return .object(map)
    }
}
