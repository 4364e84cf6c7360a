import LMOSCore

/// `lmos:metadata` (PROTOCOL.md section 1): who provides an agent or tool and under which terms — `lmos:vendor`
/// (`lmos:name`, `lmos:url`), `lmos:model`, `lmos:dataPrivacy`, `lmos:interaction`, `lmos:compliance`, and more.
public struct LMOSMetadata: Sendable, Hashable {
    /// The metadata object, all members kept.
    public var json: JSONObject

    public init(json: JSONObject) {
        self.json = json
    }

    /// Metadata naming a vendor and, optionally, the model.
    public init(vendorName: String? = nil, vendorURL: String? = nil, model: String? = nil) {
        json = JSONObject()
        if vendorName != nil || vendorURL != nil {
            var vendor = JSONObject()
            if let vendorName { vendor["lmos:name"] = .string(vendorName) }
            if let vendorURL { vendor["lmos:url"] = .string(vendorURL) }
            json["lmos:vendor"] = .object(vendor)
        }
        if let model { json["lmos:model"] = .string(model) }
    }

    /// `lmos:vendor` / `lmos:name`.
    public var vendorName: String? { json["lmos:vendor"]?["lmos:name"]?.stringValue }
    /// `lmos:vendor` / `lmos:url`.
    public var vendorURL: String? { json["lmos:vendor"]?["lmos:url"]?.stringValue }
    /// `lmos:model`: the model behind an agent, when it says.
    public var model: JSONValue? { json["lmos:model"] }
}
