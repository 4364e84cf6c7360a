import LMOSCore

/// A link (TD 1.1 section 5.3.4.1) from the description to another resource: documentation, a directory, the
/// thing's capabilities, an icon.
public struct Link: Sendable, Hashable {
    /// The link object, all members kept.
    public var json: JSONObject

    public init(json: JSONObject) {
        self.json = json
    }

    /// A link to `href` with relation `rel` and media type `type`.
    public init(href: String, rel: String? = nil, type: String? = nil) {
        json = JSONObject()
        json["href"] = .string(href)
        if let rel { json["rel"] = .string(rel) }
        if let type { json["type"] = .string(type) }
    }

    /// `href`: the target.
    public var href: String? { json["href"]?.stringValue }
    /// `rel`: the relation type.
    public var rel: String? { json["rel"]?.stringValue }
    /// `type`: the target's media type.
    public var type: String? { json["type"]?.stringValue }
}
