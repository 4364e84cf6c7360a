import LMOSCore

extension DescriptionValidator {
    static let locations = ["header", "query", "body", "cookie", "auto"]

    /// `security` at thing or form level: a name or a non-empty list of names, each defined in
    /// `securityDefinitions`.
    mutating func validateSecurityReference(_ value: JSONValue, at path: JSONPointer) {
        switch value {
        case .string(let name):
            checkDefined(name, at: path)
        case .array(let names):
            if names.isEmpty { report(path, "must name at least one security definition") }
            for (index, name) in names.enumerated() {
                if let text = string(name, at: path.appending(index)) { checkDefined(text, at: path.appending(index)) }
            }
        default:
            report(path, "must be a string or an array of strings, found \(value.typeName)")
        }
    }

    mutating func checkDefined(_ name: String, at path: JSONPointer) {
        if !securityNames.contains(name) {
            report(path, "\"\(name)\" is not defined in securityDefinitions")
        }
    }

    mutating func validateSecurityDefinitions(_ value: JSONValue, at path: JSONPointer) {
        guard let definitions = object(value, at: path) else { return }
        if definitions.isEmpty { report(path, "must define at least one security scheme") }
        for member in definitions { validateSecurityScheme(member.value, name: member.key, at: path.appending(member.key)) }
    }

    /// TD 1.1 section 5.3.3: the members each scheme may carry, and their values.
    mutating func validateSecurityScheme(_ value: JSONValue, name: String, at path: JSONPointer) {
        guard let scheme = object(value, at: path) else { return }
        if let type = scheme["@type"] { validateTypeDeclaration(type, at: path.appending("@type")) }
        validateHumanReadable(scheme, at: path)
        if let proxy = scheme["proxy"] { string(proxy, at: path.appending("proxy")) }
        guard let schemeValue = scheme["scheme"] else {
            report(path.appending("scheme"), "is required")
            return
        }
        guard let kind = string(schemeValue, at: path.appending("scheme")) else { return }
        func strings(_ keys: [String]) {
            for key in keys {
                if let member = scheme[key] { string(member, at: path.appending(key)) }
            }
        }
        func location(_ allowed: [String]) {
            if let member = scheme["in"] { oneOf(member, allowed, at: path.appending("in")) }
        }
        switch kind {
        case "nosec":
            break
        case "auto":
            if scheme["name"] != nil { report(path.appending("name"), "is not allowed in an auto scheme") }
        case "combo":
            validateCombo(scheme, name: name, at: path)
        case "basic":
            location(Self.locations)
            strings(["name"])
        case "digest":
            location(Self.locations)
            strings(["name"])
            if let qop = scheme["qop"] { oneOf(qop, ["auth", "auth-int"], at: path.appending("qop")) }
        case "apikey":
            location(Self.locations + ["uri"])
            strings(["name"])
        case "bearer":
            location(Self.locations)
            strings(["name", "authorization", "alg", "format"])
        case "psk":
            strings(["identity"])
        case "oauth2":
            strings(["authorization", "token", "refresh", "flow"])
            if let scopes = scheme["scopes"] {
                validateStringOrList(scopes, at: path.appending("scopes"), nonEmpty: false)
            }
        default:
            // Extension schemes come from a context extension and carry its prefix (`ace:ACESecurityScheme`).
            if !kind.contains(":") || kind.hasPrefix(":") {
                report(
                    path.appending("scheme"),
                    "\"\(kind)\" is not a TD 1.1 security scheme (nosec, auto, combo, basic, digest, apikey, bearer, "
                        + "psk, oauth2) nor a prefixed extension scheme")
            }
        }
    }

    /// `combo`: exactly one of `oneOf` / `allOf`, a list of at least two other defined scheme names.
    mutating func validateCombo(_ scheme: JSONObject, name: String, at path: JSONPointer) {
        let present = ["oneOf", "allOf"].filter { scheme[$0] != nil }
        guard present.count == 1, let key = present.first, let list = scheme[key] else {
            report(path, "a combo scheme needs exactly one of oneOf or allOf")
            return
        }
        let listPath = path.appending(key)
        guard let names = array(list, at: listPath) else { return }
        if names.count < 2 { report(listPath, "must name at least two security definitions") }
        for (index, entry) in names.enumerated() {
            guard let text = string(entry, at: listPath.appending(index)) else { continue }
            if text == name {
                report(listPath.appending(index), "a combo scheme cannot include itself")
            } else {
                checkDefined(text, at: listPath.appending(index))
            }
        }
    }
}
