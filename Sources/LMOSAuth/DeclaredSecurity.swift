import LMOSCore

/// The security a Thing Description declares: its named `securityDefinitions` and the names in `security`, all
/// of which a request must satisfy (WoT TD 1.1 5.3.1).
public struct DeclaredSecurity: Sendable, Hashable {
    /// Definitions by name, in document order.
    public var definitions: [(name: String, scheme: AuthenticationScheme)]
    /// The names in force.
    public var required: [String]

    public init(definitions: [(name: String, scheme: AuthenticationScheme)], required: [String]) {
        self.definitions = definitions
        self.required = required
    }

    /// No security (`nosec_sc`).
    public static let none = DeclaredSecurity(definitions: [("nosec_sc", .noSecurity)], required: ["nosec_sc"])

    /// One scheme in force, named `<keyword>_sc`.
    public static func only(_ scheme: AuthenticationScheme) -> DeclaredSecurity {
        let name = scheme.keyword + "_sc"
        return DeclaredSecurity(definitions: [(name, scheme)], required: [name])
    }

    /// Reads the members of a description; a name in `security` (or in a combo) without definition is an error.
    public init(description: JSONObject) throws(SecuritySchemeError) {
        var definitions: [(String, AuthenticationScheme)] = []
        if let value = description["securityDefinitions"] {
            guard case .object(let members) = value else {
                throw SecuritySchemeError("securityDefinitions must be an object")
            }
            for member in members {
                do {
                    definitions.append((member.key, try AuthenticationScheme(json: member.value)))
                } catch {
                    throw SecuritySchemeError("\(member.key): \(error.description)")
                }
            }
        }
        let required: [String]
        switch description["security"] {
        case .string(let one)?: required = [one]
        case .array(let many)?: required = many.compactMap(\.stringValue)
        case nil: required = []
        case _?: throw SecuritySchemeError("security must be a name or an array of names")
        }
        self.definitions = definitions
        self.required = required
        for name in required { _ = try scheme(named: name) }
        for (name, scheme) in definitions {
            if case .combo(let allOf, let oneOf) = scheme {
                for member in (allOf ?? []) + (oneOf ?? []) {
                    guard member != name else { throw SecuritySchemeError("\(name) names itself") }
                    _ = try self.scheme(named: member)
                }
            }
        }
    }

    /// The definition of `name`.
    public func scheme(named name: String) throws(SecuritySchemeError) -> AuthenticationScheme {
        guard let found = definitions.first(where: { $0.name == name }) else {
            throw SecuritySchemeError("security names \(name), which securityDefinitions does not define")
        }
        return found.scheme
    }

    /// Whether a request needs no credentials at all.
    public var isOpen: Bool {
        required.allSatisfy { name in
            if case .noSecurity? = definitions.first(where: { $0.name == name })?.scheme { return true }
            return false
        }
    }

    /// The `securityDefinitions` member.
    public var definitionsJSON: JSONValue {
        var object = JSONObject()
        for (name, scheme) in definitions { object[name] = scheme.json }
        return .object(object)
    }

    /// The `security` member.
    public var requiredJSON: JSONValue { .array(required.map { .string($0) }) }

    public static func == (lhs: DeclaredSecurity, rhs: DeclaredSecurity) -> Bool {
        lhs.required == rhs.required
            && lhs.definitions.elementsEqual(rhs.definitions, by: { $0.name == $1.name && $0.scheme == $1.scheme })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(required)
        for (name, scheme) in definitions {
            hasher.combine(name)
            hasher.combine(scheme)
        }
    }
}
