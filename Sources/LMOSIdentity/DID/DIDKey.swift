import LMOSCore

/// A `did:key` for an Ed25519 public key (W3C CCG did:key method): `did:key:z` + base58btc(0xed 0x01 || key).
/// It resolves to a DID document by itself, with no network.
public struct DIDKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// `z6Mk...`: the method-specific identifier, also the key's `publicKeyMultibase`.
    public let identifier: String

    public init(publicKey: [UInt8]) {
        self.publicKey = publicKey
        identifier = Multibase.encodeBase58BTC(Multibase.ed25519PublicKeyPrefix + publicKey)
    }

    /// Parses `did:key:z6Mk...`, with or without a `#fragment`.
    public init(parsing text: String) throws(IdentityError) {
        let did = DIDURL.stripFragment(text)
        guard did.hasPrefix("did:key:") else { throw .invalidDID("\(did) is not a did:key") }
        let identifier = String(did.dropFirst("did:key:".count))
        do throws(IdentityError) {
            publicKey = try Multibase.decodeKey(
                identifier, prefix: Multibase.ed25519PublicKeyPrefix, what: "a did:key identifier")
            self.identifier = identifier
        } catch {
            throw .invalidDID("\(did): only Ed25519 did:keys (z6Mk...) are supported: \(error)")
        }
    }

    /// `did:key:z6Mk...`.
    public var did: String { "did:key:" + identifier }

    /// `did:key:z6Mk...#z6Mk...`: the verification method that signatures name.
    public var verificationMethodID: String { did + "#" + identifier }

    public var description: String { did }

    /// The DID document this did:key resolves to: one Multikey verification method, referenced for
    /// authentication, assertion, capability invocation and delegation.
    public var document: DIDDocument {
        DIDDocument.forKey(did: did, publicKeyMultibase: identifier, verificationMethodID: verificationMethodID)
    }
}

/// DID URL helpers (W3C DID Core section 3.2).
enum DIDURL {
    /// The DID without a `#fragment` (and without a `?query`).
    static func stripFragment(_ text: String) -> String {
        var end = text.endIndex
        if let hash = text.firstIndex(of: "#") { end = hash }
        if let query = text[..<end].firstIndex(of: "?") { end = query }
        return String(text[..<end])
    }

    /// The method of a DID (`key` of `did:key:...`).
    static func method(of did: String) throws(IdentityError) -> String {
        let parts = did.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "did", !parts[1].isEmpty, !parts[2].isEmpty,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else { throw .invalidDID("\"\(did)\" is not a DID (did:method:identifier)") }
        return String(parts[1])
    }
}
