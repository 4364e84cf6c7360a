import KRPC
import LMOSCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a node keeps across runs: its id (so that its place in the network stays) and the nodes it knew (to
/// rejoin without a bootstrap node). Stored as JSON: `{"id": "<40 hex>", "nodes": [{"id": ..., "endpoint":
/// "a.b.c.d:port"}]}`.
struct NodeState: Sendable {
    var id: NodeID
    var nodes: [NodeInfo]

    static func load(_ path: String) throws(DHTError) -> NodeState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let value: JSONValue
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            value = try JSONValue(parsing: Array(data))
        } catch {
            throw .invalidInput("cannot read the DHT state file \(path): \(error)")
        }
        guard let idText = value["id"]?.stringValue, let id = NodeID(hex: idText) else {
            throw .invalidInput("the DHT state file \(path) has no valid id")
        }
        var nodes: [NodeInfo] = []
        for entry in value["nodes"]?.arrayValue ?? [] {
            if let nodeID = entry["id"]?.stringValue.flatMap({ NodeID(hex: $0) }),
                let endpoint = entry["endpoint"]?.stringValue.flatMap({ NodeEndpoint($0) })
            {
                nodes.append(NodeInfo(id: nodeID, endpoint: endpoint))
            }
        }
        return NodeState(id: id, nodes: nodes)
    }

    func save(_ path: String) throws(DHTError) {
        var object = JSONObject()
        object["id"] = .string(id.hex)
        object["nodes"] = .array(
            nodes.map { node in
                var entry = JSONObject()
                entry["id"] = .string(node.id.hex)
                entry["endpoint"] = .string(node.endpoint.description)
                return .object(entry)
            })
        do {
            try Data(JSONValue.object(object).jsonBytes()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .invalidInput("cannot write the DHT state file \(path): \(error)")
        }
    }
}
