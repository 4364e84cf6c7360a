import Foundation
import LMOSAgent
import LMOSAuth
import LMOSBindings
import LMOSConsumer
import LMOSCore
import LMOSDescription
import LMOSDirectoryClient
import LMOSTestSupport
import Testing

extension SecurityEndToEnd {
    /// Credentials go only where they belong: never in the clear to another machine, never to an origin a
    /// description names on its own, never to a JWKS or token endpoint without TLS.
    @Suite("Where credentials may go")
    struct CredentialSafetyTests {
        func description(base: String) throws -> ThingDescription {
            try ThingDescription([
                "@context": "https://www.w3.org/2022/wot/td/v1.1", "id": "urn:example:secured", "title": "Secured",
                "base": .string(base),
                "securityDefinitions": ["bearer_sc": ["scheme": "bearer"]], "security": "bearer_sc",
                "actions": ["chat": ["forms": [["href": "actions/chat", "op": "invokeaction"]]]],
            ])
        }

        @Test("a consumer sends no credentials to an origin the description names but it was not read from, nor in the clear")
        func consumer() async throws {
            let credentials = Credentials(bearerToken: "secret-token")
            let elsewhere = ConsumedThing(
                description: try description(base: "https://collector.example/"), url: "https://agent.example/.well-known/wot",
                credentials: credentials)
            do {
                _ = try await elsewhere.invokeAction("chat", input: "hi", via: .http)
                Issue.record("credentials went to another origin")
            } catch {
                #expect(error.description.contains("not sending credentials to https://collector.example:443"), "\(error)")
            }
            let clear = ConsumedThing(description: try description(base: "http://10.255.255.1:9/"), credentials: credentials)
            do {
                _ = try await clear.invokeAction("chat", input: "hi", via: .http)
                Issue.record("credentials went over plain http")
            } catch {
                #expect(error.description.contains("over a plain connection"), "\(error)")
            }
        }

        @Test("a directory client sends no token over plain http except to loopback")
        func directoryClient() async throws {
            let client = try DirectoryClient(url: "http://10.255.255.1:9", token: "secret-token")
            do {
                _ = try await client.list()
                Issue.record("a token went over plain http")
            } catch {
                #expect(error.detail.contains("not sending credentials"), "\(error)")
            }
        }

        @Test("JWKS and token endpoints must be https (plain http only to loopback)")
        func endpoints() async throws {
            await #expect(throws: BearerError.keysUnavailable("the JWKS URL http://10.255.255.1/jwks.json must be https (plain http only to loopback)")) {
                try await JWKSKeySource(location: .url("http://10.255.255.1/jwks.json")).load()
            }
            let grant = ClientCredentialsGrant(clientID: "app", clientSecret: "secret")
            await #expect(throws: CredentialsError.self) { try await grant.accessToken(endpoint: "http://10.255.255.1/token") }
        }

        @Test("an agent whose description declares security the server does not enforce does not start")
        func declaredButNotEnforced() async throws {
            let agent = Agent(title: "Liar") { SecurityScheme.bearer() }
            let server = AgentServer(agents: [agent], configuration: AgentServerConfiguration(port: 0))
            await #expect(throws: AgentServerError.self) { try await server.run(handleSignals: false) }
        }

        @Test("usage errors: --auth jwt without issuer and audience, --mqtt with --auth, --token with --client-id")
        func usage() async throws {
            let jwt = try await lmos(["directory", "serve", "--auth", "jwt", "--jwks", "jwks.json"])
            #expect(jwt.status == 64 && jwt.stderr.contains("--issuer and --audience"), "\(jwt.stderr)")
            let mqtt = try await lmos(["example", "agent", "--auth", "bearer", "--credential", "t", "--mqtt", "mqtt://127.0.0.1:1883"])
            #expect(mqtt.status == 64, "\(mqtt.stderr)")
            let both = try await lmos(["search", "--directory", "https://d.example", "--token", "t", "--client-id", "c", "--client-secret", "s", "--token-url", "https://as/token"])
            #expect(both.status == 64 && both.stderr.contains("not both"), "\(both.stderr)")
        }
    }
}
