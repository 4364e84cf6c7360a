import LMOSCore
import LMOSDescription
import LMOSMessaging

/// What the bindings serve: a thing's description and its interactions. ``LMOSAgent`` implements it from
/// handlers; anything else that answers these calls can be exposed the same way.
public protocol ExposedThing: Sendable {
    /// The thing's id (its description's `id`).
    var id: String { get }
    /// The description as served, forms included.
    func currentDescription() async -> ThingDescription
    /// Prepares an invocation of `action`: checks that it exists and that `input` fits; the returned work runs
    /// when the bindings start it.
    func prepareAction(_ action: String, input: JSONValue?, context: InteractionContext) async throws(ProblemDetails)
        -> ActionWork
    /// The value of a property.
    func readProperty(_ name: String, context: InteractionContext) async throws(ProblemDetails) -> JSONValue
    /// Every readable property's value.
    func readAllProperties(context: InteractionContext) async throws(ProblemDetails) -> JSONObject
    /// Changes a property; returns the value now held.
    func writeProperty(_ name: String, value: JSONValue, context: InteractionContext) async throws(ProblemDetails)
        -> JSONValue
    /// A property's new values as they change, until the stream is dropped.
    func observeProperty(_ name: String) async throws(ProblemDetails) -> AsyncStream<JSONValue>
    /// An event's occurrences, until the stream is dropped.
    func subscribeEvent(_ name: String) async throws(ProblemDetails) -> AsyncStream<JSONValue>
    /// The names of the thing's events.
    func eventNames() async -> [String]
}

/// The work of one action invocation, ready to run.
public struct ActionWork: Sendable {
    /// Whether the invocation is reported from `pending` on (long or streaming actions: WebSocket sends
    /// `pending` and `running` statuses, HTTP answers 201 with a status URL) or only by its final status.
    public let reportsProgress: Bool
    /// Runs the action: `partial` reports a partial output (a `running` status); returns the output.
    public let run: @Sendable (_ partial: @escaping @Sendable (JSONValue) async -> Void) async throws -> JSONValue?

    public init(
        reportsProgress: Bool,
        run: @escaping @Sendable (_ partial: @escaping @Sendable (JSONValue) async -> Void) async throws -> JSONValue?
    ) {
        self.reportsProgress = reportsProgress
        self.run = run
    }
}
