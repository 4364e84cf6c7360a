import HTTPTypes
import LMOSAuth
import LMOSCore
import LMOSDirectory
import Logging

/// Who may do what in a directory with authentication on (PROTOCOL.md 7): bearer JWTs checked by a
/// ``BearerTokenVerifier``; reads need `lmos:read` (or nothing with ``publicRead``), writes `lmos:write`; a token
/// with `lmos:admin` may change any description, others only those they own (the engine's ``Requester`` rules:
/// the token `sub` that registered a description, or the DID that signed it).
public struct DirectoryAccessControl: Sendable {
    public let verifier: BearerTokenVerifier
    /// Reads (listing, retrieval, search, events) without a token.
    public let publicRead: Bool
    /// The authorization server's token endpoint, declared in the directory's own description (an `oauth2` scheme
    /// with the client-credentials flow); without one the description declares a `bearer` JWT scheme.
    public let tokenURL: String?
    /// The realm of `WWW-Authenticate` challenges.
    public let realm: String

    public init(verifier: BearerTokenVerifier, publicRead: Bool = false, tokenURL: String? = nil, realm: String = "lmos-directory") {
        self.verifier = verifier
        self.publicRead = publicRead
        self.tokenURL = tokenURL
        self.realm = realm
    }

    /// What a request wants to do.
    enum Operation {
        case read, write
    }

    /// The requester a request speaks for, or a problem (401/403/400/503 with its challenge).
    func requester(authorization: String?, for operation: Operation, logger: Logger? = nil) async throws(Problem) -> Requester {
        if operation == .read && publicRead { return .anonymous }
        do throws(BearerError) {
            let token = try await verifier.authorize(
                header: authorization, requiring: [operation == .read ? Scope.read : Scope.write])
            if token.has(Scope.admin) { return .administrator(subject: token.subject.flatMap { $0.isEmpty ? nil : $0 }) }
            guard let subject = token.subject, !subject.isEmpty else {
                throw BearerError.invalidToken("the token names no subject (sub or client_id)")
            }
            return .subject(subject)
        } catch {
            var headers: HTTPFields = [:]
            if let challenge = error.challenge(realm: realm) { headers[.wwwAuthenticate] = challenge }
            // Where the keys come from and why they failed is for the operator's log, not for any client.
            if case .keysUnavailable(let reason) = error {
                logger?.error("cannot check bearer tokens", metadata: ["reason": "\(reason)"])
                throw Problem(.serviceUnavailable, "the token keys are unavailable; try again later", headers: headers)
            }
            throw Problem(Self.status(error), error.description, headers: headers)
        }
    }

    /// The HTTP status of a bearer error, with its reason phrase (`Status(code:)` alone has none, and the problem's
    /// title is the reason phrase).
    static func status(_ error: BearerError) -> HTTPResponse.Status {
        switch error.status {
        case 400: return .badRequest
        case 403: return .forbidden
        case 503: return .serviceUnavailable
        default: return .unauthorized
        }
    }

    /// The security the directory's own description declares.
    var declared: DeclaredSecurity {
        let scopes = [Scope.read, Scope.write, Scope.admin]
        let scheme: AuthenticationScheme =
            tokenURL.map { .oauth2(flow: "client", token: $0, authorization: nil, scopes: scopes) }
            ?? .bearer(format: "jwt", algorithm: nil, authorization: verifier.requirements.issuer)
        var security = DeclaredSecurity.only(scheme)
        if publicRead { security.definitions.append(("nosec_sc", .noSecurity)) }
        return security
    }

    /// `document` (the directory's description) with this security: the scheme in force, and on each form the scope
    /// it needs (reads: `lmos:read`, or `nosec_sc` when reads are public; writes: `lmos:write`).
    func secure(_ document: JSONValue) -> JSONValue {
        guard case .object(var object) = document else { return document }
        let security = declared
        object["securityDefinitions"] = security.definitionsJSON
        object["security"] = security.requiredJSON
        for group in ["properties", "actions", "events"] {
            guard case .object(var affordances)? = object[group] else { continue }
            for member in affordances {
                guard case .object(var affordance) = member.value, case .array(let forms)? = affordance["forms"] else { continue }
                affordance["forms"] = .array(forms.map { form in
                    guard case .object(var form) = form else { return form }
                    let method = form["htv:methodName"]?.stringValue ?? "GET"
                    let isRead = method == "GET" || method == "HEAD"
                    if isRead && publicRead {
                        form["security"] = ["nosec_sc"]
                    } else {
                        form["scopes"] = [.string(isRead ? Scope.read : Scope.write)]
                    }
                    return .object(form)
                })
                affordances[member.key] = .object(affordance)
            }
            object[group] = .object(affordances)
        }
        return .object(object)
    }
}
