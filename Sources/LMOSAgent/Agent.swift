import LMOSAuth
import LMOSBindings
import LMOSCore
import LMOSDescription
import LMOSMessaging
import Synchronization

/// An LMOS agent or tool written as handlers: its actions, properties and events. Serve it with ``AgentServer``,
/// which generates the description's forms for every enabled binding.
///
/// ```swift
/// let agent = Agent(title: "Echo Agent") { Capability(id: "echo") }
/// agent.action("echo", input: .string(), output: .string()) { input, _ in input }
/// agent.property("mood", schema: .string(), initial: "calm", observable: true)
/// agent.event("said", data: .string())
/// agent.streamingAction("count") { _, _ in AsyncStream { ... } }
/// ```
///
/// A handler throws ``ProblemDetails`` for a problem the caller should see (its status is kept); any other error is
/// reported as 500. A running action is cancelled by `cancelAction` or DELETE through task cancellation.
public final class Agent: ExposedThing, Sendable {
    /// Whether the description is typed `lmos:Agent` or `lmos:Tool`.
    public enum Kind: Sendable, Hashable {
        case agent
        case tool
    }

    /// The description's `id`.
    public let id: String
    /// Values and events kept for a subscriber that falls behind before the oldest are dropped.
    public let subscriberBuffer: Int

    private struct ActionEntry: Sendable {
        let inputSchema: JSONObject?
        let reportsProgress: Bool
        let run: @Sendable (JSONValue?, InteractionContext, @escaping @Sendable (JSONValue) async -> Void) async throws
            -> JSONValue?
    }

    private struct PropertyEntry: Sendable {
        var value: JSONValue
        let schema: JSONObject
        let readOnly: Bool
        let changes: Broadcast<JSONValue>
        let onWrite: (@Sendable (JSONValue) async throws -> JSONValue)?
    }

    private struct State: Sendable {
        var description: ThingDescription
        var actions: [String: ActionEntry] = [:]
        var properties: [String: PropertyEntry] = [:]
        var events: [String: Broadcast<JSONValue>] = [:]
        var endpoints: BindingEndpoints?
    }

    private let state: Mutex<State>

    /// - Parameters:
    ///   - id: the description's id (default: a new `urn:uuid:`).
    ///   - content: more of the description: `LMOSMetadata`, `Capability`, `Link`, security schemes.
    public init(
        id: String = UUIDv4.randomURN(), title: String, description: String? = nil, version: String? = nil,
        kind: Kind = .agent, subscriberBuffer: Int = 1024,
        @DescriptionBuilder content: () -> [any DescriptionComponent] = { [] }
    ) {
        self.id = id
        self.subscriberBuffer = max(1, subscriberBuffer)
        let thing = ThingDescription(
            title: title, id: id, description: description, version: version,
            types: [kind == .agent ? Vocabulary.agentType : Vocabulary.toolType], content)
        state = Mutex(State(description: thing))
    }

    // MARK: Declaring affordances

    /// Adds an action answered by one output (a `completed` status, or HTTP 200).
    public func action(
        _ name: String, title: String? = nil, description: String? = nil, input: DataSchema? = nil,
        output: DataSchema? = nil, safe: Bool? = nil, idempotent: Bool? = nil,
        handler: @escaping @Sendable (_ input: JSONValue?, _ context: InteractionContext) async throws -> JSONValue?
    ) {
        let affordance = Action(
            name, title: title, description: description, input: input, output: output, safe: safe,
            idempotent: idempotent, synchronous: true)
        add(affordance, name: name, input: input, reportsProgress: false) { input, context, _ in
            try await handler(input, context)
        }
    }

    /// Adds an action that streams: each element of the sequence the handler returns is a partial output (a
    /// `running` status); when it ends the action completes with `finalOutput(partials)` (default: the partials as
    /// an array). Invocations report from `pending` on, and HTTP answers 201 with a status URL.
    public func streamingAction<Partials: AsyncSequence & Sendable>(
        _ name: String, title: String? = nil, description: String? = nil, input: DataSchema? = nil,
        output: DataSchema? = nil,
        finalOutput: @escaping @Sendable ([JSONValue]) -> JSONValue? = { .array($0) },
        handler: @escaping @Sendable (_ input: JSONValue?, _ context: InteractionContext) async throws -> Partials
    ) where Partials.Element == JSONValue {
        let affordance = Action(name, title: title, description: description, input: input, output: output, synchronous: false)
        add(affordance, name: name, input: input, reportsProgress: true) { input, context, partial in
            var partials: [JSONValue] = []
            for try await element in try await handler(input, context) {
                try Task.checkCancellation()
                partials.append(element)
                await partial(element)
            }
            try Task.checkCancellation()
            return finalOutput(partials)
        }
    }

    private func add(
        _ affordance: Action, name: String, input: DataSchema?, reportsProgress: Bool,
        run: @escaping @Sendable (JSONValue?, InteractionContext, @escaping @Sendable (JSONValue) async -> Void) async throws
            -> JSONValue?
    ) {
        state.withLock { state in
            affordance.apply(to: &state.description)
            state.actions[name] = ActionEntry(inputSchema: input?.json, reportsProgress: reportsProgress, run: run)
        }
    }

    /// Adds a property holding `initial`. Writes (unless `readOnly`) are checked against `schema`, passed through
    /// `onWrite` (which may refuse by throwing, or adjust the value), stored, and sent to observers.
    public func property(
        _ name: String, schema: DataSchema, initial: JSONValue, title: String? = nil, description: String? = nil,
        readOnly: Bool = false, observable: Bool = true,
        onWrite: (@Sendable (JSONValue) async throws -> JSONValue)? = nil
    ) {
        let affordance = Property(
            name, schema: schema, title: title, description: description, readOnly: readOnly, observable: observable)
        let buffer = subscriberBuffer
        state.withLock { state in
            affordance.apply(to: &state.description)
            state.properties[name] = PropertyEntry(
                value: initial, schema: schema.json, readOnly: readOnly, changes: Broadcast(buffer: buffer),
                onWrite: onWrite)
        }
    }

    /// Adds an event; ``emit(_:_:)`` sends its occurrences.
    public func event(_ name: String, data: DataSchema? = nil, title: String? = nil, description: String? = nil) {
        let affordance = Event(name, data: data, title: title, description: description)
        let buffer = subscriberBuffer
        state.withLock { state in
            affordance.apply(to: &state.description)
            state.events[name] = Broadcast(buffer: buffer)
        }
    }

    // MARK: From the agent's own code

    /// Sends an occurrence of `event` to every subscriber; false when there is no such event.
    @discardableResult
    public func emit(_ event: String, _ data: JSONValue) -> Bool {
        guard let broadcast = state.withLock({ $0.events[event] }) else { return false }
        broadcast.publish(data)
        return true
    }

    /// Sets a property (read-only ones too) and tells its observers; false when there is no such property.
    @discardableResult
    public func setProperty(_ name: String, _ value: JSONValue) -> Bool {
        guard let changes = state.withLock({ state -> Broadcast<JSONValue>? in
            state.properties[name]?.value = value
            return state.properties[name]?.changes
        }) else { return false }
        changes.publish(value)
        return true
    }

    /// Changes a property from its current value in one step (no change between the read and the write is lost)
    /// and tells its observers; returns the new value, nil when there is no such property.
    @discardableResult
    public func updateProperty(_ name: String, _ transform: (JSONValue) -> JSONValue) -> JSONValue? {
        guard let (value, changes) = state.withLock({ state -> (JSONValue, Broadcast<JSONValue>)? in
            guard var entry = state.properties[name] else { return nil }
            entry.value = transform(entry.value)
            state.properties[name] = entry
            return (entry.value, entry.changes)
        }) else { return nil }
        changes.publish(value)
        return value
    }

    /// A property's current value.
    public func value(of property: String) -> JSONValue? { state.withLock { $0.properties[property]?.value } }

    /// How many subscribers an event has now.
    public func subscriberCount(of event: String) -> Int { state.withLock { $0.events[event] }?.subscriberCount ?? 0 }

    /// Declares `security` in the description (`securityDefinitions` and `security`), replacing what it had; the
    /// server that exposes the agent enforces it.
    public func declareSecurity(_ security: DeclaredSecurity) {
        state.withLock { state in
            state.description.json["securityDefinitions"] = security.definitionsJSON
            state.description.json["security"] = security.requiredJSON
        }
    }

    /// The description with the forms of `endpoints` (the server calls this once it listens).
    public func setEndpoints(_ endpoints: BindingEndpoints) {
        state.withLock { $0.endpoints = endpoints }
    }

    /// Ends every subscription and observation (shutdown).
    public func finishSubscriptions() {
        let broadcasts = state.withLock { state in Array(state.events.values) + state.properties.values.map(\.changes) }
        for broadcast in broadcasts { broadcast.finishAll() }
    }

    // MARK: ExposedThing

    public func currentDescription() async -> ThingDescription {
        state.withLock { state in
            var description = state.description
            if let endpoints = state.endpoints { description.setBindingForms(endpoints) }
            return description
        }
    }

    public func prepareAction(_ action: String, input: JSONValue?, context: InteractionContext)
        async throws(ProblemDetails) -> ActionWork
    {
        guard let entry = state.withLock({ $0.actions[action] }) else {
            throw .notFound("\(id) has no action \(action)")
        }
        if let schema = entry.inputSchema {
            guard let input else { throw .badRequest("the action \(action) needs an input") }
            if let problem = SchemaCheck.problems(input, against: schema) {
                throw .badRequest("the input of \(action) does not fit its schema: \(problem)")
            }
        }
        return ActionWork(reportsProgress: entry.reportsProgress) { partial in
            try await entry.run(input, context, partial)
        }
    }

    public func readProperty(_ name: String, context: InteractionContext) async throws(ProblemDetails) -> JSONValue {
        guard let value = state.withLock({ $0.properties[name]?.value }) else {
            throw .notFound("\(id) has no property \(name)")
        }
        return value
    }

    public func readAllProperties(context: InteractionContext) async throws(ProblemDetails) -> JSONObject {
        state.withLock { state in
            var values = JSONObject()
            for property in state.description.properties {
                if let value = state.properties[property.name]?.value { values[property.name] = value }
            }
            return values
        }
    }

    public func writeProperty(_ name: String, value: JSONValue, context: InteractionContext)
        async throws(ProblemDetails) -> JSONValue
    {
        guard let entry = state.withLock({ $0.properties[name] }) else {
            throw .notFound("\(id) has no property \(name)")
        }
        guard !entry.readOnly else { throw .notAllowed("the property \(name) is read-only") }
        if let problem = SchemaCheck.problems(value, against: entry.schema) {
            throw .badRequest("the value of \(name) does not fit its schema: \(problem)")
        }
        var stored = value
        if let onWrite = entry.onWrite {
            do {
                stored = try await onWrite(value)
            } catch let problem as ProblemDetails {
                throw problem
            } catch {
                throw .internalError("writing \(name) failed: \(error)")
            }
        }
        setProperty(name, stored)
        return stored
    }

    public func observeProperty(_ name: String) async throws(ProblemDetails) -> AsyncStream<JSONValue> {
        guard let changes = state.withLock({ $0.properties[name]?.changes }) else {
            throw .notFound("\(id) has no property \(name)")
        }
        return changes.subscribe()
    }

    public func subscribeEvent(_ name: String) async throws(ProblemDetails) -> AsyncStream<JSONValue> {
        guard let broadcast = state.withLock({ $0.events[name] }) else {
            throw .notFound("\(id) has no event \(name)")
        }
        return broadcast.subscribe()
    }

    public func eventNames() async -> [String] { state.withLock { $0.description.events.map(\.name) } }
}
