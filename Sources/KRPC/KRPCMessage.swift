/// One KRPC message (BEP 5): a query, a response or an error, sent as one bencoded dictionary per UDP datagram.
public struct KRPCMessage: Sendable, Hashable {
    /// What the message is.
    public enum Kind: Sendable, Hashable {
        case query(KRPCQuery)
        case response(KRPCResponse)
        case error(KRPCError)
    }

    /// `t`: chosen by the querying node, echoed in the answer.
    public var transactionID: [UInt8]
    public var kind: Kind
    /// `v`: the sender's client version (two letters and two bytes), if given.
    public var clientVersion: [UInt8]?
    /// `ro`: the sender is a read-only node (BEP 43) that answers no queries and must not be added to routing tables.
    public var readOnly: Bool
    /// `ip`: in answers, the querying node's address as the answering node saw it (BEP 42).
    public var requesterEndpoint: NodeEndpoint?

    public init(
        transactionID: [UInt8], kind: Kind, clientVersion: [UInt8]? = nil, readOnly: Bool = false,
        requesterEndpoint: NodeEndpoint? = nil
    ) {
        self.transactionID = transactionID
        self.kind = kind
        self.clientVersion = clientVersion
        self.readOnly = readOnly
        self.requesterEndpoint = requesterEndpoint
    }

    /// The bencoded datagram.
    public func encoded() -> [UInt8] {
        var top = BencodeDictionary()
        top["t"] = .bytes(transactionID)
        if let clientVersion { top["v"] = .bytes(clientVersion) }
        if readOnly { top["ro"] = .integer(1) }
        if let requesterEndpoint { top["ip"] = .bytes(requesterEndpoint.compact) }
        switch kind {
        case .query(let query):
            top["y"] = .string("q")
            top["q"] = .bytes(query.methodName)
            top["a"] = .dictionary(query.arguments)
        case .response(let response):
            top["y"] = .string("r")
            top["r"] = .dictionary(response.dictionary)
        case .error(let error):
            top["y"] = .string("e")
            top["e"] = .list([.integer(error.code), .string(error.message)])
        }
        return Bencode.encode(.dictionary(top))
    }

    /// Reads a datagram. Unknown members are ignored, as BEP 5 asks for extensibility.
    public static func decode(_ datagram: [UInt8]) throws(KRPCDecodingError) -> KRPCMessage {
        let value: BencodeValue
        do {
            value = try Bencode.decode(datagram)
        } catch {
            throw KRPCDecodingError(transactionID: nil, isQuery: false, reason: error.description)
        }
        guard case .dictionary(let top) = value else {
            throw KRPCDecodingError(transactionID: nil, isQuery: false, reason: "not a dictionary")
        }
        let transactionID = top["t"]?.bytesValue
        let type = top["y"]?.stringValue
        func failure(_ reason: String) -> KRPCDecodingError {
            KRPCDecodingError(transactionID: transactionID, isQuery: type == "q", reason: reason)
        }
        guard let transactionID else { throw failure("no transaction id (t)") }
        let kind: Kind
        switch type {
        case "q":
            guard let method = top["q"]?.bytesValue else { throw failure("a query needs a method name (q)") }
            guard case .dictionary(let arguments)? = top["a"] else { throw failure("a query needs arguments (a)") }
            do {
                kind = .query(try KRPCQuery(method: method, arguments: arguments, datagram: datagram))
            } catch {
                throw failure(error.reason)
            }
        case "r":
            guard case .dictionary(let fields)? = top["r"] else { throw failure("a response needs a dictionary (r)") }
            do {
                kind = .response(try KRPCResponse(fields: fields, datagram: datagram))
            } catch {
                throw failure(error.reason)
            }
        case "e":
            guard let list = top["e"]?.listValue, let code = list.first?.integerValue else {
                throw failure("an error needs [code, message] (e)")
            }
            kind = .error(KRPCError(code: code, message: list.dropFirst().first?.stringValue ?? ""))
        default:
            throw failure("unknown message type (y)")
        }
        return KRPCMessage(
            transactionID: transactionID, kind: kind, clientVersion: top["v"]?.bytesValue,
            readOnly: top["ro"]?.integerValue == 1,
            requesterEndpoint: top["ip"]?.bytesValue.flatMap { NodeEndpoint(compact: $0) })
    }
}

struct ArgumentError: Error {
    let reason: String
}

/// Finds the verbatim bytes of `v` in a datagram, at `container.v`.
func verbatimValue(in datagram: [UInt8], container: String) throws(ArgumentError) -> [UInt8]? {
    do {
        guard let range = try Bencode.span(of: [container, "v"], in: datagram) else { return nil }
        return Array(datagram[range])
    } catch {
        throw ArgumentError(reason: "unreadable v: \(error.reason)")
    }
}
