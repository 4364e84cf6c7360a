import Crypto
import KRPC

/// The rules of BEP 44 ("Storing arbitrary data in the DHT") that do not depend on a store: targets, the signed
/// buffer, signatures, size limits.
public enum BEP44 {
    /// The largest bencoded `v` a node stores.
    public static let maximumValueSize = 1000
    /// The largest salt.
    public static let maximumSaltSize = 64

    /// The target of an immutable item: SHA-1 of its bencoded value.
    public static func immutableTarget(value: [UInt8]) -> NodeID {
        NodeID(digest: Insecure.SHA1.hash(data: value))
    }

    /// The target of a mutable item: SHA-1 of the public key followed by the salt.
    public static func mutableTarget(key: [UInt8], salt: [UInt8] = []) -> NodeID {
        var hash = Insecure.SHA1()
        hash.update(data: key)
        hash.update(data: salt)
        return NodeID(digest: hash.finalize())
    }

    /// The bytes an owner signs: `4:salt<len>:<salt>` (only with a salt), `3:seqi<seq>e1:v`, then the bencoded
    /// value verbatim.
    public static func signedBuffer(salt: [UInt8], sequenceNumber: Int64, value: [UInt8]) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(value.count + salt.count + 32)
        if !salt.isEmpty {
            buffer.append(contentsOf: "4:salt".utf8)
            Bencode.write(.bytes(salt), into: &buffer)
        }
        buffer.append(contentsOf: "3:seqi\(sequenceNumber)e1:v".utf8)
        buffer.append(contentsOf: value)
        return buffer
    }

    /// Whether `signature` is the Ed25519 signature of `key` over the signed buffer.
    public static func isValidSignature(
        _ signature: [UInt8], key: [UInt8], salt: [UInt8], sequenceNumber: Int64, value: [UInt8]
    ) -> Bool {
        guard signature.count == 64, key.count == 32,
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key)
        else { return false }
        return publicKey.isValidSignature(
            signature, for: signedBuffer(salt: salt, sequenceNumber: sequenceNumber, value: value))
    }
}

/// An item as stored and served: an immutable value, or a mutable one with its key, signature, sequence number and
/// salt.
public struct DHTItem: Sendable, Hashable {
    /// The bencoded value, verbatim.
    public var value: [UInt8]
    public var key: [UInt8]?
    public var signature: [UInt8]?
    public var sequenceNumber: Int64?
    public var salt: [UInt8]

    public init(value: [UInt8], key: [UInt8]? = nil, signature: [UInt8]? = nil, sequenceNumber: Int64? = nil, salt: [UInt8] = []) {
        self.value = value
        self.key = key
        self.signature = signature
        self.sequenceNumber = sequenceNumber
        self.salt = salt
    }

    /// Whether this is a mutable item.
    public var isMutable: Bool { key != nil }

    /// Where it is stored.
    public var target: NodeID {
        if let key { return BEP44.mutableTarget(key: key, salt: salt) }
        return BEP44.immutableTarget(value: value)
    }

    /// Checks the item as a storing node must: size, salt size, and for a mutable item the key and signature; for
    /// an immutable one, nothing else (its target is its hash).
    public func validate() throws(KRPCError) {
        guard value.count <= BEP44.maximumValueSize else { throw .messageTooBig }
        guard salt.count <= BEP44.maximumSaltSize else { throw .saltTooBig }
        guard let key else {
            guard signature == nil, sequenceNumber == nil, salt.isEmpty else {
                throw .protocolError("an immutable item has no sig, seq or salt")
            }
            return
        }
        guard let signature, let sequenceNumber else { throw .protocolError("a mutable item needs k, sig and seq") }
        guard key.count == 32 else { throw .protocolError("k must be a 32-byte Ed25519 public key") }
        guard BEP44.isValidSignature(signature, key: key, salt: salt, sequenceNumber: sequenceNumber, value: value) else {
            throw .invalidSignature
        }
    }
}
