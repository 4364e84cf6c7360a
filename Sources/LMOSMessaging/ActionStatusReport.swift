import LMOSCore

/// Where an invocation is in its lifecycle: `pending` -> `running` (any number of times, each may carry a partial
/// output) -> `completed` or `failed`.
public enum ActionState: String, Sendable, Hashable, CaseIterable {
    case pending
    case running
    case completed
    case failed

    /// Whether the invocation has ended.
    public var isFinal: Bool { self == .completed || self == .failed }
}

/// The members of an `actionStatus` message.
public struct ActionStatusReport: Sendable, Hashable {
    /// The action's name.
    public var action: String
    public var status: ActionState
    /// The output (`completed`) or a partial output (`running`).
    public var output: JSONValue?
    /// Why it failed (`failed`).
    public var error: ProblemDetails?
    /// When it was invoked and when it ended.
    public var timeRequested: Timestamp?
    public var timeEnded: Timestamp?

    public init(
        action: String, status: ActionState, output: JSONValue? = nil, error: ProblemDetails? = nil,
        timeRequested: Timestamp? = nil, timeEnded: Timestamp? = nil
    ) {
        self.action = action
        self.status = status
        self.output = output
        self.error = error
        self.timeRequested = timeRequested
        self.timeEnded = timeEnded
    }
}
