import Foundation
import LMOSCore
import LMOSDescription
import LMOSIdentity
import Testing

/// Signing and verifying Agent Descriptions, and every way verification fails.
@Suite struct SignedDescriptionTests {
    static let key = try? Ed25519KeyPair(seed: Array(repeating: 0x42, count: 32))
    static let resolver = StandardDIDResolver()

    static func description() -> JSONValue {
        AgentDescription(title: "Weather Agent", id: "urn:acme:agent:weather") {
            Capability(id: "urn:acme:capability:weather:forecast", name: "Forecast", examples: ["Berlin tomorrow?", "Ünïcödé 😀"])
            Action("getWeather", input: .object(["city": .string()], required: ["city"]), output: .number(minimum: -90.5))
        }.thing.jsonValue
    }

    func signed() throws -> JSONValue {
        try EddsaJcs2022.sign(Self.description(), with: #require(Self.key), created: "2026-11-22T12:00:00Z")
    }

    @Test func signKeepsTheIdAndAddsTheProofAndContext() throws {
        let key = try #require(Self.key)
        let document = try signed()
        #expect(document["id"] == "urn:acme:agent:weather")
        #expect(document["@context"] == [
            "https://www.w3.org/2022/wot/td/v1.1", ["lmos": "https://eclipse.dev/lmos/protocol/v1"],
            "https://w3id.org/security/data-integrity/v2",
        ])
        let proof = try #require(document["proof"])
        #expect(proof["type"] == "DataIntegrityProof")
        #expect(proof["cryptosuite"] == "eddsa-jcs-2022")
        #expect(proof["proofPurpose"] == "assertionMethod")
        #expect(proof["verificationMethod"] == .string(key.didKey.verificationMethodID))
        #expect(proof["created"] == "2026-11-22T12:00:00Z")
        // Still a valid Thing Description, and signing is deterministic.
        #expect(try ThingDescription(document).validate() == [])
        #expect(try signed() == document)
    }

    @Test func verifiesAndNamesTheSigner() async throws {
        let verified = try await EddsaJcs2022.verify(signed(), resolver: Self.resolver)
        #expect(verified.did == Self.key?.didKey.did)
        // From CBOR as well: the same document.
        let fromCBOR = try JSONValue(cbor: signed().cborBytes())
        #expect(try await EddsaJcs2022.verify(fromCBOR, resolver: Self.resolver).did == verified.did)
    }

    @Test func whatADirectoryAddsDoesNotBreakTheSignature() async throws {
        var document = try signed()
        document["registration"] = ["created": "2026-11-22T12:01:00Z", "expires": "2026-11-23T12:01:00Z", "ttl": 86400]
        var context = try #require(document["@context"]?.arrayValue)
        context.insert(.string(Vocabulary.discoveryContext), at: 1)
        document["@context"] = .array(context)
        #expect(try await EddsaJcs2022.verify(document, resolver: Self.resolver).did == Self.key?.didKey.did)
    }

    @Test func signingADescriptionFetchedFromADirectoryLeavesOutItsAdditions() async throws {
        let key = try #require(Self.key)
        var fetched = Self.description()
        fetched["registration"] = ["created": "2026-11-22T12:01:00Z", "ttl": 60]
        fetched["@context"] = [
            "https://www.w3.org/2022/wot/td/v1.1", "https://www.w3.org/2022/wot/discovery",
            ["lmos": "https://eclipse.dev/lmos/protocol/v1"],
        ]
        let signed = try EddsaJcs2022.sign(fetched, with: key, created: "2026-11-22T12:00:00Z")
        #expect(signed["registration"] == nil)
        #expect(signed == (try self.signed()))
        #expect(try await EddsaJcs2022.verify(signed, resolver: Self.resolver).did == key.didKey.did)
    }

    @Test func everyReasonForFailure() async throws {
        let document = try signed()
        func reason(_ mutate: (inout JSONValue) -> Void) async -> IdentityError? {
            var copy = document
            mutate(&copy)
            do {
                _ = try await EddsaJcs2022.verify(copy, resolver: Self.resolver)
                return nil
            } catch {
                return error
            }
        }
        #expect(await reason { $0["title"] = "Evil Agent" } == .documentChanged)
        #expect(await reason { $0["proof"]?["created"] = "2030-01-01T00:00:00Z" } == .documentChanged)
        #expect(await reason { $0["proof"]?["cryptosuite"] = "ecdsa-jcs-2019" } == .wrongCryptosuite("ecdsa-jcs-2019"))
        #expect(await reason { $0["proof"] = nil } == .invalidProof("the document has no proof"))
        let garbage = await reason { $0["proof"]?["proofValue"] = "zzzz" }
        guard case .badSignature? = garbage else {
            Issue.record("expected badSignature, got \(String(describing: garbage))")
            return
        }
        let other = Ed25519KeyPair()
        let unknown = await reason { $0["proof"]?["verificationMethod"] = .string(other.didKey.verificationMethodID) }
        #expect(unknown == .documentChanged)  // a valid key that did not sign
        let foreign = await reason {
            $0["proof"]?["verificationMethod"] = .string((Self.key?.didKey.did ?? "") + "#other-key")
        }
        guard case .unknownKey? = foreign else {
            Issue.record("expected unknownKey, got \(String(describing: foreign))")
            return
        }
        let unsupported = await reason { $0["proof"]?["verificationMethod"] = "did:example:123#key-1" }
        guard case .invalidDID? = unsupported else {
            Issue.record("expected invalidDID, got \(String(describing: unsupported))")
            return
        }
    }

    /// Every single-character change to the signed description's text that changes the document must fail.
    @Test func everySingleCharacterChangeFails() throws {
        let key = try #require(Self.key)
        let document = try signed()
        let didDocument = key.didKey.document
        let text = Array(document.jsonBytes())
        let canonical = try document.canonicalJSON()
        var checked = 0
        var unchanged = 0
        for index in text.indices {
            for replacement in EddsaJcs2022Helpers.replacements(for: text[index]) {
                var mutated = text
                mutated[index] = replacement
                guard let value = try? JSONValue(parsing: mutated) else { continue }  // no longer JSON: rejected anyway
                if let mutatedCanonical = try? value.canonicalJSON(), mutatedCanonical == canonical {
                    unchanged += 1  // e.g. an escape's hex digit case: the same document
                    continue
                }
                checked += 1
                #expect(throws: IdentityError.self, "byte \(index): \(text[index]) -> \(replacement)") {
                    try EddsaJcs2022.verify(value, didDocument: didDocument)
                }
            }
        }
        #expect(checked > text.count)
        #expect(unchanged < 10)
    }
}

enum EddsaJcs2022Helpers {
    /// Two substitutes for a byte: a neighbour of the same kind and a character that changes meaning.
    static func replacements(for byte: UInt8) -> [UInt8] {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "8"): return [byte + 1, UInt8(ascii: "a")]
        case UInt8(ascii: "9"): return [UInt8(ascii: "0"), UInt8(ascii: "a")]
        case UInt8(ascii: "a")...UInt8(ascii: "y"), UInt8(ascii: "A")...UInt8(ascii: "Y"): return [byte + 1, UInt8(ascii: "0")]
        case UInt8(ascii: "z"), UInt8(ascii: "Z"): return [byte - 1, UInt8(ascii: "0")]
        default: return [UInt8(ascii: "x"), UInt8(ascii: "1")]
        }
    }
}
