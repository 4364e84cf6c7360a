/// Settings of a ``ThingDirectory``.
public struct DirectoryConfiguration: Sendable, Hashable {
    /// The longest registration in seconds: larger `ttl`s and later `expires` are cut to it, and registrations
    /// without either get it. nil: registrations without `ttl`/`expires` never expire.
    public var maximumTTL: Double?
    /// How often the expiry task looks for expired registrations, in seconds.
    public var purgeInterval: Double
    /// How many of the newest events are kept for subscribers that resume with `Last-Event-ID`.
    public var eventRetention: Int
    /// Whether descriptions must pass Thing Description 1.1 / LMOS validation (on by default; WoT Discovery
    /// recommends it).
    public var validates: Bool

    public init(maximumTTL: Double? = nil, purgeInterval: Double = 1, eventRetention: Int = 10_000, validates: Bool = true) {
        self.maximumTTL = maximumTTL
        self.purgeInterval = purgeInterval
        self.eventRetention = eventRetention
        self.validates = validates
    }
}
