import Crypto
import KRPC

/// The value of a description's BEP 44 mutable item (PROTOCOL.md 5): either the description inline (`d`), or a
/// pointer to immutable chunks (`c`: their targets in order, `h`: SHA-256 of the whole document, `n`: its length,
/// `u`: an optional mirror URL).
public enum DescriptionPointer: Sendable, Hashable {
    case inline([UInt8])
    case chunks(targets: [NodeID], sha256: [UInt8], length: Int, mirror: String?)

    /// The default salt, and the prefix of salts for further descriptions of one key (`lmos-td:<local id>`).
    public static let salt = "lmos-td"

    /// The salt for a description: `lmos-td`, or `lmos-td:<localID>`.
    public static func salt(localID: String?) -> [UInt8] {
        guard let localID, !localID.isEmpty else { return Array(salt.utf8) }
        return Array((salt + ":" + localID).utf8)
    }

    /// The payload of one immutable chunk, at most this many bytes (`996:` plus 996 bytes = 1000 bencoded).
    public static let chunkSize = 996

    /// The pointer (and chunk values, bencoded) for a document's bytes: inline when the bencoded pointer fits in
    /// a BEP 44 value, chunked otherwise.
    public static func make(document: [UInt8], mirror: String? = nil) -> (pointer: DescriptionPointer, chunks: [[UInt8]]) {
        let inline = DescriptionPointer.inline(document)
        if inline.bencoded.count <= BEP44.maximumValueSize { return (inline, []) }
        var chunks: [[UInt8]] = []
        var start = 0
        while start < document.count {
            let end = min(start + chunkSize, document.count)
            chunks.append(Bencode.encode(.bytes(Array(document[start..<end]))))
            start = end
        }
        let pointer = DescriptionPointer.chunks(
            targets: chunks.map { BEP44.immutableTarget(value: $0) }, sha256: Array(SHA256.hash(data: document)),
            length: document.count, mirror: mirror)
        return (pointer, chunks)
    }

    /// How many chunks a pointer can name within 1000 bytes (about 39 KB of description).
    public static let maximumChunks = 40

    /// The bencoded value.
    public var bencoded: [UInt8] {
        switch self {
        case .inline(let document):
            return Bencode.encode(.dictionary(["d": .bytes(document)]))
        case .chunks(let targets, let sha256, let length, let mirror):
            var dictionary: BencodeDictionary = [
                "c": .list(targets.map { .bytes($0.bytes) }), "h": .bytes(sha256), "n": .integer(Int64(length)),
            ]
            if let mirror { dictionary["u"] = .string(mirror) }
            return Bencode.encode(.dictionary(dictionary))
        }
    }

    /// Reads a pointer value.
    public init(bencoded: [UInt8]) throws(DHTError) {
        let value: BencodeValue
        do {
            value = try Bencode.decode(bencoded)
        } catch {
            throw .badRecord("the pointer is not bencoded: \(error)")
        }
        if let document = value["d"]?.bytesValue {
            self = .inline(document)
            return
        }
        guard let list = value["c"]?.listValue, let sha256 = value["h"]?.bytesValue, sha256.count == 32,
            let length = value["n"]?.integerValue, length >= 0
        else {
            throw .badRecord("the pointer has neither d nor c, h (32 bytes) and n")
        }
        var targets: [NodeID] = []
        for entry in list {
            guard let target = entry.bytesValue.flatMap({ NodeID(bytes: $0) }) else {
                throw .badRecord("a chunk target is not 20 bytes")
            }
            targets.append(target)
        }
        guard !targets.isEmpty, targets.count <= Self.maximumChunks,
            Int64(targets.count - 1) * Int64(Self.chunkSize) < length,
            length <= Int64(targets.count) * Int64(Self.chunkSize)
        else {
            throw .badRecord("\(targets.count) chunks cannot hold \(length) bytes")
        }
        self = .chunks(targets: targets, sha256: sha256, length: Int(length), mirror: value["u"]?.stringValue)
    }

    /// Joins fetched chunk values (bencoded strings, in order) and checks them against the pointer.
    public func assemble(chunkValues: [[UInt8]]) throws(DHTError) -> [UInt8] {
        switch self {
        case .inline(let document):
            return document
        case .chunks(let targets, let sha256, let length, _):
            guard chunkValues.count == targets.count else { throw .badRecord("missing chunks") }
            var document: [UInt8] = []
            document.reserveCapacity(length)
            for (index, value) in chunkValues.enumerated() {
                guard BEP44.immutableTarget(value: value) == targets[index] else {
                    throw .badRecord("chunk \(index) does not hash to its target")
                }
                guard case .bytes(let bytes)? = try? Bencode.decode(value) else {
                    throw .badRecord("chunk \(index) is not a bencoded byte string")
                }
                document.append(contentsOf: bytes)
            }
            guard document.count == length else {
                throw .badRecord("the chunks hold \(document.count) bytes, the pointer says \(length)")
            }
            guard Array(SHA256.hash(data: document)) == sha256 else {
                throw .badRecord("the document does not match the pointer's SHA-256")
            }
            return document
        }
    }
}

/// Rendezvous info-hashes (PROTOCOL.md 5): where publishers `announce_peer` and finders `get_peers`.
public enum Rendezvous {
    /// SHA-1 of `lmos:capability:<id>`.
    public static func capability(_ id: String) -> NodeID {
        NodeID(digest: Insecure.SHA1.hash(data: Array(("lmos:capability:" + id).utf8)))
    }

    /// SHA-1 of `lmos:type:<type>` (`Agent`, `Tool`).
    public static func type(_ type: String) -> NodeID {
        NodeID(digest: Insecure.SHA1.hash(data: Array(("lmos:type:" + type).utf8)))
    }
}
