import JWTKit

/// The claims of an access token that the resource server reads. Times are numbers (NumericDate, RFC 7519 2); the
/// checks happen in ``BearerTokenVerifier`` against ``TokenRequirements``, not here.
struct TokenClaims: JWTPayload {
    var iss: String?
    var sub: String?
    var aud: StringOrList?
    var exp: Double?
    var nbf: Double?
    var iat: Double?
    var scope: StringOrList?
    var scp: StringOrList?
    var client_id: String?
    var azp: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    var scopes: Set<String> {
        // `scope` is a space-separated string (RFC 9068, RFC 8693); some providers send an array, or `scp`.
        var scopes = Set<String>()
        for list in [scope, scp].compactMap({ $0 }) { scopes.formUnion(list.values.flatMap { Scope.parse($0) }) }
        return scopes
    }
}

/// A claim that is a string or an array of strings (`aud`, `scp`).
struct StringOrList: Codable, Sendable, Hashable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            values = [one]
        } else {
            values = try container.decode([String].self)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1 { try container.encode(values[0]) } else { try container.encode(values) }
    }
}
