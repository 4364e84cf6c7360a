import LMOSAuth
import LMOSCore
import Testing

@Suite("Security schemes: declared, enforced, satisfied")
struct SecuritySchemeTests {
    func declared(_ json: String) throws -> DeclaredSecurity {
        guard case .object(let object) = try JSONValue(parsing: Array(json.utf8)) else { throw SecuritySchemeError("not an object") }
        return try DeclaredSecurity(description: object)
    }

    @Test("descriptions' security members are read, checked and written back")
    func readAndWrite() throws {
        let security = try declared(#"""
            {"securityDefinitions": {
                "basic_sc": {"scheme": "basic"},
                "key_sc": {"scheme": "apikey", "in": "header", "name": "X-Key"},
                "oauth_sc": {"scheme": "oauth2", "flow": "client", "token": "https://as/token", "scopes": ["lmos:read"]},
                "either": {"scheme": "combo", "oneOf": ["basic_sc", "key_sc"]}},
             "security": ["either"]}
            """#)
        #expect(security.required == ["either"])
        #expect(try security.scheme(named: "key_sc") == .apiKey(location: .header, name: "X-Key"))
        #expect(try security.scheme(named: "oauth_sc") == .oauth2(flow: "client", token: "https://as/token", authorization: nil, scopes: ["lmos:read"]))
        #expect(!security.isOpen)
        let again = try DeclaredSecurity(description: ["securityDefinitions": security.definitionsJSON, "security": security.requiredJSON])
        #expect(again == security)
        #expect(try declared(#"{"securityDefinitions":{"n":{"scheme":"nosec"}},"security":"n"}"#).isOpen)
        for bad in [
            #"{"securityDefinitions":{},"security":["missing"]}"#,
            #"{"securityDefinitions":{"d":{"scheme":"digest"}},"security":"d"}"#,
            #"{"securityDefinitions":{"k":{"scheme":"apikey","in":"body","name":"k"}},"security":"k"}"#,
            #"{"securityDefinitions":{"k":{"scheme":"apikey"}},"security":"k"}"#,
            #"{"securityDefinitions":{"c":{"scheme":"combo","oneOf":["c"]}},"security":"c"}"#,
            #"{"securityDefinitions":{"c":{"scheme":"combo","allOf":["x"]}},"security":"c"}"#,
            #"{"securityDefinitions":[],"security":"c"}"#,
        ] {
            #expect(throws: SecuritySchemeError.self, "\(bad)") { try declared(bad) }
        }
    }

    @Test("the gate enforces basic, bearer, API keys (header, query, cookie) and combos")
    func gate() async throws {
        let basic = SecurityGate(
            security: .only(.basic), verifiers: CredentialVerifiers(basic: CredentialVerifiers.basic(users: ["ann": "s3cret"])))
        let good = AuthorizationHeader.basic(user: "ann", password: "s3cret").headerValue
        #expect(await basic.check(PresentedCredentials(headers: [("authorization", good)])) == .allowed(principal: "ann", token: nil))
        let wrong = AuthorizationHeader.basic(user: "ann", password: "guess").headerValue
        guard case .denied(401, let challenges, _) = await basic.check(PresentedCredentials(headers: [("Authorization", wrong)])) else {
            Issue.record("wrong password allowed")
            return
        }
        #expect(challenges == [#"Basic realm="lmos", charset="UTF-8""#])
        guard case .denied(401, _, _) = await basic.check(PresentedCredentials(headers: [])) else {
            Issue.record("no credentials allowed")
            return
        }

        for location in [AuthenticationScheme.APIKeyLocation.header, .query, .cookie] {
            let gate = SecurityGate(security: .only(.apiKey(location: location, name: "k")), verifiers: CredentialVerifiers(apiKeys: ["abc": "svc"]))
            let presented: PresentedCredentials
            switch location {
            case .header: presented = PresentedCredentials(headers: [("K", "abc")])
            case .query: presented = PresentedCredentials(headers: [], query: [("k", "abc")])
            case .cookie: presented = PresentedCredentials(headers: [("Cookie", "a=1; k=abc")])
            }
            #expect(await gate.check(presented) == .allowed(principal: "svc", token: nil), "\(location)")
            guard case .denied(401, _, _) = await gate.check(PresentedCredentials(headers: [("K", "abd")], query: [("k", "abd")])) else {
                Issue.record("a wrong key in the \(location) was allowed")
                continue
            }
        }

        let bearer = SecurityGate(
            security: .only(.bearer(format: nil, algorithm: nil, authorization: nil)),
            verifiers: CredentialVerifiers(staticBearerTokens: ["t0ken": "robot"]))
        #expect(await bearer.check(PresentedCredentials(headers: [("Authorization", "Bearer t0ken")])) == .allowed(principal: "robot", token: nil))
        guard case .denied(401, let bearerChallenges, _) = await bearer.check(PresentedCredentials(headers: [("Authorization", "Bearer nope")])) else {
            Issue.record("an unknown bearer token was allowed")
            return
        }
        #expect(bearerChallenges.first?.hasPrefix("Bearer ") == true)

        let combo = try SecurityGate(
            security: declared(#"""
                {"securityDefinitions":{"b":{"scheme":"basic"},"k":{"scheme":"apikey","in":"header","name":"X-Key"},
                 "any":{"scheme":"combo","oneOf":["b","k"]}},"security":"any"}
                """#),
            verifiers: CredentialVerifiers(basic: CredentialVerifiers.basic(users: ["ann": "pw"]), apiKeys: ["k1": "svc"]))
        #expect(await combo.check(PresentedCredentials(headers: [("X-Key", "k1")])) == .allowed(principal: "svc", token: nil))
        guard case .denied(401, let both, _) = await combo.check(PresentedCredentials(headers: [])) else {
            Issue.record("combo without credentials allowed")
            return
        }
        #expect(both.count == 2)
        #expect(await SecurityGate(security: .none, verifiers: CredentialVerifiers()).check(PresentedCredentials(headers: [])) == .allowed(principal: nil, token: nil))
    }

    @Test("consumers' credentials are applied where each scheme says; missing ones are named")
    func credentials() async throws {
        let full = Credentials(user: "ann", password: "pw", bearerToken: "tok", apiKey: "k1")
        #expect(try await full.apply(to: .only(.basic)).headers == ["Authorization": "Basic YW5uOnB3"])
        #expect(try await full.apply(to: .only(.bearer(format: "jwt", algorithm: nil, authorization: nil))).headers == ["Authorization": "Bearer tok"])
        #expect(try await full.apply(to: .only(.oauth2(flow: "client", token: nil, authorization: nil, scopes: []))).headers == ["Authorization": "Bearer tok"])
        #expect(try await full.apply(to: .only(.apiKey(location: .query, name: "key"))).query == ["key": "k1"])
        #expect(try await full.apply(to: .only(.apiKey(location: .cookie, name: "key"))).headers == ["Cookie": "key=k1"])
        #expect(try await Credentials.none.apply(to: .none) == Credentials.Applied())
        await #expect(throws: CredentialsError("the thing asks for basic credentials (a user name and password)")) {
            try await Credentials(apiKey: "k").apply(to: .only(.basic))
        }
        let combo = try declared(#"""
            {"securityDefinitions":{"b":{"scheme":"basic"},"k":{"scheme":"apikey","in":"header","name":"X-Key"},
             "any":{"scheme":"combo","oneOf":["b","k"]}},"security":"any"}
            """#)
        #expect(try await Credentials(apiKey: "k1").apply(to: combo).headers == ["X-Key": "k1"])
        await #expect(throws: CredentialsError.self) { try await Credentials.none.apply(to: combo) }
    }

    @Test("Authorization headers are read and written")
    func authorizationHeaders() {
        #expect(AuthorizationHeader("Bearer abc.DEF-_~+/=") == .bearer("abc.DEF-_~+/="))
        #expect(AuthorizationHeader("bearer   abc  ") == .bearer("abc"))
        #expect(AuthorizationHeader("Bearer a b") == nil)
        #expect(AuthorizationHeader("Bearer") == nil)
        #expect(AuthorizationHeader("Basic YW5uOnB3OmV4dHJh") == .basic(user: "ann", password: "pw:extra"))
        #expect(AuthorizationHeader("Basic !!!") == nil)
        #expect(AuthorizationHeader("Basic bm9jb2xvbg==") == nil)
        #expect(AuthorizationHeader("DPoP xyz") == .other(scheme: "DPoP", value: "xyz"))
        #expect(AuthorizationHeader.basic(user: "a", password: "b").headerValue == "Basic YTpi")
    }
}
