/// A KRPC query: the sender's node id and a method with its arguments.
public struct KRPCQuery: Sendable, Hashable {
    /// The methods this implementation knows.
    public enum Method: Sendable, Hashable {
        /// BEP 5 `ping`.
        case ping
        /// BEP 5 `find_node`: the nodes closest to `target`.
        case findNode(target: NodeID)
        /// BEP 5 `get_peers`: peers announced under `infoHash`, or the closest nodes, plus a token.
        case getPeers(infoHash: NodeID)
        /// BEP 5 `announce_peer`: the sender (at `port`, or the port it sent from when `impliedPort`) has
        /// `infoHash`.
        case announcePeer(infoHash: NodeID, port: UInt16, token: [UInt8], impliedPort: Bool)
        /// BEP 44 `get`: the item stored under `target`, only if newer than `sequenceNumber` when given.
        case get(target: NodeID, sequenceNumber: Int64?)
        /// BEP 44 `put`: store an item.
        case put(PutRequest)
        /// LMOS `lmos_who`: which DIDs the answering node publishes (PROTOCOL.md 5).
        case lmosWho
        /// Any other method, kept for the caller to answer (204 by default).
        case other(name: [UInt8])
    }

    /// `id`: the querying node.
    public var sender: NodeID
    public var method: Method

    public init(sender: NodeID, method: Method) {
        self.sender = sender
        self.method = method
    }

    /// `q`.
    public var methodName: [UInt8] {
        switch method {
        case .ping: Array("ping".utf8)
        case .findNode: Array("find_node".utf8)
        case .getPeers: Array("get_peers".utf8)
        case .announcePeer: Array("announce_peer".utf8)
        case .get: Array("get".utf8)
        case .put: Array("put".utf8)
        case .lmosWho: Array("lmos_who".utf8)
        case .other(let name): name
        }
    }

    /// `a`.
    var arguments: BencodeDictionary {
        var arguments: BencodeDictionary = ["id": .bytes(sender.bytes)]
        switch method {
        case .ping, .lmosWho, .other:
            break
        case .findNode(let target):
            arguments["target"] = .bytes(target.bytes)
        case .getPeers(let infoHash):
            arguments["info_hash"] = .bytes(infoHash.bytes)
        case .announcePeer(let infoHash, let port, let token, let impliedPort):
            arguments["info_hash"] = .bytes(infoHash.bytes)
            arguments["port"] = .integer(Int64(port))
            arguments["token"] = .bytes(token)
            if impliedPort { arguments["implied_port"] = .integer(1) }
        case .get(let target, let sequenceNumber):
            arguments["target"] = .bytes(target.bytes)
            if let sequenceNumber { arguments["seq"] = .integer(sequenceNumber) }
        case .put(let put):
            arguments["token"] = .bytes(put.token)
            arguments["v"] = .encoded(put.value)
            if let key = put.key { arguments["k"] = .bytes(key) }
            if let signature = put.signature { arguments["sig"] = .bytes(signature) }
            if let sequenceNumber = put.sequenceNumber { arguments["seq"] = .integer(sequenceNumber) }
            if !put.salt.isEmpty { arguments["salt"] = .bytes(put.salt) }
            if let cas = put.compareAndSwap { arguments["cas"] = .integer(cas) }
        }
        return arguments
    }

    init(method name: [UInt8], arguments: BencodeDictionary, datagram: [UInt8]) throws(ArgumentError) {
        guard let sender = arguments["id"]?.bytesValue.flatMap({ NodeID(bytes: $0) }) else {
            throw ArgumentError(reason: "a query needs a 20-byte id")
        }
        self.sender = sender
        func id(_ key: String) throws(ArgumentError) -> NodeID {
            guard let id = arguments[key]?.bytesValue.flatMap({ NodeID(bytes: $0) }) else {
                throw ArgumentError(reason: "\(String(decoding: name, as: UTF8.self)) needs a 20-byte \(key)")
            }
            return id
        }
        switch String(decoding: name, as: UTF8.self) {
        case "ping":
            method = .ping
        case "find_node":
            method = .findNode(target: try id("target"))
        case "get_peers":
            method = .getPeers(infoHash: try id("info_hash"))
        case "announce_peer":
            let infoHash = try id("info_hash")
            guard let token = arguments["token"]?.bytesValue else {
                throw ArgumentError(reason: "announce_peer needs a token")
            }
            let impliedPort = (arguments["implied_port"]?.integerValue ?? 0) != 0
            let port = arguments["port"]?.integerValue ?? 0
            guard impliedPort || (1...65535).contains(port) else {
                throw ArgumentError(reason: "announce_peer needs a port from 1 to 65535")
            }
            method = .announcePeer(
                infoHash: infoHash, port: UInt16(clamping: port), token: token, impliedPort: impliedPort)
        case "get":
            method = .get(target: try id("target"), sequenceNumber: arguments["seq"]?.integerValue)
        case "put":
            guard let token = arguments["token"]?.bytesValue else { throw ArgumentError(reason: "put needs a token") }
            guard let value = try verbatimValue(in: datagram, container: "a") else {
                throw ArgumentError(reason: "put needs a value (v)")
            }
            method = .put(
                PutRequest(
                    token: token, value: value, key: arguments["k"]?.bytesValue,
                    signature: arguments["sig"]?.bytesValue, sequenceNumber: arguments["seq"]?.integerValue,
                    salt: arguments["salt"]?.bytesValue ?? [], compareAndSwap: arguments["cas"]?.integerValue))
        case "lmos_who":
            method = .lmosWho
        default:
            method = .other(name: name)
        }
    }
}

/// The arguments of a BEP 44 `put`. Immutable items have no key, signature or sequence number.
public struct PutRequest: Sendable, Hashable {
    /// The write token from an earlier `get` answer of the same node.
    public var token: [UInt8]
    /// `v`: the bencoded value, exactly as sent (the signature covers these bytes).
    public var value: [UInt8]
    /// `k`: the 32-byte Ed25519 public key (mutable items).
    public var key: [UInt8]?
    /// `sig`: the 64-byte signature (mutable items).
    public var signature: [UInt8]?
    /// `seq` (mutable items).
    public var sequenceNumber: Int64?
    /// `salt` (mutable items; empty when absent).
    public var salt: [UInt8]
    /// `cas`: store only if the current sequence number is this.
    public var compareAndSwap: Int64?

    public init(
        token: [UInt8], value: [UInt8], key: [UInt8]? = nil, signature: [UInt8]? = nil,
        sequenceNumber: Int64? = nil, salt: [UInt8] = [], compareAndSwap: Int64? = nil
    ) {
        self.token = token
        self.value = value
        self.key = key
        self.signature = signature
        self.sequenceNumber = sequenceNumber
        self.salt = salt
        self.compareAndSwap = compareAndSwap
    }
}
