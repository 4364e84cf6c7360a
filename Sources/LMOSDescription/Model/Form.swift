import LMOSCore

/// A form (TD 1.1 section 5.3.4.2): a hypermedia control saying how to perform operations on an affordance —
/// the target `href`, the operation types `op`, the media type and, for WebSocket, the `subprotocol`.
public struct Form: Sendable, Hashable {
    /// The form object, all members kept (protocol binding terms such as `htv:methodName` included).
    public var json: JSONObject

    public init(json: JSONObject) {
        self.json = json
    }

    /// A form with the given target and operations.
    public init(
        href: String, op: [String] = [], contentType: String? = nil, subprotocol: String? = nil,
        security: [String] = []
    ) {
        json = JSONObject()
        json["href"] = .string(href)
        if op.count == 1 { json["op"] = .string(op[0]) } else if !op.isEmpty { json["op"] = .array(op.map(JSONValue.string)) }
        if let contentType { json["contentType"] = .string(contentType) }
        if let subprotocol { json["subprotocol"] = .string(subprotocol) }
        if !security.isEmpty { json["security"] = .array(security.map(JSONValue.string)) }
    }

    /// `href`: the target URI (possibly relative to the description's `base`).
    public var href: String? {
        get { json["href"]?.stringValue }
        set { json["href"] = newValue.map(JSONValue.string) }
    }

    /// `op`, as a list whether written as a string or an array.
    public var operations: [String] { ThingDescription.strings(json["op"]) }

    /// `contentType`; TD 1.1 says `application/json` when absent.
    public var contentType: String { json["contentType"]?.stringValue ?? "application/json" }

    /// `subprotocol`, such as `lmosprotocol` for the LMOS WebSocket binding.
    public var subprotocol: String? { json["subprotocol"]?.stringValue }

    /// `security` names that override the thing-level ones for this form.
    public var security: [String] { ThingDescription.strings(json["security"]) }
}
