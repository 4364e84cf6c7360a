import Foundation
import LMOSAuth
import LMOSBindings
import LMOSConsumer
import LMOSCore
import LMOSTestSupport
import Testing

extension SecurityEndToEnd {
    /// `lmos example agent` with each security scheme it can declare; consumers (the SDK and the CLI) supply what the
    /// description asks for, including a token obtained by the client-credentials grant from a real authorization server.
    @Suite("Secured agents", .serialized, .enabled(if: Peers.available || Peers.mustRun))
    struct SecuredAgentTests {
        static let chat: JSONValue = ["messages": [["role": "user", "content": "Hi"]]]

        func agent(_ arguments: [String]) async throws -> LMOSServer {
            try await LMOSServer(["example", "agent", "--port", "0"] + arguments, readyPrefix: "lmos example agent listening on ")
        }

        @Test("oauth2: the SDK consumer obtains a token by client credentials (token URL from the description) and calls over HTTP and WebSocket")
        func oauth2() async throws {
            let oauth = try await OAuthServer(audience: "lmos-agent", alg: "RS256")
            defer { oauth.stop() }
            let server = try await agent([
                "--auth", "oauth2", "--jwks", oauth.jwksURL, "--issuer", oauth.issuer, "--audience", "lmos-agent",
                "--auth-token-url", oauth.tokenURL, "--auth-scope", "lmos:read",
            ])
            defer { server.stop() }

            // The description stays public and says what to do.
            let open = try await ConsumedThing.fetch(server.url)
            let scheme = open.description.json["securityDefinitions"]?["oauth2_sc"]
            #expect(scheme?["flow"] == "client" && scheme?["token"]?.stringValue == oauth.tokenURL)
            await #expect(throws: BindingError.self) { try await open.invokeAction("chat", input: Self.chat, via: .http) }

            let raw = try await HTTP.send(.POST, server.url + "/" + (open.description.id ?? "") + "/actions/chat", body: Self.chat.jsonBytes(), contentType: "application/json")
            #expect(raw.status == 401 && raw.challenge?.hasPrefix("Bearer ") == true, "\(raw.status) \(raw.challenge ?? "")")

            let grant = ClientCredentialsGrant(clientID: "alice-app", clientSecret: "alice-app-secret")
            let consumer = try await ConsumedThing.fetch(server.url, credentials: Credentials(clientCredentials: grant))
            defer { Task { await consumer.close() } }
            let http = try await consumer.invokeAction("chat", input: Self.chat, via: .http)
            #expect(http?["messages"] != nil || http != nil)
            let ws = try await consumer.invokeAction("chat", input: Self.chat, via: .webSocket)
            #expect(ws != nil)
            #expect(try await consumer.readProperty("persona", via: .http) != .null)

            // A token without the scope the agent needs, and one from a stranger's key.
            let writer = try await oauth.mint(["sub": "w", "scope": "lmos:write", "aud": "lmos-agent"], options: ["alg": "RS256"])
            let unscoped = try await ConsumedThing.fetch(server.url, credentials: Credentials(bearerToken: writer))
            do {
                _ = try await unscoped.invokeAction("chat", input: Self.chat, via: .http)
                Issue.record("a token without lmos:read was accepted")
            } catch {
                #expect(error.description.contains("lacks the scope lmos:read"), "\(error)")
            }
            let forged = try await oauth.mint(["sub": "m", "scope": "lmos:read", "aud": "lmos-agent"], options: ["unknown_key": true])
            let stranger = try await ConsumedThing.fetch(server.url, credentials: Credentials(bearerToken: forged))
            await #expect(throws: BindingError.self) { try await stranger.invokeAction("chat", input: Self.chat, via: .webSocket) }
            await stranger.close()
            // A wrong client secret: the grant's refusal is reported.
            let wrong = try await ConsumedThing.fetch(
                server.url, credentials: Credentials(clientCredentials: ClientCredentialsGrant(clientID: "alice-app", clientSecret: "nope")))
            do {
                _ = try await wrong.invokeAction("chat", input: Self.chat, via: .http)
                Issue.record("a wrong client secret got through")
            } catch {
                #expect(error.description.contains("invalid_client"), "\(error)")
            }
        }

        @Test("basic, bearer and apikey: lmos call with --user, --token and --api-key over HTTP and WebSocket; without, a clear refusal")
        func schemes() async throws {
            let input = String(decoding: Self.chat.jsonBytes(), as: UTF8.self)
            let cases: [(auth: String, credential: String, good: [String], bad: [String])] = [
                ("basic", "ann:s3cret", ["--user", "ann:s3cret"], ["--user", "ann:guess"]),
                ("bearer", "t0ken-1", ["--token", "t0ken-1"], ["--token", "t0ken-2"]),
                ("apikey", "k3y", ["--api-key", "k3y"], ["--api-key", "nope"]),
            ]
            for entry in cases {
                let server = try await agent(["--auth", entry.auth, "--credential", entry.credential])
                defer { server.stop() }
                for via in ["http", "ws"] {
                    let good = try await lmos(["call", server.url, "chat", "--input", input, "--via", via] + entry.good)
                    #expect(good.status == 0, "\(entry.auth) via \(via): \(good.stderr)")
                    let bad = try await lmos(["call", server.url, "chat", "--input", input, "--via", via] + entry.bad)
                    #expect(bad.status == 1, "\(entry.auth) via \(via) with wrong credentials: \(bad.output)")
                    let none = try await lmos(["call", server.url, "chat", "--input", input, "--via", via])
                    #expect(none.status == 1 && none.stderr.contains("secured"), "\(entry.auth) via \(via) without credentials: \(none.stderr)")
                }
                let raw = try await HTTP.send(.GET, server.url + "/.well-known/wot")
                #expect(raw.status == 200)
                #expect(raw.json?["security"] == [.string(entry.auth + "_sc")])
            }
        }
    }
}

extension SecurityEndToEnd.SecuredAgentTests {
    @Test("the WebSocket path is checked however it is written; descriptions stay readable")
    func pathForms() async throws {
        let server = try await agent(["--auth", "bearer", "--credential", "t0ken"])
        defer { server.stop() }
        for path in ["/ws", "//ws", "/ws/", "/ws?x=1"] {
            let answer = try await HTTP.send(.GET, server.url + path)
            #expect(answer.status == 401, "GET \(path): \(answer.status)")
        }
        #expect(try await HTTP.send(.GET, server.url + "/.well-known/wot").status == 200)
        let id = try #require(try await HTTP.send(.GET, server.url + "/.well-known/wot").json?["id"]?.stringValue)
        #expect(try await HTTP.send(.GET, server.url + "/" + id).status == 200)
        #expect(try await HTTP.send(.GET, server.url + "/" + id + "/properties/persona").status == 401)
        #expect(try await HTTP.send(.GET, server.url + "/" + id + "/properties/persona", token: "t0ken").status == 200)
    }
}
