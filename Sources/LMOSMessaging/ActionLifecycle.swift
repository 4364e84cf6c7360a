import LMOSCore

/// The lifecycle of a thing's action invocations as a pure state machine: updates and time in, status reports
/// out. An invocation is addressed by its id (the correlation id of the `invokeAction` that started it, or the id of
/// an HTTP status URL).
///
/// `pending` may be followed by `running` (any number of times) and by one final `completed` or `failed`; an update
/// that does not follow these rules, or comes after the end, is ignored (`nil`). Ended invocations stay queryable for
/// `retention`, at most `maximumRetained` of them.
public struct ActionLifecycle: Sendable {
    /// One invocation's state.
    public struct Invocation: Sendable, Hashable {
        public let id: String
        public let action: String
        public internal(set) var state: ActionState
        /// The final output, or the latest partial output while running.
        public internal(set) var output: JSONValue?
        public internal(set) var error: ProblemDetails?
        public let timeRequested: Timestamp
        public internal(set) var timeEnded: Timestamp?

        /// The `actionStatus` members for this state.
        public var report: ActionStatusReport {
            ActionStatusReport(
                action: action, status: state, output: output, error: error, timeRequested: timeRequested,
                timeEnded: timeEnded)
        }
    }

    /// What a cancel request did.
    public enum CancelOutcome: Sendable, Hashable {
        /// The invocation was running and is now `failed` (cancelled): stop its work.
        case cancelled(ActionStatusReport)
        /// It had already ended; its final status.
        case alreadyEnded(ActionStatusReport)
        /// No invocation has that id.
        case unknown
    }

    private var invocations: [String: Invocation] = [:]
    private var ended: [(id: String, at: Timestamp)] = []
    private var endedStart = 0
    /// How long ended invocations stay queryable, in seconds.
    public let retention: Double
    public let maximumRetained: Int

    public init(retention: Double = 300, maximumRetained: Int = 4096) {
        self.retention = retention
        self.maximumRetained = maximumRetained
    }

    /// The invocations not yet ended.
    public var activeCount: Int { invocations.count - (ended.count - endedStart) }

    /// Starts an invocation in `pending`; `nil` when the id is already in use.
    public mutating func start(id: String, action: String, at time: Timestamp) -> ActionStatusReport? {
        guard invocations[id] == nil else { return nil }
        let invocation = Invocation(
            id: id, action: action, state: .pending, output: nil, error: nil, timeRequested: time, timeEnded: nil)
        invocations[id] = invocation
        return invocation.report
    }

    /// Marks the invocation `running`, with a partial output if it produced one.
    public mutating func progress(id: String, partial: JSONValue?, at time: Timestamp) -> ActionStatusReport? {
        guard var invocation = invocations[id], !invocation.state.isFinal else { return nil }
        invocation.state = .running
        invocation.output = partial
        invocations[id] = invocation
        return invocation.report
    }

    /// Ends the invocation `completed` with its output.
    public mutating func complete(id: String, output: JSONValue?, at time: Timestamp) -> ActionStatusReport? {
        end(id: id, state: .completed, output: output, error: nil, at: time)
    }

    /// Ends the invocation `failed`.
    public mutating func fail(id: String, problem: ProblemDetails, at time: Timestamp) -> ActionStatusReport? {
        end(id: id, state: .failed, output: nil, error: problem, at: time)
    }

    /// Cancels the invocation if it has not ended.
    public mutating func cancel(id: String, reason: String?, at time: Timestamp) -> CancelOutcome {
        guard let invocation = invocations[id] else { return .unknown }
        if invocation.state.isFinal { return .alreadyEnded(invocation.report) }
        guard let report = end(id: id, state: .failed, output: nil, error: .cancelled(reason), at: time) else {
            return .unknown
        }
        return .cancelled(report)
    }

    /// The invocation with this id, if it is known.
    public func invocation(id: String) -> Invocation? { invocations[id] }

    /// Forgets ended invocations older than ``retention`` at `time`.
    public mutating func expire(at time: Timestamp) {
        while endedStart < ended.count, ended[endedStart].at.seconds(until: time) > retention {
            invocations[ended[endedStart].id] = nil
            endedStart += 1
        }
        compact()
    }

    private mutating func end(
        id: String, state: ActionState, output: JSONValue?, error: ProblemDetails?, at time: Timestamp
    ) -> ActionStatusReport? {
        guard var invocation = invocations[id], !invocation.state.isFinal else { return nil }
        invocation.state = state
        invocation.output = output
        invocation.error = error
        invocation.timeEnded = time
        invocations[id] = invocation
        ended.append((id, time))
        while ended.count - endedStart > maximumRetained {
            invocations[ended[endedStart].id] = nil
            endedStart += 1
        }
        compact()
        return invocation.report
    }

    private mutating func compact() {
        if endedStart > 1024 && endedStart * 2 > ended.count {
            ended.removeFirst(endedStart)
            endedStart = 0
        }
    }
}
