/// Why a key, DID or proof could not be used: what was wrong, in words a person can act on.
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Multibase or base58 text that does not decode.
    case invalidEncoding(String)
    /// A key file or key material that is not an Ed25519 key of the expected form.
    case invalidKey(String)
    /// A DID or DID URL that does not follow its method's syntax, or a method we do not resolve.
    case invalidDID(String)
    /// A DID could not be resolved (network, HTTP status, or an unusable DID document).
    case resolutionFailed(did: String, reason: String)
    /// The verification method named by a proof is not in the signer's DID document, or has no usable key.
    case unknownKey(String)
    /// The document carries no proof, or a proof that is not a Data Integrity proof we can check.
    case invalidProof(String)
    /// The proof uses a cryptosuite other than `eddsa-jcs-2022`.
    case wrongCryptosuite(String)
    /// `proofValue` is not a base58btc multibase Ed25519 signature.
    case badSignature(String)
    /// The signature is well formed but does not match: the document or its proof changed after signing.
    case documentChanged
    /// The document cannot be canonicalized (RFC 8785) or read.
    case unreadableDocument(String)
    /// A key file could not be read or written.
    case fileError(String)

    public var description: String {
        switch self {
        case .invalidEncoding(let reason): return "invalid encoding: \(reason)"
        case .invalidKey(let reason): return "invalid key: \(reason)"
        case .invalidDID(let reason): return "invalid DID: \(reason)"
        case .resolutionFailed(let did, let reason): return "cannot resolve \(did): \(reason)"
        case .unknownKey(let reason): return "unknown key: \(reason)"
        case .invalidProof(let reason): return "invalid proof: \(reason)"
        case .wrongCryptosuite(let suite): return "wrong cryptosuite: \(suite) (expected eddsa-jcs-2022)"
        case .badSignature(let reason): return "bad signature: \(reason)"
        case .documentChanged:
            return "document changed: the signature does not match the document (it or its proof changed after signing)"
        case .unreadableDocument(let reason): return "unreadable document: \(reason)"
        case .fileError(let reason): return reason
        }
    }
}
