import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LMOSCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An Ed25519 key pair (RFC 8032), the key type of LMOS identities: it signs descriptions, names a `did:key`, and
/// keys BEP 44 records on the DHT.
///
/// Stored in the JSON form of the W3C Data Integrity test vectors (a Multikey): `publicKeyMultibase` (`z6Mk...`,
/// multicodec `0xed01`) and `privateKeyMultibase` (`z3u2...`, multicodec `0x8026` before the 32-byte seed).
public struct Ed25519KeyPair: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey
    /// The did:key (and with it the public key's multibase text), computed once.
    public let didKey: DIDKey

    /// A new random key pair.
    public init() {
        self.init(privateKey: Curve25519.Signing.PrivateKey())
    }

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        didKey = DIDKey(publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// The key pair of a 32-byte seed (the RFC 8032 private key).
    public init(seed: some Collection<UInt8>) throws(IdentityError) {
        guard seed.count == 32 else { throw .invalidKey("an Ed25519 seed has 32 bytes, found \(seed.count)") }
        let key: Curve25519.Signing.PrivateKey
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed))
        } catch {
            throw .invalidKey("\(error)")
        }
        self.init(privateKey: key)
    }

    /// The 32-byte seed.
    public var seed: [UInt8] { Array(privateKey.rawRepresentation) }

    /// The 32-byte public key.
    public var publicKey: [UInt8] { Array(privateKey.publicKey.rawRepresentation) }

    /// `z6Mk...`: the public key as a Multikey value.
    public var publicKeyMultibase: String { didKey.identifier }

    /// `z3u2...`: the seed as a Multikey value.
    public var privateKeyMultibase: String { Multibase.encodeBase58BTC(Multibase.ed25519PrivateKeyPrefix + seed) }

    /// An Ed25519 signature (64 bytes) of `message`. Deterministic: RFC 8032 signing of the same message with
    /// the same key gives the same signature.
    public func sign(_ message: [UInt8]) throws(IdentityError) -> [UInt8] {
        do {
            return Array(try privateKey.signature(for: message))
        } catch {
            throw .invalidKey("signing failed: \(error)")
        }
    }

    // MARK: Key files

    /// Reads a key file: a JSON object with `privateKeyMultibase` (or its synonym `secretKeyMultibase`) and,
    /// optionally, `publicKeyMultibase`, which must then belong to the private key.
    public init(keyFile value: JSONValue) throws(IdentityError) {
        guard case .object(let object) = value else { throw .invalidKey("a key file is a JSON object") }
        guard let secret = (object["privateKeyMultibase"] ?? object["secretKeyMultibase"])?.stringValue else {
            throw .invalidKey("the key file has no privateKeyMultibase (or secretKeyMultibase)")
        }
        let seed = try Multibase.decodeKey(secret, prefix: Multibase.ed25519PrivateKeyPrefix, what: "privateKeyMultibase")
        try self.init(seed: seed)
        if let stated = object["publicKeyMultibase"] {
            guard stated.stringValue == publicKeyMultibase else {
                throw .invalidKey("publicKeyMultibase does not belong to privateKeyMultibase")
            }
        }
    }

    /// The key file: a Multikey with its controller (the did:key) and both keys.
    public var keyFile: JSONValue {
        let did = didKey
        return [
            "type": "Multikey",
            "id": .string(did.verificationMethodID),
            "controller": .string(did.did),
            "publicKeyMultibase": .string(publicKeyMultibase),
            "privateKeyMultibase": .string(privateKeyMultibase),
        ]
    }

    /// Reads a key file from disk.
    public init(contentsOfFile path: String) throws(IdentityError) {
        let bytes = try KeyFileIO.read(path)
        let value: JSONValue
        do throws(CoreError) {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw .invalidKey("\(path): \(error)")
        }
        try self.init(keyFile: value)
    }

    /// Writes the key file to `path` with mode 0600 (owner read/write only). Refuses to replace an existing file
    /// unless `overwrite`.
    public func write(toFile path: String, overwrite: Bool = false) throws(IdentityError) {
        try KeyFileIO.write(keyFile.jsonBytes(options: .prettyPrinted), to: path, overwrite: overwrite)
    }
}

/// File access for secrets: created 0600, never world-readable even for a moment.
enum KeyFileIO {
    static func read(_ path: String) throws(IdentityError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .fileError("\(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileError("\(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 65_536 { throw .invalidKey("\(path): larger than a key file can be") }
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String, overwrite: Bool) throws(IdentityError) {
        let flags = O_WRONLY | O_CREAT | (overwrite ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw .fileError("\(path) already exists (a key is never overwritten silently)") }
            throw .fileError("\(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // An existing file keeps its mode on O_TRUNC: make it 0600 before writing the secret.
        guard fchmod(descriptor, 0o600) == 0 else { throw .fileError("\(path): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .fileError("\(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
