import LMOSCore
import LMOSMessaging

/// Runs one thing's action invocations through the ``ActionLifecycle``: starts their work in tasks, reports each
/// status to whoever listens (the WebSocket that invoked, an HTTP event stream), answers queries and cancels.
actor ActionRunner {
    private var lifecycle: ActionLifecycle
    private var tasks: [String: Task<Void, Never>] = [:]
    private var listeners: [String: [AsyncStream<ActionStatusReport>.Continuation]] = [:]
    private var latest: [String: String] = [:]
    private let maximumActive: Int

    init(maximumActive: Int = 10_000, retention: Double = 300) {
        self.maximumActive = maximumActive
        lifecycle = ActionLifecycle(retention: retention)
    }

    /// Starts `work` as invocation `id` of `action`; the stream yields every status from `pending` to the final one,
    /// then ends.
    func start(id: String, action: String, work: ActionWork) throws(ProblemDetails) -> AsyncStream<ActionStatusReport> {
        let now = Timestamp.now()
        lifecycle.expire(at: now)
        guard lifecycle.activeCount < maximumActive else {
            throw ProblemDetails(
                title: "Too Many Requests", status: 429,
                detail: "\(maximumActive) invocations are running; try again later")
        }
        guard let pending = lifecycle.start(id: id, action: action, at: now) else {
            throw ProblemDetails(
                title: "Conflict", status: 409, detail: "an invocation with correlation id \(id) exists already")
        }
        latest[action] = id
        let (stream, continuation) = AsyncStream<ActionStatusReport>.makeStream()
        continuation.yield(pending)
        listeners[id] = [continuation]
        tasks[id] = Task { [weak self] in
            let report: @Sendable (JSONValue) async -> Void = { [weak self] partial in
                await self?.progress(id: id, partial: partial)
            }
            do {
                let output = try await work.run(report)
                await self?.finish(id: id, result: .success(output))
            } catch {
                await self?.finish(id: id, result: .failure(error))
            }
        }
        return stream
    }

    /// The statuses of a known invocation from now on (its current status first); `nil` when it is unknown.
    func follow(id: String) -> AsyncStream<ActionStatusReport>? {
        guard let invocation = lifecycle.invocation(id: id) else { return nil }
        let (stream, continuation) = AsyncStream<ActionStatusReport>.makeStream()
        continuation.yield(invocation.report)
        if invocation.state.isFinal {
            continuation.finish()
        } else {
            listeners[id, default: []].append(continuation)
        }
        return stream
    }

    /// The invocation's current state.
    func invocation(id: String) -> ActionLifecycle.Invocation? { lifecycle.invocation(id: id) }

    /// The id of the latest invocation of `action`.
    func latestInvocation(of action: String) -> String? { latest[action] }

    /// Cancels the invocation: its task is cancelled and its listeners get the final `failed` status.
    func cancel(id: String, reason: String?) -> ActionLifecycle.CancelOutcome {
        let outcome = lifecycle.cancel(id: id, reason: reason, at: .now())
        if case .cancelled(let report) = outcome {
            tasks.removeValue(forKey: id)?.cancel()
            deliver(report, to: id)
        }
        return outcome
    }

    /// Cancels everything still running (shutdown).
    func cancelAll() {
        for id in Array(tasks.keys) { _ = cancel(id: id, reason: "the thing is shutting down") }
    }

    private func progress(id: String, partial: JSONValue) {
        if let report = lifecycle.progress(id: id, partial: partial, at: .now()) { deliver(report, to: id) }
    }

    private func finish(id: String, result: Result<JSONValue?, any Error>) {
        tasks[id] = nil
        let report: ActionStatusReport?
        switch result {
        case .success(let output):
            report = lifecycle.complete(id: id, output: output, at: .now())
        case .failure(let error as ProblemDetails):
            report = lifecycle.fail(id: id, problem: error, at: .now())
        case .failure(is CancellationError):
            report = lifecycle.fail(id: id, problem: .cancelled(nil), at: .now())
        case .failure(let error):
            report = lifecycle.fail(id: id, problem: .internalError("the action failed: \(error)"), at: .now())
        }
        if let report { deliver(report, to: id) }
    }

    private func deliver(_ report: ActionStatusReport, to id: String) {
        guard let continuations = listeners[id] else { return }
        for continuation in continuations { continuation.yield(report) }
        if report.status.isFinal {
            for continuation in continuations { continuation.finish() }
            listeners[id] = nil
        }
    }
}
