import LMOSCore

/// The `@type` that makes a Thing Description an LMOS agent or tool description.
public protocol LMOSDescriptionKind: Sendable {
    /// `lmos:Agent` or `lmos:Tool`.
    static var type: String { get }
}

/// Marks ``AgentDescription``.
public enum AgentKind: LMOSDescriptionKind {
    public static var type: String { Vocabulary.agentType }
}

/// Marks ``ToolDescription``.
public enum ToolKind: LMOSDescriptionKind {
    public static var type: String { Vocabulary.toolType }
}

/// An LMOS Agent Description: a Thing Description whose `@type` includes `lmos:Agent`.
public typealias AgentDescription = TypedDescription<AgentKind>

/// An LMOS Tool Description: a Thing Description whose `@type` includes `lmos:Tool`.
public typealias ToolDescription = TypedDescription<ToolKind>

/// A Thing Description known to be of an LMOS kind. Everything ``ThingDescription`` offers is reachable directly
/// (`agent.title`, `agent.capabilities`), and ``thing`` gives the plain description.
@dynamicMemberLookup
public struct TypedDescription<Kind: LMOSDescriptionKind>: Sendable, Hashable {
    /// The underlying Thing Description.
    public var thing: ThingDescription

    /// Accepts `thing` if its `@type` includes `Kind.type`.
    public init(_ thing: ThingDescription) throws(DescriptionError) {
        guard thing.types.contains(Kind.type) else { throw .wrongType(expected: Kind.type, found: thing.types) }
        self.thing = thing
    }

    /// Reads a description from JSON or CBOR bytes and checks its `@type`.
    public init(bytes: some Collection<UInt8>, limits: DecodingLimits = .default) throws(DescriptionError) {
        try self.init(ThingDescription(bytes: bytes, limits: limits))
    }

    /// Builds a description: `@context` and `@type` are set for the kind, and what the builder lists is added
    /// (see ``ThingDescription/init(title:id:description:version:base:types:_:)``).
    ///
    /// ```swift
    /// let agent = AgentDescription(title: "Weather Agent", id: "urn:acme:agent:weather") {
    ///     Capability(id: "urn:acme:capability:weather:forecast", name: "Forecast")
    ///     Action("getWeather", input: .object(["city": .string()], required: ["city"]), output: .string())
    /// }
    /// ```
    public init(
        title: String, id: String? = nil, description: String? = nil, version: String? = nil, base: String? = nil,
        @DescriptionBuilder _ content: () -> [any DescriptionComponent] = { [] }
    ) {
        thing = ThingDescription(
            title: title, id: id, description: description, version: version, base: base, types: [Kind.type],
            content)
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<ThingDescription, Value>) -> Value {
        get { thing[keyPath: keyPath] }
        set { thing[keyPath: keyPath] = newValue }
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<ThingDescription, Value>) -> Value {
        thing[keyPath: keyPath]
    }

    /// Checks the description; an empty result means valid.
    public func validate() -> [ValidationError] { thing.validate() }
}
