import LMOSCore
import LMOSMessaging
import Synchronization

/// The things one server exposes, by id: the WebSocket binding routes messages by `thingID`, the HTTP binding by
/// the first path segment.
public final class ThingHost: Sendable {
    struct Entry: Sendable {
        let thing: any ExposedThing
        let runner: ActionRunner
    }

    private let entries = Mutex<(byID: [String: Entry], order: [String])>(([:], []))
    /// Limits of the bindings.
    public let limits: BindingLimits

    public init(limits: BindingLimits = .init()) {
        self.limits = limits
    }

    /// Exposes `thing` (replacing one with the same id).
    public func add(_ thing: any ExposedThing) {
        let entry = Entry(thing: thing, runner: ActionRunner(maximumActive: limits.maximumActiveInvocations))
        entries.withLock { state in
            if state.byID[thing.id] == nil { state.order.append(thing.id) }
            state.byID[thing.id] = entry
        }
    }

    /// Stops exposing the thing with this id and cancels its running invocations.
    public func remove(id: String) async {
        let entry = entries.withLock { state in
            state.order.removeAll { $0 == id }
            return state.byID.removeValue(forKey: id)
        }
        await entry?.runner.cancelAll()
    }

    /// Cancels every running invocation (shutdown).
    public func cancelAllInvocations() async {
        for entry in entries.withLock({ Array($0.byID.values) }) { await entry.runner.cancelAll() }
    }

    /// The ids, in the order they were added.
    public var thingIDs: [String] { entries.withLock { $0.order } }

    /// The first thing added: the one `/.well-known/wot` describes.
    var primary: Entry? { entries.withLock { state in state.order.first.flatMap { state.byID[$0] } } }

    func entry(id: String) -> Entry? { entries.withLock { $0.byID[id] } }
}

/// Sizes and counts the bindings accept.
public struct BindingLimits: Sendable, Hashable {
    /// The largest WebSocket message and HTTP request body, in bytes.
    public var maximumMessageSize: Int
    /// How many invocations may run at once per thing.
    public var maximumActiveInvocations: Int
    /// How many observations and subscriptions one WebSocket may hold.
    public var maximumSubscriptionsPerConnection: Int
    /// Seconds between WebSocket pings (nil: none).
    public var pingInterval: Double?
    /// Seconds between the comment lines that keep idle HTTP event streams open and find clients that left.
    public var heartbeatInterval: Double

    public init(
        maximumMessageSize: Int = 1 << 20, maximumActiveInvocations: Int = 10_000,
        maximumSubscriptionsPerConnection: Int = 1024, pingInterval: Double? = 30, heartbeatInterval: Double = 15
    ) {
        self.heartbeatInterval = max(0.05, heartbeatInterval)
        self.maximumMessageSize = maximumMessageSize
        self.maximumActiveInvocations = maximumActiveInvocations
        self.maximumSubscriptionsPerConnection = maximumSubscriptionsPerConnection
        self.pingInterval = pingInterval
    }
}
