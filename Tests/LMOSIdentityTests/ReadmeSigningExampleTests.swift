import LMOSDescription
import LMOSIdentity
import Testing

/// The signing snippet of README.md.
@Suite struct ReadmeSigningExampleTests {
    @Test func signAndVerify() async throws {
        let agent = AgentDescription(title: "Weather Agent", id: "urn:acme:agent:weather") {
            Action("getWeather", output: .string())
        }
        let key = Ed25519KeyPair()
        let signed = try EddsaJcs2022.sign(agent.thing.jsonValue, with: key)
        let signer = try await EddsaJcs2022.verify(signed, resolver: StandardDIDResolver())
        #expect(signer.did == key.didKey.did)
        #expect(signer.did.hasPrefix("did:key:z6Mk"))
        // The proof's created time is now, in RFC 3339 UTC to the second.
        let created = try #require(signed["proof"]?["created"]?.stringValue)
        #expect(created.count == 20 && created.hasSuffix("Z"))
    }
}
