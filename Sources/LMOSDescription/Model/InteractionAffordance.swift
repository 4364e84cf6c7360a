import LMOSCore

/// What properties, actions and events share (TD 1.1 section 5.3.1.2 `InteractionAffordance`): a name, titles,
/// descriptions, URI variables and the forms through which it is used.
public protocol InteractionAffordance: Sendable, Hashable {
    /// The affordance's name: its key in `properties`, `actions` or `events`.
    var name: String { get }
    /// The affordance object, all members kept.
    var json: JSONObject { get set }
    init(name: String, json: JSONObject)
}

extension InteractionAffordance {
    /// `title`.
    public var title: String? {
        get { json["title"]?.stringValue }
        set { json["title"] = newValue.map(JSONValue.string) }
    }

    /// `description`.
    public var description: String? {
        get { json["description"]?.stringValue }
        set { json["description"] = newValue.map(JSONValue.string) }
    }

    /// `forms`: how to reach this affordance over some protocol.
    public var forms: [Form] {
        get { (json["forms"]?.arrayValue ?? []).compactMap { $0.objectValue.map(Form.init(json:)) } }
        set { json["forms"] = .array(newValue.map { .object($0.json) }) }
    }

    /// `@type` as a list.
    public var types: [String] { ThingDescription.strings(json["@type"]) }
}

/// A property (TD 1.1 `PropertyAffordance`): state that can be read, written or observed. The affordance object
/// is also a data schema describing the value.
public struct PropertyAffordance: InteractionAffordance {
    public let name: String
    public var json: JSONObject

    public init(name: String, json: JSONObject) {
        self.name = name
        self.json = json
    }

    /// The property's value schema (the affordance object itself, read as a ``DataSchema``).
    public var schema: DataSchema { DataSchema(json: json) }

    /// `observable`: whether changes can be subscribed to.
    public var observable: Bool { json["observable"]?.boolValue ?? false }
    /// `readOnly`.
    public var readOnly: Bool { json["readOnly"]?.boolValue ?? false }
    /// `writeOnly`.
    public var writeOnly: Bool { json["writeOnly"]?.boolValue ?? false }
}

/// An action (TD 1.1 `ActionAffordance`): a function to invoke, with input and output schemas.
public struct ActionAffordance: InteractionAffordance {
    public let name: String
    public var json: JSONObject

    public init(name: String, json: JSONObject) {
        self.name = name
        self.json = json
    }

    /// `input`: the schema of what the action takes.
    public var input: DataSchema? {
        get { json["input"]?.objectValue.map(DataSchema.init(json:)) }
        set { json["input"] = newValue.map { .object($0.json) } }
    }

    /// `output`: the schema of what the action returns.
    public var output: DataSchema? {
        get { json["output"]?.objectValue.map(DataSchema.init(json:)) }
        set { json["output"] = newValue.map { .object($0.json) } }
    }

    /// `safe`: invoking it changes no state.
    public var safe: Bool { json["safe"]?.boolValue ?? false }
    /// `idempotent`: invoking it twice with the same input has the effect of once.
    public var idempotent: Bool { json["idempotent"]?.boolValue ?? false }
    /// `synchronous`: the result comes in the response (nil when the description does not say).
    public var synchronous: Bool? { json["synchronous"]?.boolValue }
}

/// An event (TD 1.1 `EventAffordance`): notifications a consumer can subscribe to.
public struct EventAffordance: InteractionAffordance {
    public let name: String
    public var json: JSONObject

    public init(name: String, json: JSONObject) {
        self.name = name
        self.json = json
    }

    /// `data`: the schema of each notification.
    public var data: DataSchema? {
        get { json["data"]?.objectValue.map(DataSchema.init(json:)) }
        set { json["data"] = newValue.map { .object($0.json) } }
    }
}
