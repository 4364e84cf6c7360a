import LMOSCore

/// Checks a description against TD 1.1 (the rules of the TD 1.1 JSON Schema, written out in Swift) and the rules
/// the schema cannot express (PROTOCOL.md section 1): security names defined, response schemas defined, ranges
/// ordered, LMOS terms well formed and their prefix declared.
///
/// Validation never throws and never stops at the first problem: it collects every problem with its JSON Pointer.
struct DescriptionValidator {
    var errors: [ValidationError] = []
    /// Names in `securityDefinitions`, for checking references.
    var securityNames: Set<String> = []
    /// Names in `schemaDefinitions`, for checking `additionalResponses[].schema`.
    var schemaNames: Set<String> = []
    /// Data schemas nest; this bounds the walk (the parser's depth limit bounds it too).
    static let maximumSchemaDepth = 64

    static func validate(_ document: JSONValue) -> [ValidationError] {
        var validator = DescriptionValidator()
        validator.validateThing(document)
        return validator.errors
    }

    mutating func report(_ path: JSONPointer, _ message: String) {
        errors.append(ValidationError(field: path.description, description: message))
    }

    // MARK: Thing

    mutating func validateThing(_ document: JSONValue) {
        guard case .object(let thing) = document else {
            report(.root, "a Thing Description must be a JSON object, found \(document.typeName)")
            return
        }
        let root = JSONPointer.root
        securityNames = Set(thing["securityDefinitions"]?.objectValue?.keys ?? [])
        schemaNames = Set(thing["schemaDefinitions"]?.objectValue?.keys ?? [])

        for required in ["@context", "title", "security", "securityDefinitions"] where thing[required] == nil {
            report(root.appending(required), "is required")
        }
        if let context = thing["@context"] { validateContext(context, at: root.appending("@context")) }
        if let type = thing["@type"] { validateTypeDeclaration(type, at: root.appending("@type")) }
        if let id = thing["id"] {
            if let string = string(id, at: root.appending("id")), !Syntax.isAbsoluteURI(string) {
                report(root.appending("id"), "must be a URI with a scheme (such as urn:uuid:... or https://...)")
            }
        }
        validateHumanReadable(thing, at: root)
        if let version = thing["version"] {
            let path = root.appending("version")
            if let versionObject = object(version, at: path) {
                if let instance = versionObject["instance"] {
                    string(instance, at: path.appending("instance"))
                } else {
                    report(path.appending("instance"), "is required")
                }
            }
        }
        for key in ["created", "modified"] {
            if let value = thing[key], let text = string(value, at: root.appending(key)), !Syntax.isDateTime(text) {
                report(root.appending(key), "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z")
            }
        }
        if let base = thing["base"], let text = string(base, at: root.appending("base")), !Syntax.isURIReference(text) {
            report(root.appending("base"), "must be a URI")
        }
        if let support = thing["support"] { string(support, at: root.appending("support")) }
        if let profile = thing["profile"] { validateStringOrList(profile, at: root.appending("profile"), nonEmpty: true) }
        if let security = thing["security"] { validateSecurityReference(security, at: root.appending("security")) }
        if let definitions = thing["securityDefinitions"] {
            validateSecurityDefinitions(definitions, at: root.appending("securityDefinitions"))
        }
        if let definitions = thing["schemaDefinitions"] {
            let path = root.appending("schemaDefinitions")
            if let map = object(definitions, at: path) {
                if map.isEmpty { report(path, "must have at least one member") }
                for member in map { validateDataSchema(member.value, at: path.appending(member.key), depth: 0) }
            }
        }
        if let variables = thing["uriVariables"] { validateURIVariables(variables, at: root.appending("uriVariables")) }
        if let links = thing["links"] { validateLinks(links, at: root.appending("links")) }
        if let forms = thing["forms"] { validateForms(forms, kind: .thing, at: root.appending("forms")) }
        for kind in [AffordanceKind.property, .action, .event] {
            guard let map = thing[kind.member] else { continue }
            let path = root.appending(kind.member)
            guard let affordances = object(map, at: path) else { continue }
            for member in affordances {
                validateAffordance(member.value, kind: kind, at: path.appending(member.key))
            }
        }
        validateLMOS(thing)
    }

    // MARK: @context and @type

    mutating func validateContext(_ context: JSONValue, at path: JSONPointer) {
        let td11 = Vocabulary.thingDescriptionContext11
        let td10 = Vocabulary.thingDescriptionContext10
        switch context {
        case .string(let uri):
            if uri != td11 && uri != td10 {
                report(path, "must be \"\(td11)\" (or the TD 1.0 \"\(td10)\"), or an array that starts with it")
            }
        case .array(let entries):
            guard let first = entries.first?.stringValue, first == td11 || first == td10 else {
                report(path.appending(0), "the first entry must be \"\(td11)\" (or the TD 1.0 \"\(td10)\")")
                return
            }
            for (index, entry) in entries.enumerated().dropFirst() {
                switch entry {
                case .string(let uri):
                    if first == td11 && uri == td10 {
                        report(path.appending(index), "the TD 1.0 context may only come before the TD 1.1 context")
                    }
                case .object(let definitions):
                    for member in definitions where member.value.stringValue == nil {
                        report(
                            path.appending(index).appending(member.key),
                            "must be a string (a namespace or term IRI), found \(member.value.typeName)")
                    }
                default:
                    report(path.appending(index), "must be a URI string or an object of prefix definitions")
                }
            }
        default:
            report(path, "must be a string or an array, found \(context.typeName)")
        }
    }

    mutating func validateTypeDeclaration(_ type: JSONValue, at path: JSONPointer) {
        switch type {
        case .string(let name):
            if name == "tm:ThingModel" { report(path, "a Thing Description cannot be a tm:ThingModel") }
        case .array(let names):
            for (index, name) in names.enumerated() {
                let itemPath = path.appending(index)
                if let text = string(name, at: itemPath), text == "tm:ThingModel" {
                    report(itemPath, "a Thing Description cannot be a tm:ThingModel")
                }
            }
        default:
            report(path, "must be a string or an array of strings, found \(type.typeName)")
        }
    }

    // MARK: Shared shapes

    /// `title`, `titles`, `description`, `descriptions`.
    mutating func validateHumanReadable(_ object: JSONObject, at path: JSONPointer) {
        for key in ["title", "description"] {
            if let value = object[key] { string(value, at: path.appending(key)) }
        }
        for key in ["titles", "descriptions"] {
            guard let value = object[key] else { continue }
            let mapPath = path.appending(key)
            guard let map = self.object(value, at: mapPath) else { continue }
            for member in map {
                let memberPath = mapPath.appending(member.key)
                string(member.value, at: memberPath)
                if !Syntax.isLanguageTag(member.key) {
                    report(memberPath, "\"\(member.key)\" is not a BCP 47 language tag")
                }
            }
        }
    }

    mutating func validateURIVariables(_ value: JSONValue, at path: JSONPointer) {
        guard let map = object(value, at: path) else { return }
        for member in map { validateDataSchema(member.value, at: path.appending(member.key), depth: 0) }
    }

    /// A string, or an array of strings (non-empty when `nonEmpty`).
    mutating func validateStringOrList(_ value: JSONValue, at path: JSONPointer, nonEmpty: Bool) {
        switch value {
        case .string: break
        case .array(let items):
            if nonEmpty && items.isEmpty { report(path, "must not be an empty array") }
            for (index, item) in items.enumerated() { string(item, at: path.appending(index)) }
        default:
            report(path, "must be a string or an array of strings, found \(value.typeName)")
        }
    }

    // MARK: Type checks that report

    @discardableResult
    mutating func string(_ value: JSONValue, at path: JSONPointer) -> String? {
        if case .string(let text) = value { return text }
        report(path, "must be a string, found \(value.typeName)")
        return nil
    }

    @discardableResult
    mutating func object(_ value: JSONValue, at path: JSONPointer) -> JSONObject? {
        if case .object(let object) = value { return object }
        report(path, "must be an object, found \(value.typeName)")
        return nil
    }

    @discardableResult
    mutating func array(_ value: JSONValue, at path: JSONPointer) -> [JSONValue]? {
        if case .array(let array) = value { return array }
        report(path, "must be an array, found \(value.typeName)")
        return nil
    }

    mutating func boolean(_ value: JSONValue, at path: JSONPointer) {
        if case .bool = value { return }
        report(path, "must be true or false, found \(value.typeName)")
    }

    @discardableResult
    mutating func number(_ value: JSONValue, at path: JSONPointer) -> Double? {
        if let number = value.doubleValue { return number }
        report(path, "must be a number, found \(value.typeName)")
        return nil
    }

    /// An integer >= 0 (JSON Schema counts `2.0` as an integer).
    @discardableResult
    mutating func count(_ value: JSONValue, at path: JSONPointer) -> Int64? {
        guard value.isNumber, let integer = value.integerValue else {
            report(path, "must be an integer, found \(value.typeName)")
            return nil
        }
        guard integer >= 0 else {
            report(path, "must not be negative")
            return nil
        }
        return integer
    }

    /// A string naming one of `allowed`.
    mutating func oneOf(_ value: JSONValue, _ allowed: [String], at path: JSONPointer) {
        guard let text = string(value, at: path) else { return }
        if !allowed.contains(text) {
            report(path, "\"\(text)\" is not one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
        }
    }
}
