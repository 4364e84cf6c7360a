import LMOSCore

/// A security scheme definition (TD 1.1 section 5.3.3): an entry of `securityDefinitions`, referred to by name
/// from `security`.
public struct SecurityScheme: Sendable, Hashable {
    /// Its key in `securityDefinitions`.
    public let name: String
    /// The scheme object, all members kept.
    public var json: JSONObject

    public init(name: String, json: JSONObject) {
        self.name = name
        self.json = json
    }

    /// A scheme with the given name, `scheme` value and further members.
    public init(name: String, scheme: String, members: JSONObject = JSONObject()) {
        self.name = name
        var json = JSONObject()
        json["scheme"] = .string(scheme)
        for member in members { json[member.key] = member.value }
        self.json = json
    }

    /// `scheme`: `nosec`, `auto`, `combo`, `basic`, `digest`, `apikey`, `bearer`, `psk`, `oauth2`, or a prefixed
    /// extension scheme.
    public var scheme: String? { json["scheme"]?.stringValue }

    /// No security (`nosec`).
    public static func nosec(name: String = "nosec_sc") -> SecurityScheme {
        SecurityScheme(name: name, scheme: "nosec")
    }

    /// HTTP Basic authentication.
    public static func basic(name: String = "basic_sc", in location: String = "header") -> SecurityScheme {
        SecurityScheme(name: name, scheme: "basic", members: ["in": .string(location)])
    }

    /// A bearer token, JWT by default.
    public static func bearer(
        name: String = "bearer_sc", format: String = "jwt", algorithm: String? = nil, authorization: String? = nil
    ) -> SecurityScheme {
        var members: JSONObject = ["format": .string(format), "in": "header"]
        if let algorithm { members["alg"] = .string(algorithm) }
        if let authorization { members["authorization"] = .string(authorization) }
        return SecurityScheme(name: name, scheme: "bearer", members: members)
    }

    /// An API key in a header, query parameter or cookie.
    public static func apiKey(name: String = "apikey_sc", in location: String = "header", parameter: String)
        -> SecurityScheme
    {
        SecurityScheme(name: name, scheme: "apikey", members: ["in": .string(location), "name": .string(parameter)])
    }

    /// OAuth 2.0 (`flow` `client` for the client-credentials grant, `code` for the authorization code grant).
    public static func oauth2(
        name: String = "oauth2_sc", flow: String = "client", token: String, authorization: String? = nil,
        scopes: [String] = []
    ) -> SecurityScheme {
        var members: JSONObject = ["flow": .string(flow), "token": .string(token)]
        if let authorization { members["authorization"] = .string(authorization) }
        if !scopes.isEmpty { members["scopes"] = .array(scopes.map(JSONValue.string)) }
        return SecurityScheme(name: name, scheme: "oauth2", members: members)
    }
}
