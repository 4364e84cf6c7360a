import LMOSCore

/// One registered description as a store keeps it.
public struct StoredDescription: Sendable, Hashable {
    /// The description's `id` (for an anonymous one, the `urn:uuid:` the directory gave it).
    public var id: String
    /// The Enriched TD as compact JSON: the description with the discovery context and, as its last member,
    /// `registration` (without `retrieved`, which is added when it is read).
    public var document: [UInt8]
    /// The registration information, also inside `document`.
    public var registration: RegistrationInfo
    /// Whether the description was registered without an `id` (WoT Discovery: an Anonymous TD).
    public var anonymous: Bool
    /// The DID that owns the description (PROTOCOL.md 3), if it was registered with a valid proof.
    public var owner: String?
    /// What searches look at, extracted from the description when it was written. Stores that keep it in their
    /// own indexes (SQLite) give it back empty when reading.
    public var index: SearchIndexEntry

    public init(
        id: String, document: [UInt8], registration: RegistrationInfo, anonymous: Bool, owner: String?,
        index: SearchIndexEntry
    ) {
        self.id = id
        self.document = document
        self.registration = registration
        self.anonymous = anonymous
        self.owner = owner
        self.index = index
    }
}

/// The searchable parts of a description (PROTOCOL.md 3, LMOS search): its types, its capability ids and the text
/// that `q` matches (title, description, capability names, descriptions and examples).
public struct SearchIndexEntry: Sendable, Hashable {
    /// `@type` values, as written (`lmos:Agent`, `Thing`, ...).
    public var types: [String]
    /// `lmos:capabilities[*].id`.
    public var capabilities: [String]
    /// The title (or empty).
    public var title: String
    /// The description (or empty).
    public var summary: String
    /// Capability names, descriptions and examples, one per line.
    public var capabilityText: String

    public init(types: [String], capabilities: [String], title: String, summary: String, capabilityText: String) {
        self.types = types
        self.capabilities = capabilities
        self.title = title
        self.summary = summary
        self.capabilityText = capabilityText
    }
}
