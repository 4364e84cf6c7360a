import Foundation
import KRPC
import LMOSCore
import LMOSDHT
import LMOSIdentity
import Testing

/// The official BEP 44 vectors (`../shared/specs/bep44-test-vectors.json`) and the rules a storing node enforces.
@Suite struct BEP44Tests {
    static func vectors() throws -> JSONValue {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/bep44-test-vectors.json", withExtension: nil))
        return try JSONValue(parsing: Array(try Data(contentsOf: url)))
    }

    @Test func officialVectors() throws {
        let all = try #require(try Self.vectors()["vectors"]?.arrayValue)
        #expect(all.count == 3)
        for vector in all {
            let value = Array(try #require(vector["value_bencoded"]?.stringValue).utf8)
            let target = try #require(vector["target"]?.stringValue)
            if let keyHex = vector["public_key"]?.stringValue {
                let key = try #require(bytes(hex: keyHex))
                let salt = Array(try #require(vector["salt"]?.stringValue).utf8)
                let sequence = try #require(vector["seq"]?.integerValue)
                let signatureHex = try #require(vector["signature"]?.stringValue)
                let signature = try #require(bytes(hex: signatureHex))
                #expect(
                    String(decoding: BEP44.signedBuffer(salt: salt, sequenceNumber: sequence, value: value), as: UTF8.self)
                        == vector["buffer_signed"]?.stringValue)
                #expect(BEP44.mutableTarget(key: key, salt: salt).hex == target)
                #expect(BEP44.isValidSignature(signature, key: key, salt: salt, sequenceNumber: sequence, value: value))
                var forged = signature
                forged[0] ^= 1
                #expect(!BEP44.isValidSignature(forged, key: key, salt: salt, sequenceNumber: sequence, value: value))
                #expect(!BEP44.isValidSignature(signature, key: key, salt: salt, sequenceNumber: sequence + 1, value: value))
                #expect(!BEP44.isValidSignature(signature, key: key, salt: Array("other".utf8), sequenceNumber: sequence, value: value))
                let item = DHTItem(value: value, key: key, signature: signature, sequenceNumber: sequence, salt: salt)
                #expect(throws: Never.self) { try item.validate() }
                #expect(item.target.hex == target)
            } else {
                #expect(BEP44.immutableTarget(value: value).hex == target)
            }
        }
    }

    @Test func seedBasedVectorSignsAlike() throws {
        let vector = try #require(try Self.vectors()["extra_seed_based_vector"])
        let seedHex = try #require(vector["seed"]?.stringValue)
        let key = try Ed25519KeyPair(seed: try #require(bytes(hex: seedHex)))
        #expect(hexString(key.publicKey) == vector["public_key"]?.stringValue)
        #expect(hexString(try key.sign(Array("hello".utf8))) == vector["signature"]?.stringValue)
    }

    let key = try! Ed25519KeyPair(seed: [UInt8](repeating: 3, count: 32))
    let salt = Array("lmos-td".utf8)

    func signed(_ text: String, sequence: Int64, salt: [UInt8]? = nil) throws -> DHTItem {
        try DHTItem.signed(value: Bencode.encode(.string(text)), key: key, salt: salt ?? self.salt, sequenceNumber: sequence)
    }

    @Test func storeChecksSignaturesSequenceNumbersCASAndSizes() throws {
        var store = ItemStore()
        let first = try signed("one", sequence: 1)
        let target = try store.put(first, now: 0)
        #expect(store.get(target, now: 1) == first)

        var forged = try signed("two", sequence: 2)
        forged.signature?[5] ^= 0x10
        #expect(throws: KRPCError.invalidSignature) { try store.put(forged, now: 1) }

        var wrongSalt = try signed("two", sequence: 2)
        wrongSalt.salt = Array("lmos-tx".utf8)
        #expect(throws: KRPCError.invalidSignature) { try store.put(wrongSalt, now: 1) }

        try store.put(try signed("three", sequence: 3), now: 2)
        #expect(throws: KRPCError.sequenceNumberLessThanCurrent) { try store.put(try signed("two", sequence: 2), now: 3) }
        #expect(throws: KRPCError.sequenceNumberLessThanCurrent) { try store.put(try signed("other", sequence: 3), now: 3) }
        #expect(throws: Never.self) { try store.put(try signed("three", sequence: 3), now: 3) }
        #expect(throws: KRPCError.casMismatch) { try store.put(try signed("four", sequence: 4), compareAndSwap: 2, now: 4) }
        #expect(throws: Never.self) { try store.put(try signed("four", sequence: 4), compareAndSwap: 3, now: 4) }
        #expect(store.get(target, now: 5)?.sequenceNumber == 4)
        #expect(String(decoding: store.get(target, now: 5)?.value ?? [], as: UTF8.self) == "4:four")

        let big = String(repeating: "x", count: 996)
        #expect(throws: Never.self) { try store.put(try signed(big, sequence: 9), now: 5) }
        #expect(throws: KRPCError.messageTooBig) { try store.put(try signed(big + "y", sequence: 10), now: 5) }
        let longSalt = [UInt8](repeating: 1, count: 65)
        #expect(throws: KRPCError.saltTooBig) { try store.put(try signed("s", sequence: 1, salt: longSalt), now: 5) }

        // Immutable: keyed by its hash; extra fields are refused.
        let immutable = DHTItem(value: Array("12:Hello World!".utf8))
        #expect(try store.put(immutable, now: 5).hex == "e5f96f6f38320f0f33959cb4d3d656452117aadb")
        #expect(throws: KRPCError.self) { try DHTItem(value: [0x69, 0x31, 0x65], sequenceNumber: 1).validate() }

        // Expiry.
        #expect(store.get(target, now: 5 + 7200) == nil)
        store.expire(now: 10_000)
        #expect(store.count == 0)
    }

    @Test func writeTokensAreBoundToTheAddressAndRotate() {
        var tokens = WriteTokens(rotation: 300, now: 0)
        let token = tokens.token(for: 0x7F00_0001)
        #expect(tokens.isValid(token, for: 0x7F00_0001))
        #expect(!tokens.isValid(token, for: 0x7F00_0002))
        tokens.rotateIfDue(now: 301)
        #expect(tokens.isValid(token, for: 0x7F00_0001))
        tokens.rotateIfDue(now: 602)
        #expect(!tokens.isValid(token, for: 0x7F00_0001))
    }

    @Test func descriptionPointersInlineOrChunk() throws {
        let small = Array(repeating: UInt8(ascii: "a"), count: 900)
        let (inline, none) = DescriptionPointer.make(document: small)
        #expect(none.isEmpty)
        #expect(try DescriptionPointer(bencoded: inline.bencoded) == inline)
        #expect(try inline.assemble(chunkValues: []) == small)

        let large = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let (pointer, chunks) = DescriptionPointer.make(document: large)
        #expect(chunks.count == 6)
        #expect(chunks.allSatisfy { $0.count <= 1000 })
        #expect(pointer.bencoded.count <= 1000)
        let decoded = try DescriptionPointer(bencoded: pointer.bencoded)
        #expect(try decoded.assemble(chunkValues: chunks) == large)
        var tampered = chunks
        tampered[2][10] ^= 1
        #expect(throws: DHTError.self) { try decoded.assemble(chunkValues: tampered) }
        #expect(throws: DHTError.self) { try decoded.assemble(chunkValues: Array(chunks.dropLast())) }
        #expect(throws: DHTError.self) { try DescriptionPointer(bencoded: Array("d1:ci1ee".utf8)) }
        #expect(throws: DHTError.self) { try DescriptionPointer(bencoded: Array("garbage".utf8)) }
    }
}
