import LMOSCore

/// Where a form sits decides which `op` values it may carry (TD 1.1 section 5.3.4.2).
enum AffordanceKind {
    case property, action, event, thing

    var member: String {
        switch self {
        case .property: return "properties"
        case .action: return "actions"
        case .event: return "events"
        case .thing: return "forms"
        }
    }

    var operations: [String] {
        switch self {
        case .property: return ["readproperty", "writeproperty", "observeproperty", "unobserveproperty"]
        case .action: return ["invokeaction", "queryaction", "cancelaction"]
        case .event: return ["subscribeevent", "unsubscribeevent"]
        case .thing:
            return [
                "readallproperties", "writeallproperties", "readmultipleproperties", "writemultipleproperties",
                "observeallproperties", "unobserveallproperties", "queryallactions", "subscribeallevents",
                "unsubscribeallevents",
            ]
        }
    }
}

extension DescriptionValidator {
    mutating func validateAffordance(_ value: JSONValue, kind: AffordanceKind, at path: JSONPointer) {
        guard let affordance = object(value, at: path) else { return }
        if let type = affordance["@type"] { validateTypeDeclaration(type, at: path.appending("@type")) }
        validateHumanReadable(affordance, at: path)
        if let variables = affordance["uriVariables"] { validateURIVariables(variables, at: path.appending("uriVariables")) }
        if let forms = affordance["forms"] {
            validateForms(forms, kind: kind, at: path.appending("forms"))
        } else {
            report(path.appending("forms"), "is required: every affordance needs at least one form")
        }
        switch kind {
        case .property:
            // A property is also a data schema for its value.
            validateDataSchemaMembers(affordance, at: path, depth: 0)
            if let observable = affordance["observable"] { boolean(observable, at: path.appending("observable")) }
        case .action:
            for key in ["input", "output"] {
                if let schema = affordance[key] { validateDataSchema(schema, at: path.appending(key), depth: 0) }
            }
            for key in ["safe", "idempotent", "synchronous"] {
                if let flag = affordance[key] { boolean(flag, at: path.appending(key)) }
            }
        case .event:
            for key in ["subscription", "data", "dataResponse", "cancellation"] {
                if let schema = affordance[key] { validateDataSchema(schema, at: path.appending(key), depth: 0) }
            }
        case .thing:
            break
        }
    }

    mutating func validateForms(_ value: JSONValue, kind: AffordanceKind, at path: JSONPointer) {
        guard let forms = array(value, at: path) else { return }
        if forms.isEmpty { report(path, "must have at least one form") }
        for (index, form) in forms.enumerated() { validateForm(form, kind: kind, at: path.appending(index)) }
    }

    mutating func validateForm(_ value: JSONValue, kind: AffordanceKind, at path: JSONPointer) {
        guard let form = object(value, at: path) else { return }
        if let href = form["href"] {
            if let text = string(href, at: path.appending("href")), !Syntax.isURIReference(text) {
                report(path.appending("href"), "\"\(text)\" is not a URI (spaces and control characters must be percent-encoded)")
            }
        } else {
            report(path.appending("href"), "is required")
        }
        if let op = form["op"] {
            let opPath = path.appending("op")
            switch op {
            case .string:
                oneOf(op, kind.operations, at: opPath)
            case .array(let operations):
                if operations.isEmpty { report(opPath, "must not be an empty array") }
                for (index, operation) in operations.enumerated() {
                    oneOf(operation, kind.operations, at: opPath.appending(index))
                }
            default:
                report(opPath, "must be a string or an array of strings, found \(op.typeName)")
            }
        } else if kind == .thing {
            report(path.appending("op"), "is required in thing-level forms")
        }
        for key in ["contentType", "contentCoding", "subprotocol"] {
            if let member = form[key] { string(member, at: path.appending(key)) }
        }
        if let security = form["security"] { validateSecurityReference(security, at: path.appending("security")) }
        if let scopes = form["scopes"] { validateStringOrList(scopes, at: path.appending("scopes"), nonEmpty: false) }
        if let response = form["response"] {
            let responsePath = path.appending("response")
            if let responseObject = object(response, at: responsePath) {
                if let contentType = responseObject["contentType"] {
                    string(contentType, at: responsePath.appending("contentType"))
                } else {
                    report(responsePath.appending("contentType"), "is required")
                }
            }
        }
        if let additional = form["additionalResponses"] {
            let additionalPath = path.appending("additionalResponses")
            for (index, entry) in (array(additional, at: additionalPath) ?? []).enumerated() {
                let entryPath = additionalPath.appending(index)
                guard let response = object(entry, at: entryPath) else { continue }
                if let contentType = response["contentType"] { string(contentType, at: entryPath.appending("contentType")) }
                if let success = response["success"] { boolean(success, at: entryPath.appending("success")) }
                if let schema = response["schema"], let name = string(schema, at: entryPath.appending("schema")),
                    !schemaNames.contains(name)
                {
                    report(entryPath.appending("schema"), "\"\(name)\" is not defined in schemaDefinitions")
                }
            }
        }
    }
}
