import LMOSCore

/// What a security scheme of a Thing Description (`securityDefinitions`, WoT TD 1.1 5.3.3) asks of a request, for
/// the schemes LMOS supports (the description model's `LMOSDescription.SecurityScheme` is the raw definition).
public enum AuthenticationScheme: Sendable, Hashable {
    /// No security.
    case noSecurity
    /// HTTP Basic (RFC 7617) in the Authorization header.
    case basic
    /// A bearer token in the Authorization header (RFC 6750); `format` (e.g. `jwt`) and `alg` as declared.
    case bearer(format: String?, algorithm: String?, authorization: String?)
    /// An API key in a header, query parameter or cookie named `name`.
    case apiKey(location: APIKeyLocation, name: String)
    /// OAuth 2.0: a bearer token from the authorization server (`flow` `client`: client-credentials grant at `token`).
    case oauth2(flow: String, token: String?, authorization: String?, scopes: [String])
    /// Several schemes, all required (`allOf`) or any one (`oneOf`), by name.
    case combo(allOf: [String]?, oneOf: [String]?)

    /// Where an API key travels.
    public enum APIKeyLocation: String, Sendable, Hashable {
        case header, query, cookie
    }

    /// The scheme's keyword (`nosec`, `basic`, ...).
    public var keyword: String {
        switch self {
        case .noSecurity: return "nosec"
        case .basic: return "basic"
        case .bearer: return "bearer"
        case .apiKey: return "apikey"
        case .oauth2: return "oauth2"
        case .combo: return "combo"
        }
    }

    /// Reads one member of `securityDefinitions`; errors name what is unsupported.
    public init(json: JSONValue) throws(SecuritySchemeError) {
        guard case .object(let object) = json, let scheme = object["scheme"]?.stringValue else {
            throw SecuritySchemeError("a security definition must be an object with a scheme")
        }
        switch scheme {
        case "nosec":
            self = .noSecurity
        case "basic":
            guard (object["in"]?.stringValue ?? "header") == "header" else {
                throw SecuritySchemeError("basic credentials are supported in the header only")
            }
            self = .basic
        case "bearer":
            guard (object["in"]?.stringValue ?? "header") == "header" else {
                throw SecuritySchemeError("bearer tokens are supported in the header only")
            }
            self = .bearer(
                format: object["format"]?.stringValue, algorithm: object["alg"]?.stringValue,
                authorization: object["authorization"]?.stringValue)
        case "apikey":
            // WoT TD: `in` defaults to query; `name` is required in practice (no default name exists).
            let place = object["in"]?.stringValue ?? "query"
            guard let location = APIKeyLocation(rawValue: place) else {
                throw SecuritySchemeError("API keys are supported in the header, query or a cookie, not \(place)")
            }
            guard let name = object["name"]?.stringValue, !name.isEmpty else {
                throw SecuritySchemeError("an apikey scheme needs a name")
            }
            self = .apiKey(location: location, name: name)
        case "oauth2":
            guard let flow = object["flow"]?.stringValue else { throw SecuritySchemeError("an oauth2 scheme needs a flow") }
            let scopes: [String]
            switch object["scopes"] {
            case .string(let one)?: scopes = [one]
            case .array(let many)?: scopes = many.compactMap(\.stringValue)
            default: scopes = []
            }
            self = .oauth2(
                flow: flow, token: object["token"]?.stringValue, authorization: object["authorization"]?.stringValue,
                scopes: scopes)
        case "combo":
            let allOf = object["allOf"]?.arrayValue?.compactMap(\.stringValue)
            let oneOf = object["oneOf"]?.arrayValue?.compactMap(\.stringValue)
            guard (allOf == nil) != (oneOf == nil) else {
                throw SecuritySchemeError("a combo scheme needs exactly one of allOf and oneOf")
            }
            self = .combo(allOf: allOf, oneOf: oneOf)
        default:
            throw SecuritySchemeError("the security scheme \(scheme) is not supported (nosec, basic, bearer, apikey, oauth2, combo)")
        }
    }

    /// The member of `securityDefinitions` for this scheme.
    public var json: JSONValue {
        var object: JSONObject = ["scheme": .string(keyword)]
        switch self {
        case .noSecurity: break
        case .basic: object["in"] = "header"
        case .bearer(let format, let algorithm, let authorization):
            object["in"] = "header"
            if let format { object["format"] = .string(format) }
            if let algorithm { object["alg"] = .string(algorithm) }
            if let authorization { object["authorization"] = .string(authorization) }
        case .apiKey(let location, let name):
            object["in"] = .string(location.rawValue)
            object["name"] = .string(name)
        case .oauth2(let flow, let token, let authorization, let scopes):
            object["flow"] = .string(flow)
            if let token { object["token"] = .string(token) }
            if let authorization { object["authorization"] = .string(authorization) }
            if !scopes.isEmpty { object["scopes"] = .array(scopes.map { .string($0) }) }
        case .combo(let allOf, let oneOf):
            if let allOf { object["allOf"] = .array(allOf.map { .string($0) }) }
            if let oneOf { object["oneOf"] = .array(oneOf.map { .string($0) }) }
        }
        return .object(object)
    }
}

/// A security definition that cannot be used.
public struct SecuritySchemeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
