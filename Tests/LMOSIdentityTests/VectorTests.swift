import Crypto
import Foundation
import LMOSCore
import LMOSIdentity
import Testing

enum Vectors {
    static func data(_ path: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + path, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }

    static func json(_ path: String) throws -> JSONValue { try JSONValue(parsing: Array(data(path))) }

    static func text(_ path: String) throws -> String {
        String(decoding: try data(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// W3C vc-di-eddsa test vectors for eddsa-jcs-2022: every intermediate value.
@Suite struct EddsaJcs2022VectorTests {
    static let created = "2023-02-24T23:36:38Z"

    @Test func keyPairFromTheVectorKeyFile() throws {
        let key = try Ed25519KeyPair(keyFile: Vectors.json("vc-di-eddsa/keyPair.json"))
        #expect(key.publicKeyMultibase == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
        #expect(key.privateKeyMultibase == "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
        #expect(key.didKey.did == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    }

    @Test func canonicalDocumentAndItsHash() throws {
        let unsigned = try Vectors.json("vc-di-eddsa/unsigned.json")
        let canonical = try unsigned.canonicalJSON()
        #expect(String(decoding: canonical, as: UTF8.self) == (try Vectors.text("vc-di-eddsa/eddsa-jcs-2022/canonDocJCS.txt")))
        #expect(Vectors.hex(SHA256.hash(data: canonical)) == (try Vectors.text("vc-di-eddsa/eddsa-jcs-2022/docHashJCS.txt")))
    }

    @Test func canonicalProofConfigurationAndItsHash() throws {
        let configuration = try Vectors.json("vc-di-eddsa/eddsa-jcs-2022/proofConfigJCS.json")
        let canonical = try configuration.canonicalJSON()
        #expect(String(decoding: canonical, as: UTF8.self) == (try Vectors.text("vc-di-eddsa/eddsa-jcs-2022/proofCanonJCS.txt")))
        #expect(Vectors.hex(SHA256.hash(data: canonical)) == (try Vectors.text("vc-di-eddsa/eddsa-jcs-2022/proofHashJCS.txt")))
        let combined = try EddsaJcs2022.hashData(
            document: Vectors.json("vc-di-eddsa/unsigned.json"), proofConfiguration: configuration)
        #expect(Vectors.hex(combined) == (try Vectors.text("vc-di-eddsa/eddsa-jcs-2022/combinedHashJCS.txt")))
    }

    @Test func signatureAndSignedDocument() throws {
        let key = try Ed25519KeyPair(keyFile: Vectors.json("vc-di-eddsa/keyPair.json"))
        let signed = try EddsaJcs2022.sign(Vectors.json("vc-di-eddsa/unsigned.json"), with: key, created: Self.created)
        let proofValue = try #require(signed["proof"]?["proofValue"]?.stringValue)
        #expect(proofValue == (try Vectors.text("vc-di-eddsa/eddsa-jcs-2022/sigBTC58JCS.txt")))
        #expect(Vectors.hex(try Multibase.decodeBase58BTC(proofValue)) == (try Vectors.text("vc-di-eddsa/eddsa-jcs-2022/sigHexJCS.txt")))
        #expect(signed == (try Vectors.json("vc-di-eddsa/eddsa-jcs-2022/signedJCS.json")))
    }

    @Test func vectorSignedDocumentVerifies() async throws {
        let signed = try Vectors.json("vc-di-eddsa/eddsa-jcs-2022/signedJCS.json")
        let verified = try await EddsaJcs2022.verify(signed, resolver: StandardDIDResolver())
        #expect(verified.did == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
        #expect(verified.verificationMethod == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
        #expect(verified.proof.created == Self.created)
    }
}

/// did:key vectors (w3c-ccg did-method-key): seed -> public key -> DID.
@Suite struct DIDKeyVectorTests {
    @Test func seedsGiveTheirDIDs() throws {
        let vectors = try #require(Vectors.json("didkey-ed25519-vectors.json")["vectors"]?.arrayValue)
        #expect(vectors.count == 5)
        for vector in vectors {
            let seedHex = try #require(vector["seed"]?.stringValue)
            let seed = stride(from: 0, to: seedHex.count, by: 2).map { offset -> UInt8 in
                let start = seedHex.index(seedHex.startIndex, offsetBy: offset)
                return UInt8(seedHex[start..<seedHex.index(start, offsetBy: 2)], radix: 16) ?? 0
            }
            let key = try Ed25519KeyPair(seed: seed)
            #expect(Base58.encode(key.publicKey) == vector["publicKeyBase58"]?.stringValue)
            #expect(key.didKey.did == vector["did"]?.stringValue)
            let parsed = try DIDKey(parsing: try #require(vector["did"]?.stringValue))
            #expect(parsed.publicKey == key.publicKey)
        }
    }

    @Test func documentOfADIDKey() throws {
        let did = try DIDKey(parsing: "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
        let document = did.document
        #expect(document.id == "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
        let method = try #require(document.verificationMethod("#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"))
        #expect(method.type == "Multikey")
        #expect(method.controller == document.id)
        #expect(try method.ed25519PublicKey() == did.publicKey)
        #expect(document.authorizes(method.id, for: "assertionMethod"))
        #expect(document.authorizes(method.id, for: "authentication"))
        #expect(!document.authorizes(method.id, for: "keyAgreement"))
        #expect(document.json["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"])
    }

    @Test func rejectsOtherKeysAndMalformedDIDs() {
        // A secp256k1 did:key (zQ3s...) and broken ones.
        for bad in ["did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "did:key:", "did:key:z", "did:web:x", "did:key:6Mk"] {
            #expect(throws: IdentityError.self, "\(bad)") { try DIDKey(parsing: bad) }
        }
    }
}
