import LMOSCore

/// Something that can be listed in a description builder: an affordance, a capability, metadata, a security
/// scheme, a link or a thing-level form.
public protocol DescriptionComponent: Sendable {
    /// Adds this component to `description`.
    func apply(to description: inout ThingDescription)
}

/// Collects the components listed in a ``ThingDescription`` or ``AgentDescription`` builder closure, with `if`,
/// `if/else` and `for` supported.
@resultBuilder
public enum DescriptionBuilder {
    public static func buildExpression(_ component: some DescriptionComponent) -> [any DescriptionComponent] {
        [component]
    }

    public static func buildExpression(_ components: [any DescriptionComponent]) -> [any DescriptionComponent] {
        components
    }

    public static func buildBlock(_ parts: [any DescriptionComponent]...) -> [any DescriptionComponent] {
        parts.flatMap { $0 }
    }

    public static func buildOptional(_ part: [any DescriptionComponent]?) -> [any DescriptionComponent] {
        part ?? []
    }

    public static func buildEither(first part: [any DescriptionComponent]) -> [any DescriptionComponent] { part }

    public static func buildEither(second part: [any DescriptionComponent]) -> [any DescriptionComponent] { part }

    public static func buildArray(_ parts: [[any DescriptionComponent]]) -> [any DescriptionComponent] {
        parts.flatMap { $0 }
    }
}

extension ThingDescription {
    /// The member order of descriptions that swift-lmos writes; members not listed follow in insertion order.
    static let preferredOrder = [
        "@context", "@type", "id", "title", "titles", "description", "descriptions", "version", "created", "modified",
        "support", "base", Vocabulary.metadata, Vocabulary.capabilities, "securityDefinitions", "security",
        "properties", "actions", "events", "links", "forms",
    ]

    /// Builds a valid Thing Description.
    ///
    /// `@context` is TD 1.1 with the `lmos` prefix. When the content lists no security scheme, `nosec` is declared;
    /// an affordance listed without forms gets one relative to `base` (`properties/NAME`, `actions/NAME`,
    /// `events/NAME`, the paths of the swift-lmos HTTP binding).
    public init(
        title: String, id: String? = nil, description: String? = nil, version: String? = nil, base: String? = nil,
        types: [String] = [], @DescriptionBuilder _ content: () -> [any DescriptionComponent] = { [] }
    ) {
        self.init(json: JSONObject())
        context = Vocabulary.defaultContext
        self.types = types
        self.id = id
        self.title = title
        self.description = description
        self.version = version
        self.base = base
        for component in content() { component.apply(to: &self) }
        if json["securityDefinitions"] == nil {
            SecurityScheme.nosec().apply(to: &self)
        }
        reorderMembers()
    }

    mutating func reorderMembers() {
        var ordered = JSONObject()
        for key in Self.preferredOrder {
            if let value = json[key] { ordered[key] = value }
        }
        for member in json where !ordered.contains(member.key) { ordered[member.key] = member.value }
        json = ordered
    }
}

// MARK: Components for the model types

extension Capability: DescriptionComponent {
    public func apply(to description: inout ThingDescription) { description.capabilities.append(self) }
}

extension LMOSMetadata: DescriptionComponent {
    public func apply(to description: inout ThingDescription) { description.metadata = self }
}

extension SecurityScheme: DescriptionComponent {
    /// Defines the scheme and requires it for the whole thing (listing several requires all of them).
    public func apply(to description: inout ThingDescription) {
        var definitions = description.json["securityDefinitions"]?.objectValue ?? JSONObject()
        definitions[name] = .object(json)
        description.json["securityDefinitions"] = .object(definitions)
        var security = description.security
        if !security.contains(name) { security.append(name) }
        description.security = security
    }
}

extension Link: DescriptionComponent {
    public func apply(to description: inout ThingDescription) { description.links.append(self) }
}

extension Form: DescriptionComponent {
    /// Adds a thing-level form (for operations such as `readallproperties`).
    public func apply(to description: inout ThingDescription) { description.forms.append(self) }
}
