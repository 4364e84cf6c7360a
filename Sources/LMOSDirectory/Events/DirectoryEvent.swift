import LMOSCore

/// The lifecycle events of WoT Discovery's Notification API (7.3.2.4).
public enum DirectoryEventType: String, Sendable, Hashable, CaseIterable {
    case created = "thing_created"
    case updated = "thing_updated"
    case deleted = "thing_deleted"

    /// The SSE event type name (`thing_created`, ...).
    public var name: String { rawValue }

    public init?(name: String) { self.init(rawValue: name) }
}

/// One change of the directory, as the event log keeps it.
public struct DirectoryEvent: Sendable, Hashable {
    /// Increasing, gap-free in commit order; the SSE `id` that clients send back as `Last-Event-ID`.
    public var id: Int64
    public var type: DirectoryEventType
    /// The id of the description that changed.
    public var thingID: String
    /// The detailed data (`diff=true`): the whole Enriched TD for `thing_created`, a JSON Merge Patch (RFC 7396)
    /// from the previous to the new Enriched TD that always includes `id` for `thing_updated`, and `{"id": ...}`
    /// for `thing_deleted`. Compact JSON.
    public var diff: [UInt8]
    /// When it happened.
    public var time: Timestamp

    public init(id: Int64, type: DirectoryEventType, thingID: String, diff: [UInt8], time: Timestamp) {
        self.id = id
        self.type = type
        self.thingID = thingID
        self.diff = diff
        self.time = time
    }

    /// The event data as JSON: the detailed data when `diff` is asked for and the type has one (the `diff`
    /// parameter is ignored for `thing_deleted`), otherwise the TD's identifier in Partial TD form.
    public func data(diff wantsDiff: Bool) -> [UInt8] {
        if wantsDiff && type != .deleted { return diff }
        return JSONValue.object(["id": .string(thingID)]).jsonBytes()
    }
}

/// A change a write produces, before the store numbers it.
public struct PendingEvent: Sendable, Hashable {
    public var type: DirectoryEventType
    public var thingID: String
    public var diff: [UInt8]

    public init(type: DirectoryEventType, thingID: String, diff: [UInt8]) {
        self.type = type
        self.thingID = thingID
        self.diff = diff
    }
}
