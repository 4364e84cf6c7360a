import LMOSCore

/// A data schema (TD 1.1 section 5.3.2): the JSON-Schema-like description of a property value, an action's input
/// or output, or an event's data.
public struct DataSchema: Sendable, Hashable {
    /// The schema object, all members kept.
    public var json: JSONObject

    public init(json: JSONObject) {
        self.json = json
    }

    /// `type`: `boolean`, `integer`, `number`, `string`, `object`, `array` or `null`.
    public var type: String? { json["type"]?.stringValue }

    /// Adds `description`.
    public func described(_ text: String) -> DataSchema {
        var copy = self
        copy.json["description"] = .string(text)
        return copy
    }

    /// Adds any member, for the terms the constructors do not cover.
    public func with(_ key: String, _ value: JSONValue) -> DataSchema {
        var copy = self
        copy.json[key] = value
        return copy
    }

    static func typed(_ type: String, _ members: [(String, JSONValue?)]) -> DataSchema {
        var json: JSONObject = ["type": .string(type)]
        for (key, value) in members {
            if let value { json[key] = value }
        }
        return DataSchema(json: json)
    }

    /// A string, optionally limited to `enum` values, a `format`, or a length range.
    public static func string(
        description: String? = nil, enum values: [String] = [], format: String? = nil, minLength: Int? = nil,
        maxLength: Int? = nil
    ) -> DataSchema {
        typed("string", [
            ("description", description.map(JSONValue.string)),
            ("enum", values.isEmpty ? nil : .array(values.map(JSONValue.string))),
            ("format", format.map(JSONValue.string)),
            ("minLength", minLength.map { .integer(Int64($0)) }),
            ("maxLength", maxLength.map { .integer(Int64($0)) }),
        ])
    }

    /// An integer, optionally within `minimum...maximum`.
    public static func integer(description: String? = nil, minimum: Int64? = nil, maximum: Int64? = nil) -> DataSchema {
        typed("integer", [
            ("description", description.map(JSONValue.string)),
            ("minimum", minimum.map(JSONValue.integer)),
            ("maximum", maximum.map(JSONValue.integer)),
        ])
    }

    /// A number, optionally within `minimum...maximum`.
    public static func number(description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> DataSchema {
        typed("number", [
            ("description", description.map(JSONValue.string)),
            ("minimum", minimum.map(JSONValue.double)),
            ("maximum", maximum.map(JSONValue.double)),
        ])
    }

    /// A Boolean.
    public static func boolean(description: String? = nil) -> DataSchema {
        typed("boolean", [("description", description.map(JSONValue.string))])
    }

    /// `null`.
    public static var null: DataSchema { typed("null", []) }

    /// An array whose elements follow `items`.
    public static func array(of items: DataSchema, description: String? = nil, minItems: Int? = nil, maxItems: Int? = nil)
        -> DataSchema
    {
        typed("array", [
            ("description", description.map(JSONValue.string)),
            ("items", .object(items.json)),
            ("minItems", minItems.map { .integer(Int64($0)) }),
            ("maxItems", maxItems.map { .integer(Int64($0)) }),
        ])
    }

    /// An object with the given properties (in order) and required names.
    public static func object(
        _ properties: KeyValuePairs<String, DataSchema> = [:], required: [String] = [], description: String? = nil
    ) -> DataSchema {
        var map = JSONObject()
        for (name, schema) in properties { map[name] = .object(schema.json) }
        return typed("object", [
            ("description", description.map(JSONValue.string)),
            ("properties", map.isEmpty ? nil : .object(map)),
            ("required", required.isEmpty ? nil : .array(required.map(JSONValue.string))),
        ])
    }
}
