/// A KRPC response. Which members are present depends on the query answered, which only the querying node knows
/// (by transaction id), so every known member is optional here.
public struct KRPCResponse: Sendable, Hashable {
    /// `id`: the answering node.
    public var sender: NodeID
    /// `nodes`: compact node info of the closest nodes known.
    public var nodes: [NodeInfo]
    /// `token`: the write token (get_peers, get).
    public var token: [UInt8]?
    /// `values`: compact peer endpoints (get_peers).
    public var peers: [NodeEndpoint]
    /// `v`: a BEP 44 value, verbatim as bencoded by its author.
    public var value: [UInt8]?
    /// `k`, `sig`, `seq`: a mutable item's key, signature and sequence number.
    public var key: [UInt8]?
    public var signature: [UInt8]?
    public var sequenceNumber: Int64?
    /// `dids`: the answer to `lmos_who`: DIDs with a description under salt `lmos-td`.
    public var dids: [String]
    /// `local`: also in answers to `lmos_who`: for a DID, the local ids of its further descriptions (salts
    /// `lmos-td:<local id>`).
    public var localIDs: [String: [String]]

    public init(
        sender: NodeID, nodes: [NodeInfo] = [], token: [UInt8]? = nil, peers: [NodeEndpoint] = [],
        value: [UInt8]? = nil, key: [UInt8]? = nil, signature: [UInt8]? = nil, sequenceNumber: Int64? = nil,
        dids: [String] = [], localIDs: [String: [String]] = [:]
    ) {
        self.sender = sender
        self.nodes = nodes
        self.token = token
        self.peers = peers
        self.value = value
        self.key = key
        self.signature = signature
        self.sequenceNumber = sequenceNumber
        self.dids = dids
        self.localIDs = localIDs
    }

    var dictionary: BencodeDictionary {
        var fields: BencodeDictionary = ["id": .bytes(sender.bytes)]
        if !nodes.isEmpty { fields["nodes"] = .bytes(NodeInfo.compact(nodes)) }
        if let token { fields["token"] = .bytes(token) }
        if !peers.isEmpty { fields["values"] = .list(peers.map { .bytes($0.compact) }) }
        if let value { fields["v"] = .encoded(value) }
        if let key { fields["k"] = .bytes(key) }
        if let signature { fields["sig"] = .bytes(signature) }
        if let sequenceNumber { fields["seq"] = .integer(sequenceNumber) }
        if !dids.isEmpty { fields["dids"] = .list(dids.map { .string($0) }) }
        if !localIDs.isEmpty {
            var local = BencodeDictionary()
            for (did, ids) in localIDs { local[did] = .list(ids.map { .string($0) }) }
            fields["local"] = .dictionary(local)
        }
        return fields
    }

    init(fields: BencodeDictionary, datagram: [UInt8]) throws(ArgumentError) {
        guard let sender = fields["id"]?.bytesValue.flatMap({ NodeID(bytes: $0) }) else {
            throw ArgumentError(reason: "a response needs a 20-byte id")
        }
        self.sender = sender
        if let compact = fields["nodes"]?.bytesValue {
            guard let nodes = NodeInfo.parseCompact(compact) else {
                throw ArgumentError(reason: "nodes is not a multiple of 26 bytes")
            }
            self.nodes = nodes
        } else {
            nodes = []
        }
        token = fields["token"]?.bytesValue
        peers = (fields["values"]?.listValue ?? []).compactMap { $0.bytesValue.flatMap { NodeEndpoint(compact: $0) } }
        value = fields["v"] == nil ? nil : try verbatimValue(in: datagram, container: "r")
        key = fields["k"]?.bytesValue
        signature = fields["sig"]?.bytesValue
        sequenceNumber = fields["seq"]?.integerValue
        dids = (fields["dids"]?.listValue ?? []).compactMap(\.stringValue)
        var localIDs: [String: [String]] = [:]
        for member in fields["local"]?.dictionaryValue?.members ?? [] {
            guard let did = String(validating: member.key, as: UTF8.self) else { continue }
            localIDs[did] = (member.value.listValue ?? []).compactMap(\.stringValue)
        }
        self.localIDs = localIDs
    }
}
