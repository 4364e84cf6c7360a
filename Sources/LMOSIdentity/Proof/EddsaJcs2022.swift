import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LMOSCore
import LMOSDescription

/// The `eddsa-jcs-2022` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0, section 3.3): JCS (RFC 8785)
/// canonicalization, SHA-256, Ed25519.
///
/// The signed bytes are `SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without proof))`, where the
/// proof configuration is the proof without `proofValue`, carrying the document's `@context`.
public enum EddsaJcs2022 {
    public static let cryptosuite = "eddsa-jcs-2022"

    /// The current time to the second, as proofs' `created` is usually written.
    static func now() -> String {
        let milliseconds = Timestamp.now().millisecondsSince1970
        return Timestamp(millisecondsSince1970: milliseconds - milliseconds % 1000).rfc3339
    }
    /// The Data Integrity context, added to a description's `@context` when neither it nor VC 2.0 is there.
    public static let dataIntegrityContext = "https://w3id.org/security/data-integrity/v2"
    static let credentialsV2Context = "https://www.w3.org/ns/credentials/v2"

    // MARK: Signing

    /// Signs `document` (any JSON object; any earlier `proof` is replaced) and returns it with its `proof`.
    /// A directory's additions (`registration`, the discovery `@context` entry) are removed first: they are not
    /// the owner's statement, and verifiers ignore them.
    ///
    /// - Parameters:
    ///   - verificationMethod: the DID URL to name (default: the key's did:key, `did:key:z6Mk...#z6Mk...`).
    ///   - created: the RFC 3339 time to state (default: now, to the second, UTC).
    ///   - addContext: add the Data Integrity context to `@context` when absent (so JSON-LD processors know the
    ///     proof terms).
    public static func sign(
        _ document: JSONValue, with key: Ed25519KeyPair, verificationMethod: String? = nil,
        created: String? = nil, proofPurpose: String = "assertionMethod", addContext: Bool = true
    ) throws(IdentityError) -> JSONValue {
        guard case .object(var unsecured) = document else {
            throw .unreadableDocument("only a JSON object can be signed, found \(document.typeName)")
        }
        // What a directory added is not the owner's to sign, and verifiers take it away (PROTOCOL.md 2).
        unsecured["proof"] = nil
        withoutDirectoryAdditions(&unsecured)
        if addContext { unsecured["@context"] = withDataIntegrityContext(unsecured["@context"]) }
        var proof = JSONObject()
        proof["type"] = "DataIntegrityProof"
        proof["cryptosuite"] = .string(cryptosuite)
        proof["created"] = .string(created ?? Self.now())
        proof["verificationMethod"] = .string(verificationMethod ?? key.didKey.verificationMethodID)
        proof["proofPurpose"] = .string(proofPurpose)
        if let context = unsecured["@context"] { proof["@context"] = context }
        let signature = try key.sign(hashData(document: .object(unsecured), proofConfiguration: .object(proof)))
        proof["proofValue"] = .string(Multibase.encodeBase58BTC(signature))
        unsecured["proof"] = .object(proof)
        return .object(unsecured)
    }

    /// `@context` with the Data Integrity context appended when neither it nor VC 2.0 is present.
    static func withDataIntegrityContext(_ context: JSONValue?) -> JSONValue {
        let entries: [JSONValue]
        switch context {
        case nil: return .string(dataIntegrityContext)
        case .array(let array)?: entries = array
        case let single?: entries = [single]
        }
        if entries.contains(.string(dataIntegrityContext)) || entries.contains(.string(credentialsV2Context)) {
            return context ?? .null
        }
        return .array(entries + [.string(dataIntegrityContext)])
    }

    /// The 64 bytes that are signed: SHA-256 of the canonical proof configuration, then of the canonical document.
    public static func hashData(document: JSONValue, proofConfiguration: JSONValue) throws(IdentityError) -> [UInt8] {
        let canonicalDocument: [UInt8]
        let canonicalProof: [UInt8]
        do throws(CoreError) {
            canonicalDocument = try document.canonicalJSON()
            canonicalProof = try proofConfiguration.canonicalJSON()
        } catch {
            throw .unreadableDocument("\(error)")
        }
        return Array(SHA256.hash(data: canonicalProof)) + Array(SHA256.hash(data: canonicalDocument))
    }

    // MARK: Verifying

    /// Verifies the `proof` of `document`, resolving the signer's DID with `resolver`.
    ///
    /// Before checking, what a directory adds is taken away (PROTOCOL.md 2): the `registration` member and the
    /// WoT Discovery context entry. A proof set (an array of proofs) verifies when every proof does; the first
    /// signer is returned.
    public static func verify(_ document: JSONValue, resolver: some DIDResolver) async throws(IdentityError)
        -> VerifiedSignature
    {
        let (unsecured, proofs) = try split(document)
        var first: VerifiedSignature?
        for proof in proofs {
            guard let method = proof.verificationMethod else {
                throw .invalidProof("the proof has no verificationMethod")
            }
            let didDocument = try await resolver.resolve(DIDURL.stripFragment(method))
            let verified = try verify(unsecured: unsecured, proof: proof, didDocument: didDocument)
            if first == nil { first = verified }
        }
        guard let first else { throw .invalidProof("the document has no proof") }
        return first
    }

    /// Verifies against a DID document already at hand (no resolution).
    public static func verify(_ document: JSONValue, didDocument: DIDDocument) throws(IdentityError) -> VerifiedSignature {
        let (unsecured, proofs) = try split(document)
        guard let proof = proofs.first else { throw .invalidProof("the document has no proof") }
        return try verify(unsecured: unsecured, proof: proof, didDocument: didDocument)
    }

    /// The document without `proof`, `registration` and the discovery context, and its proofs.
    static func split(_ document: JSONValue) throws(IdentityError) -> (JSONObject, [DataIntegrityProof]) {
        guard case .object(var unsecured) = document else {
            throw .unreadableDocument("a signed document is a JSON object, found \(document.typeName)")
        }
        let proofValue = unsecured.removeValue(forKey: "proof")
        withoutDirectoryAdditions(&unsecured)
        let proofs: [DataIntegrityProof]
        switch proofValue {
        case nil: throw .invalidProof("the document has no proof")
        case .object(let proof)?: proofs = [DataIntegrityProof(json: proof)]
        case .array(let list)?:
            proofs = try list.map { entry throws(IdentityError) in
                guard case .object(let proof) = entry else { throw .invalidProof("a proof set holds proof objects") }
                return DataIntegrityProof(json: proof)
            }
        case let other?: throw .invalidProof("proof must be an object, found \(other.typeName)")
        }
        return (unsecured, proofs)
    }

    /// Removes what a WoT Discovery directory adds to a stored description: `registration` and the discovery
    /// `@context` entry.
    static func withoutDirectoryAdditions(_ document: inout JSONObject) {
        document["registration"] = nil
        if case .array(let entries)? = document["@context"], entries.contains(.string(Vocabulary.discoveryContext)) {
            document["@context"] = .array(entries.filter { $0 != .string(Vocabulary.discoveryContext) })
        }
    }

    /// Section 3.3.2 "Verify Proof (eddsa-jcs-2022)" and 3.3.3 "Transformation", with the key from `didDocument`.
    static func verify(unsecured: JSONObject, proof: DataIntegrityProof, didDocument: DIDDocument)
        throws(IdentityError) -> VerifiedSignature
    {
        guard proof.type == "DataIntegrityProof" else {
            throw .invalidProof("proof type is \(proof.type ?? "missing"), expected DataIntegrityProof")
        }
        guard proof.cryptosuite == cryptosuite else { throw .wrongCryptosuite(proof.cryptosuite ?? "none") }
        guard let methodID = proof.verificationMethod else { throw .invalidProof("the proof has no verificationMethod") }
        guard let purpose = proof.proofPurpose else { throw .invalidProof("the proof has no proofPurpose") }
        guard let proofValue = proof.proofValue else { throw .invalidProof("the proof has no proofValue") }
        let signature: [UInt8]
        do throws(IdentityError) {
            signature = try Multibase.decodeBase58BTC(proofValue)
        } catch {
            throw .badSignature("proofValue is not base58btc multibase: \(error)")
        }
        guard signature.count == 64 else {
            throw .badSignature("proofValue holds \(signature.count) bytes, an Ed25519 signature has 64")
        }

        // The key: in the signer's DID document, and allowed for the proof's purpose.
        let did = DIDURL.stripFragment(methodID)
        guard didDocument.id == did else {
            throw .unknownKey("\(methodID) does not belong to \(didDocument.id)")
        }
        guard let method = didDocument.verificationMethod(methodID) else {
            throw .unknownKey("\(methodID) is not in the DID document of \(did)")
        }
        guard didDocument.authorizes(methodID, for: purpose) else {
            throw .unknownKey("\(methodID) is not authorized for \(purpose) by \(did)")
        }
        let publicKeyBytes = try method.ed25519PublicKey()

        // The proof configuration is the proof without proofValue. Its @context, when present, must open the
        // document's @context, and replaces it for hashing (so contexts appended after signing do not count).
        var configuration = proof.json
        configuration["proofValue"] = nil
        var document = unsecured
        if let proofContext = configuration["@context"] {
            guard contextStarts(document["@context"], with: proofContext) else {
                throw .documentChanged
            }
            document["@context"] = proofContext
        }
        let data = try hashData(document: .object(document), proofConfiguration: .object(configuration))
        let valid: Bool
        do {
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes)
            valid = publicKey.isValidSignature(signature, for: data)
        } catch {
            throw .unknownKey("\(methodID) holds an invalid Ed25519 key")
        }
        guard valid else { throw .documentChanged }
        return VerifiedSignature(did: did, verificationMethod: method.id, proof: proof)
    }

    /// Whether `context` starts with every entry of `prefix`, in order.
    static func contextStarts(_ context: JSONValue?, with prefix: JSONValue) -> Bool {
        func entries(_ value: JSONValue?) -> [JSONValue] {
            switch value {
            case nil: return []
            case .array(let array)?: return array
            case let single?: return [single]
            }
        }
        let documentEntries = entries(context)
        let prefixEntries = entries(prefix)
        return documentEntries.count >= prefixEntries.count && zip(documentEntries, prefixEntries).allSatisfy { $0 == $1 }
    }
}
