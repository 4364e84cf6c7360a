import Foundation
import LMOSCore
import LMOSIdentity
import LMOSTestSupport
import Testing

/// Signed descriptions (PROTOCOL.md 2 and 3): a proof is checked on registration, the signer owns the description,
/// and only the owner may replace or delete it. WoT Discovery `tdd-things-read-only-auth`.
@Suite("Signed descriptions and ownership")
struct SignedDescriptionTests {
    @Test("tdd-things-read-only-auth: create, update and delete are access-controlled: an owned TD cannot be changed by others")
    func accessControl() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let owner = Ed25519KeyPair()
        let id = "urn:example:owned"
        let signed = try EddsaJcs2022.sign(Descriptions.agent(id: id, title: "Owned"), with: owner)
        #expect(try await directory.put(id, signed).status == 201)
        // Anyone may read it.
        #expect(try await directory.description(id)?["title"] == "Owned")
        // Nobody else may replace or delete it.
        let replaced = try expectProblem(try await directory.put(id, Descriptions.agent(id: id, title: "Hijacked")), status: 403)
        #expect(replaced["detail"]?.stringValue?.contains(owner.didKey.did) == true)
        let deleted = try expectProblem(try await directory.delete(id), status: 403)
        #expect(deleted["detail"]?.stringValue?.contains(owner.didKey.did) == true)
        let other = try EddsaJcs2022.sign(Descriptions.agent(id: id, title: "Hijacked"), with: Ed25519KeyPair())
        try expectProblem(try await directory.put(id, other), status: 403)
        #expect(try await directory.description(id)?["title"] == "Owned")
        // An anonymous signed TD is owned as well.
        let anonymousSigned = try EddsaJcs2022.sign(Descriptions.agent(id: nil, title: "Owned anonymously"), with: owner)
        let location = try #require(try await directory.post(anonymousSigned).header("Location"))
        try expectProblem(try await directory.delete(location), status: 403)
        try expectProblem(try await directory.put(location, Descriptions.agent(id: nil, title: "Hijacked")), status: 403)
        #expect(try await directory.description(location)?["title"] == "Owned anonymously")
        // Unsigned descriptions are open to everyone (no owner).
        try await directory.register([Descriptions.agent(id: "urn:example:open")])
        #expect(try await directory.put("urn:example:open", Descriptions.agent(id: "urn:example:open", title: "Changed")).status == 204)
        #expect(try await directory.delete("urn:example:open").status == 204)
    }

    @Test("a description signed with the CLI (lmos identity new, lmos sign) is registered, owned, and still verifies")
    func signedWithTheCLI() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-directory-signed")
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        let identity = try await CLI.run(["identity", "new", "--out", path("key.json")])
        #expect(identity.status == 0, "\(identity.stderr)")
        let did = identity.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(did.hasPrefix("did:key:z6Mk"))
        let otherIdentity = try await CLI.run(["identity", "new", "--out", path("other.json")])
        #expect(otherIdentity.status == 0)

        let id = "urn:example:agent:signed"
        let document = Descriptions.built(id: id, title: "Signed Agent")
        try Data(document.jsonBytes(options: .prettyPrinted)).write(to: URL(fileURLWithPath: path("agent.json")))
        let signing = try await CLI.run(["sign", path("agent.json"), "--key", path("key.json"), "-o", path("signed.json")])
        #expect(signing.status == 0, "\(signing.stderr)")
        let signed = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path("signed.json")))))
        #expect(signed["proof"]?["cryptosuite"] == "eddsa-jcs-2022")

        // A tampered copy is refused before anything is stored, saying the proof does not verify.
        let tampered = Descriptions.setting("title", "Tampered Agent", in: signed)
        let refused = try expectProblem(try await directory.put(id, tampered), status: 400)
        let detail = try #require(refused["detail"]?.stringValue)
        #expect(detail.contains("proof"), "\(detail)")
        #expect(detail.contains("document changed"), "\(detail)")
        #expect(try await directory.description(id) == nil)
        // A broken proof value too.
        var badProof = signed
        badProof.applyMergePatch(["proof": ["proofValue": "z1111"]])
        try expectProblem(try await directory.put(id, badProof), status: 400)

        // The genuine one is registered.
        #expect(try await directory.put(id, signed).status == 201)
        let stored = try #require(try await directory.description(id))
        #expect(stored["registration"] != nil)
        #expect(stored["@context"]?.arrayValue?.contains(.string(Descriptions.discoveryContext)) == true)
        // The directory's additions do not break the signature.
        let signer = try await EddsaJcs2022.verify(stored, resolver: StandardDIDResolver())
        #expect(signer.did == did)
        // lmos verify agrees, on the Enriched TD as served.
        try Data(try await directory.get(Paths.thing(id)).body).write(to: URL(fileURLWithPath: path("served.json")))
        let verified = try await CLI.run(["verify", path("served.json")])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.output.contains(did))

        // Replacements: unsigned and signed by another key are forbidden; signed by the owner is accepted.
        let changed = Descriptions.setting("title", "Signed Agent v2", in: document)
        try Data(changed.jsonBytes()).write(to: URL(fileURLWithPath: path("v2.json")))
        let unsigned = try expectProblem(try await directory.put(id, changed), status: 403)
        #expect(unsigned["detail"]?.stringValue?.contains(did) == true)
        #expect(try await CLI.run(["sign", path("v2.json"), "--key", path("other.json"), "-o", path("v2-other.json")]).status == 0)
        let byOther = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path("v2-other.json")))))
        try expectProblem(try await directory.put(id, byOther), status: 403)
        #expect(try await directory.description(id)?["title"] == "Signed Agent")
        #expect(try await CLI.run(["sign", path("v2.json"), "--key", path("key.json"), "-o", path("v2-owner.json")]).status == 0)
        let byOwner = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path("v2-owner.json")))))
        #expect(try await directory.put(id, byOwner).status == 204)
        let updated = try #require(try await directory.description(id))
        #expect(updated["title"] == "Signed Agent v2")
        #expect(try await EddsaJcs2022.verify(updated, resolver: StandardDIDResolver()).did == did)
        // Without the owner's credentials, the signed version cannot be given an expiry (anyone could send that).
        try expectProblem(try await directory.patch(id, ["registration": ["ttl": 3600]]), status: 403)
        #expect(try await EddsaJcs2022.verify(#require(try await directory.description(id)), resolver: StandardDIDResolver()).did == did)
        // A PATCH of the signed content no longer matches the proof: refused.
        let patched = try expectProblem(try await directory.patch(id, ["title": "Patched"]), status: 400)
        #expect(patched["detail"]?.stringValue?.contains("proof") == true)
        // Without credentials it cannot be deleted.
        try expectProblem(try await directory.delete(id), status: 403)
        #expect(try await directory.description(id)?["title"] == "Signed Agent v2")
    }

    @Test("a stranger cannot shorten an owned registration: neither by replaying the signed TD with a new ttl nor by a PATCH")
    func ownedRegistrationIsProtected() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let id = "urn:example:owned-registration"
        let signed = try EddsaJcs2022.sign(Descriptions.agent(id: id, title: "Owned"), with: Ed25519KeyPair())
        #expect(try await directory.put(id, signed).status == 201)
        // What anyone can read: the signed TD. `registration` is outside the proof.
        let served = try #require(try await directory.description(id))
        let replay = try await directory.put(id, Descriptions.setting("registration", ["ttl": 1], in: served))
        let patch = try await directory.patch(id, ["registration": ["ttl": 1]])
        let registration = try await directory.description(id)?["registration"]
        #expect(replay.status == 403)
        #expect(patch.status == 403)
        #expect(registration?["ttl"] == nil)
        // With a time-to-live, sending the same signed version again renews it (a refresh) but cannot shorten it;
        // an older signed version cannot come back.
        let renewing = "urn:example:owned-renewal"
        let key = Ed25519KeyPair()
        let older = try EddsaJcs2022.sign(Descriptions.agent(id: renewing, title: "Old"), with: key, created: "2026-01-01T00:00:00Z")
        let current = try EddsaJcs2022.sign(Descriptions.agent(id: renewing, title: "Current"), with: key, created: "2026-06-01T00:00:00Z")
        #expect(try await directory.put(renewing, Descriptions.setting("registration", ["ttl": 600], in: current)).status == 201)
        #expect(try await directory.put(renewing, Descriptions.setting("registration", ["ttl": 900], in: current)).status == 204)
        try expectProblem(try await directory.put(renewing, Descriptions.setting("registration", ["ttl": 5], in: current)), status: 403)
        try expectProblem(try await directory.put(renewing, Descriptions.setting("registration", ["ttl": 900], in: older)), status: 403)
        #expect(try await directory.description(renewing)?["title"] == "Current")
    }
}
