import LMOSCore

/// A W3C Data Integrity proof (VC Data Integrity 1.0 section 2.1): `type` `DataIntegrityProof`, the
/// `cryptosuite`, when it was `created`, the `verificationMethod` (a DID URL), the `proofPurpose` and the
/// `proofValue` (a multibase signature).
public struct DataIntegrityProof: Sendable, Hashable {
    /// The proof object, all members kept.
    public var json: JSONObject

    public init(json: JSONObject) {
        self.json = json
    }

    public var type: String? { json["type"]?.stringValue }
    public var cryptosuite: String? { json["cryptosuite"]?.stringValue }
    public var created: String? { json["created"]?.stringValue }
    public var verificationMethod: String? { json["verificationMethod"]?.stringValue }
    public var proofPurpose: String? { json["proofPurpose"]?.stringValue }
    public var proofValue: String? { json["proofValue"]?.stringValue }
}

/// A valid signature: who signed, with which key, and the proof.
public struct VerifiedSignature: Sendable, Hashable {
    /// The signer's DID (`did:key:...` or `did:web:...`).
    public let did: String
    /// The verification method that signed (`did:...#...`).
    public let verificationMethod: String
    /// The proof that was checked.
    public let proof: DataIntegrityProof
}
