import LMOSCore

/// A DID document (W3C DID Core): the verification methods that speak for a DID, the relationships they may be
/// used for, and the services the DID points at. A typed view over the JSON document.
public struct DIDDocument: Sendable, Hashable {
    /// The document, all members kept.
    public var json: JSONObject

    public init(json: JSONObject) {
        self.json = json
    }

    /// Reads a DID document.
    public init(_ value: JSONValue) throws(IdentityError) {
        guard case .object(let object) = value, object["id"]?.stringValue != nil else {
            throw .invalidDID("a DID document is a JSON object with an id")
        }
        json = object
    }

    static let contexts: JSONValue = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]

    /// A document with one Multikey for every verification relationship.
    static func forKey(did: String, publicKeyMultibase: String, verificationMethodID: String) -> DIDDocument {
        let method: JSONValue = [
            "id": .string(verificationMethodID), "type": "Multikey", "controller": .string(did),
            "publicKeyMultibase": .string(publicKeyMultibase),
        ]
        let reference: JSONValue = [.string(verificationMethodID)]
        return DIDDocument(json: [
            "@context": contexts, "id": .string(did), "verificationMethod": [method],
            "authentication": reference, "assertionMethod": reference,
            "capabilityDelegation": reference, "capabilityInvocation": reference,
        ])
    }

    /// The DID document of an agent or tool: its key as a Multikey (for `did:key` or a `did:web` it hosts) and a
    /// `service` of type `WotThing` (a directory: `WotDirectory`) pointing at its description (PROTOCOL.md 2).
    public static func agent(
        did: String, key: Ed25519KeyPair, descriptionURL: String? = nil, serviceType: String = "WotThing"
    ) -> DIDDocument {
        var document = forKey(
            did: did, publicKeyMultibase: key.publicKeyMultibase, verificationMethodID: did + "#" + key.publicKeyMultibase)
        if let descriptionURL {
            let fragment = serviceType == "WotDirectory" ? "#directory" : "#td"
            document.json["service"] = [
                ["id": .string(did + fragment), "type": .string(serviceType), "serviceEndpoint": .string(descriptionURL)]
            ]
        }
        return document
    }

    /// `id`: the DID.
    public var id: String { json["id"]?.stringValue ?? "" }

    /// The verification methods declared in `verificationMethod` and embedded in relationships.
    public var verificationMethods: [VerificationMethod] {
        var methods: [VerificationMethod] = []
        for key in ["verificationMethod", "authentication", "assertionMethod", "capabilityDelegation", "capabilityInvocation"] {
            for entry in json[key]?.arrayValue ?? [] {
                if let object = entry.objectValue { methods.append(VerificationMethod(json: object, base: id)) }
            }
        }
        return methods
    }

    /// The verification method that `reference` (an absolute DID URL or a relative `#fragment`) names.
    public func verificationMethod(_ reference: String) -> VerificationMethod? {
        let absolute = absolute(reference)
        return verificationMethods.first { $0.id == absolute }
    }

    /// Whether the method `reference` may be used for `relationship` (such as `assertionMethod`).
    public func authorizes(_ reference: String, for relationship: String) -> Bool {
        let absolute = absolute(reference)
        for entry in json[relationship]?.arrayValue ?? [] {
            switch entry {
            case .string(let listed): if self.absolute(listed) == absolute { return true }
            case .object(let object): if VerificationMethod(json: object, base: id).id == absolute { return true }
            default: continue
            }
        }
        return false
    }

    /// `service` entries as `(type, serviceEndpoint)`.
    public var services: [(type: String, endpoint: String)] {
        (json["service"]?.arrayValue ?? []).compactMap { entry in
            let type: String?
            switch entry["type"] {
            case .string(let single)?: type = single
            case .array(let list)?: type = list.first?.stringValue
            default: type = nil
            }
            guard let type, let endpoint = entry["serviceEndpoint"]?.stringValue else { return nil }
            return (type, endpoint)
        }
    }

    func absolute(_ reference: String) -> String {
        reference.hasPrefix("#") ? id + reference : reference
    }
}

/// A verification method of a DID document: `Multikey`, `Ed25519VerificationKey2020` (both `publicKeyMultibase`)
/// or `Ed25519VerificationKey2018` (`publicKeyBase58`).
public struct VerificationMethod: Sendable, Hashable {
    public var json: JSONObject
    /// The absolute id (`did:...#fragment`).
    public let id: String

    init(json: JSONObject, base: String) {
        self.json = json
        let raw = json["id"]?.stringValue ?? ""
        id = raw.hasPrefix("#") ? base + raw : raw
    }

    /// `type`.
    public var type: String? { json["type"]?.stringValue }

    /// `controller`.
    public var controller: String? { json["controller"]?.stringValue }

    /// The 32-byte Ed25519 public key.
    public func ed25519PublicKey() throws(IdentityError) -> [UInt8] {
        switch type {
        case "Multikey", "Ed25519VerificationKey2020":
            guard let multibase = json["publicKeyMultibase"]?.stringValue else {
                throw .unknownKey("\(id) has no publicKeyMultibase")
            }
            return try Multibase.decodeKey(multibase, prefix: Multibase.ed25519PublicKeyPrefix, what: "\(id) publicKeyMultibase")
        case "Ed25519VerificationKey2018":
            guard let base58 = json["publicKeyBase58"]?.stringValue else { throw .unknownKey("\(id) has no publicKeyBase58") }
            let key = try Base58.decode(base58)
            guard key.count == 32 else { throw .unknownKey("\(id) publicKeyBase58 is not a 32-byte Ed25519 key") }
            return key
        default:
            throw .unknownKey("\(id) is of type \(type ?? "none"), not an Ed25519 key type (Multikey, Ed25519VerificationKey2020, Ed25519VerificationKey2018)")
        }
    }
}
