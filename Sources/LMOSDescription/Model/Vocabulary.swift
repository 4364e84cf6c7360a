import LMOSCore

/// Context URIs, namespaces and terms of W3C WoT Thing Description 1.1 and the LMOS protocol.
public enum Vocabulary {
    /// The TD 1.1 context (`https://www.w3.org/2022/wot/td/v1.1`), emitted first in every `@context`.
    public static let thingDescriptionContext11 = "https://www.w3.org/2022/wot/td/v1.1"
    /// The TD 1.0 context (`https://www.w3.org/2019/wot/td/v1`), accepted on input.
    public static let thingDescriptionContext10 = "https://www.w3.org/2019/wot/td/v1"
    /// The WoT Discovery context that a directory adds to stored descriptions.
    public static let discoveryContext = "https://www.w3.org/2022/wot/discovery"
    /// The LMOS namespace, bound to the `lmos` prefix.
    public static let lmosNamespace = "https://eclipse.dev/lmos/protocol/v1"
    /// The prefix under which LMOS terms are written.
    public static let lmosPrefix = "lmos"

    /// `@type` of an agent description.
    public static let agentType = "lmos:Agent"
    /// `@type` of a tool description.
    public static let toolType = "lmos:Tool"
    /// The member holding an agent's or tool's metadata.
    public static let metadata = "lmos:metadata"
    /// The member holding an agent's or tool's capabilities.
    public static let capabilities = "lmos:capabilities"

    /// The `@context` that swift-lmos emits: TD 1.1, then the `lmos` prefix.
    public static var defaultContext: JSONValue {
        .array([.string(thingDescriptionContext11), .object([lmosPrefix: .string(lmosNamespace)])])
    }

    /// Whether `uri` names the LMOS namespace (a trailing `/` or `#` is tolerated).
    static func isLMOSNamespace(_ uri: String) -> Bool {
        var trimmed = Substring(uri)
        if trimmed.last == "/" || trimmed.last == "#" { trimmed = trimmed.dropLast() }
        return trimmed == lmosNamespace
    }
}
