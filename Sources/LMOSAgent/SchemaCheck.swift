import LMOSCore
import LMOSDescription

/// A light check of a value against a data schema: `type` (with `integer` a kind of `number`), `enum`, `const`,
/// the `required` members and `properties` of objects and the `items` of arrays, recursively. Enough to refuse
/// inputs and writes of the wrong shape with a precise reason; not a full JSON Schema validator.
enum SchemaCheck {
    static func problems(_ value: JSONValue, against schema: JSONObject, at path: String = "") -> String? {
        let location = path.isEmpty ? "the value" : path
        if let type = schema["type"]?.stringValue, !matches(value, type) {
            return "\(location) must be \(article(type)) \(type), not \(value.typeName)"
        }
        if let constant = schema["const"], constant != value { return "\(location) must be \(constant)" }
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) {
            return "\(location) must be one of \(JSONValue.array(allowed))"
        }
        if case .object(let object) = value {
            if case .array(let required)? = schema["required"] {
                for name in required.compactMap(\.stringValue) where object[name] == nil {
                    return "\(path.isEmpty ? "the value" : path) lacks the member \(name)"
                }
            }
            if case .object(let properties)? = schema["properties"] {
                for member in object {
                    guard case .object(let memberSchema)? = properties[member.key] else { continue }
                    if let problem = problems(member.value, against: memberSchema, at: "\(path)/\(member.key)") {
                        return problem
                    }
                }
            }
        }
        if case .array(let items) = value, case .object(let itemSchema)? = schema["items"] {
            for (index, item) in items.enumerated() {
                if let problem = problems(item, against: itemSchema, at: "\(path)/\(index)") { return problem }
            }
        }
        return nil
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("integer", .integer), ("number", .integer), ("number", .double):
            return true
        case ("integer", .double(let number)):
            return number.rounded() == number
        default:
            return !["object", "array", "string", "boolean", "null", "integer", "number"].contains(type)
        }
    }

    private static func article(_ type: String) -> String {
        ["object", "array", "integer"].contains(type) ? "an" : "a"
    }
}
