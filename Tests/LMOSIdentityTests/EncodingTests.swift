import LMOSCore
import LMOSIdentity
import LMOSTestSupport
import Testing

@Suite struct Base58Tests {
    @Test func knownValues() throws {
        #expect(Base58.encode([UInt8]()) == "")
        #expect(Base58.encode([0]) == "1")
        #expect(Base58.encode([0, 0, 1]) == "112")
        #expect(Base58.encode(Array("Hello World!".utf8)) == "2NEpo7TZRRrLZSi2U")
        #expect(Base58.encode(Array("The quick brown fox jumps over the lazy dog.".utf8))
            == "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z")
        #expect(try Base58.decode("2NEpo7TZRRrLZSi2U") == Array("Hello World!".utf8))
        #expect(try Base58.decode("1112") == [0, 0, 0, 1])
    }

    @Test func roundTripsRandomBytes() throws {
        var random = SplitMix64(seed: 58)
        for length in 0..<70 {
            var bytes = random.bytes(length)
            if length % 5 == 0 && length > 1 { bytes[0] = 0; bytes[1] = 0 }
            #expect(try Base58.decode(Base58.encode(bytes)) == bytes)
        }
    }

    @Test func rejectsCharactersOutsideTheAlphabet() {
        for bad in ["0", "O", "I", "l", "abc+", "é"] {
            #expect(throws: IdentityError.self, "\(bad)") { try Base58.decode(bad) }
        }
        #expect(throws: IdentityError.self) { try Multibase.decodeBase58BTC("u6Mk") }
        #expect(throws: IdentityError.self) { try Base58.decode(String(repeating: "z", count: 5000)) }
    }
}

@Suite struct DIDWebTests {
    @Test(arguments: [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com:agents:x#key-1", "https://example.com/agents/x/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
    ])
    func mapsToHTTPS(did: String, url: String) throws {
        #expect(try DIDWeb.documentURL(for: did) == url)
    }

    @Test func rejectsMalformed() {
        for bad in ["did:web:", "did:key:z6Mk", "did:web:exa mple.com", "did:web:example.com:..", "did:web:example.com::x",
            "did:web:example.com%2Fevil", "did:web:example.com%zz"]
        {
            #expect(throws: IdentityError.self, "\(bad)") { try DIDWeb.documentURL(for: bad) }
        }
    }
}

@Suite struct VerificationMethodTests {
    static let key = try? Ed25519KeyPair(seed: [UInt8](repeating: 7, count: 32))

    @Test func readsTheThreeEd25519Types() throws {
        let key = try #require(Self.key)
        let did = "did:web:example.com"
        let document = try DIDDocument([
            "id": .string(did),
            "verificationMethod": [
                ["id": "#multi", "type": "Multikey", "controller": .string(did), "publicKeyMultibase": .string(key.publicKeyMultibase)],
                ["id": .string(did + "#k2020"), "type": "Ed25519VerificationKey2020", "controller": .string(did),
                 "publicKeyMultibase": .string(key.publicKeyMultibase)],
                ["id": .string(did + "#k2018"), "type": "Ed25519VerificationKey2018", "controller": .string(did),
                 "publicKeyBase58": .string(Base58.encode(key.publicKey))],
                ["id": .string(did + "#jwk"), "type": "JsonWebKey2020", "controller": .string(did), "publicKeyJwk": [:]],
            ],
            "assertionMethod": ["#multi", .string(did + "#k2018")],
        ])
        for fragment in ["#multi", "#k2020", "#k2018"] {
            let method = try #require(document.verificationMethod(fragment))
            #expect(try method.ed25519PublicKey() == key.publicKey, "\(fragment)")
        }
        #expect(throws: IdentityError.self) { try document.verificationMethod("#jwk")?.ed25519PublicKey() }
        #expect(document.authorizes("#multi", for: "assertionMethod"))
        #expect(document.authorizes(did + "#k2018", for: "assertionMethod"))
        #expect(!document.authorizes("#k2020", for: "assertionMethod"))
    }

    @Test func agentDocumentHasAWotThingService() throws {
        let key = try #require(Self.key)
        let document = DIDDocument.agent(did: "did:web:agents.example:weather", key: key, descriptionURL: "https://agents.example/weather/td")
        #expect(document.services.map(\.type) == ["WotThing"])
        #expect(document.services.first?.endpoint == "https://agents.example/weather/td")
        #expect(document.json["service"]?[0]?["id"] == "did:web:agents.example:weather#td")
        #expect(document.verificationMethod("#" + key.publicKeyMultibase) != nil)
        let directory = DIDDocument.agent(did: key.didKey.did, key: key, descriptionURL: "https://d.example/", serviceType: "WotDirectory")
        #expect(directory.services.map(\.type) == ["WotDirectory"])
    }
}
