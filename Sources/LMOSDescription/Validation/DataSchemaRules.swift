import LMOSCore

extension DescriptionValidator {
    static let dataSchemaTypes = ["boolean", "integer", "number", "string", "object", "array", "null"]

    mutating func validateDataSchema(_ value: JSONValue, at path: JSONPointer, depth: Int) {
        guard let schema = object(value, at: path) else { return }
        validateDataSchemaMembers(schema, at: path, depth: depth)
    }

    /// The members of TD 1.1 `DataSchema` (section 5.3.2.1) and its subclasses.
    mutating func validateDataSchemaMembers(_ schema: JSONObject, at path: JSONPointer, depth: Int) {
        guard depth < Self.maximumSchemaDepth else {
            report(path, "data schemas nest deeper than \(Self.maximumSchemaDepth) levels")
            return
        }
        if let type = schema["@type"] { validateTypeDeclaration(type, at: path.appending("@type")) }
        validateHumanReadable(schema, at: path)
        if let type = schema["type"] { oneOf(type, Self.dataSchemaTypes, at: path.appending("type")) }
        for key in ["readOnly", "writeOnly"] {
            if let flag = schema[key] { boolean(flag, at: path.appending(key)) }
        }
        for key in ["unit", "format", "contentEncoding", "contentMediaType"] {
            if let member = schema[key] { string(member, at: path.appending(key)) }
        }
        if let values = schema["enum"] {
            let enumPath = path.appending("enum")
            if let items = array(values, at: enumPath) {
                if items.isEmpty { report(enumPath, "must have at least one value") }
                if Set(items).count != items.count { report(enumPath, "values must be unique") }
            }
        }
        if let oneOf = schema["oneOf"] {
            let oneOfPath = path.appending("oneOf")
            for (index, item) in (array(oneOf, at: oneOfPath) ?? []).enumerated() {
                validateDataSchema(item, at: oneOfPath.appending(index), depth: depth + 1)
            }
        }
        if let items = schema["items"] {
            let itemsPath = path.appending("items")
            switch items {
            case .object:
                validateDataSchema(items, at: itemsPath, depth: depth + 1)
            case .array(let schemas):
                for (index, item) in schemas.enumerated() {
                    validateDataSchema(item, at: itemsPath.appending(index), depth: depth + 1)
                }
            default:
                report(itemsPath, "must be a data schema or an array of data schemas, found \(items.typeName)")
            }
        }
        if let properties = schema["properties"] {
            let propertiesPath = path.appending("properties")
            if let map = object(properties, at: propertiesPath) {
                for member in map {
                    validateDataSchema(member.value, at: propertiesPath.appending(member.key), depth: depth + 1)
                }
            }
        }
        if let required = schema["required"] {
            let requiredPath = path.appending("required")
            for (index, name) in (array(required, at: requiredPath) ?? []).enumerated() {
                string(name, at: requiredPath.appending(index))
            }
        }
        validateRange(schema, lower: "minItems", upper: "maxItems", at: path, counts: true)
        validateRange(schema, lower: "minLength", upper: "maxLength", at: path, counts: true)
        validateRange(schema, lower: "minimum", upper: "maximum", at: path, counts: false)
        for key in ["exclusiveMinimum", "exclusiveMaximum"] {
            if let bound = schema[key] { number(bound, at: path.appending(key)) }
        }
        if let multipleOf = schema["multipleOf"], let factor = number(multipleOf, at: path.appending("multipleOf")),
            factor <= 0
        {
            report(path.appending("multipleOf"), "must be greater than 0")
        }
    }

    /// Checks both bounds' types and that the lower is not above the upper.
    mutating func validateRange(_ schema: JSONObject, lower: String, upper: String, at path: JSONPointer, counts: Bool) {
        func read(_ key: String, _ validator: inout DescriptionValidator) -> Double? {
            guard let value = schema[key] else { return nil }
            if counts { return validator.count(value, at: path.appending(key)).map(Double.init) }
            return validator.number(value, at: path.appending(key))
        }
        let low = read(lower, &self)
        let high = read(upper, &self)
        if let low, let high, low > high {
            report(path.appending(lower), "\(lower) is greater than \(upper)")
        }
    }
}
