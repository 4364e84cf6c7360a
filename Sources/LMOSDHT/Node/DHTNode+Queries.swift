import KRPC
import NIOCore

/// How a query ended.
enum QueryOutcome: Sendable {
    case response(KRPCResponse)
    case error(KRPCError)
    case timeout
    case stopped
    /// Not sent: too many queries are waiting for answers already.
    case dropped
}

/// A query waiting for its answer.
struct PendingQuery {
    var endpoint: NodeEndpoint
    var completion: (QueryOutcome) -> Void
    var timeout: Scheduled<Void>?
    var slowTimer: Scheduled<Void>?
}

/// A lookup in progress: the pure state machine plus what to ask and what to do with answers.
final class LookupRun {
    var lookup: Lookup
    let method: (NodeID) -> KRPCQuery.Method
    let onResponse: (NodeInfo, KRPCResponse) -> Bool
    var continuation: CheckedContinuation<Lookup, Never>?
    var stopRequested = false
    let started: Double

    init(
        lookup: Lookup, method: @escaping (NodeID) -> KRPCQuery.Method,
        onResponse: @escaping (NodeInfo, KRPCResponse) -> Bool, started: Double
    ) {
        self.lookup = lookup
        self.method = method
        self.onResponse = onResponse
        self.started = started
    }
}

extension DHTNode {
    /// Sends a query; `completion` runs on the node once an answer, an error or the timeout arrives.
    func sendQuery(
        _ method: KRPCQuery.Method, to endpoint: NodeEndpoint, onSlow: (@Sendable () -> Void)? = nil,
        completion: @escaping (QueryOutcome) -> Void
    ) {
        guard !stopped, channel != nil else {
            completion(.stopped)
            return
        }
        // A bound on what others can make us wait for (pings they provoke, lookups through hostile nodes); it also
        // keeps a free transaction id always at hand.
        guard pending.count < DHTNode.maximumPendingQueries else {
            counters.dropped += 1
            completion(.dropped)
            return
        }
        var key = nextTransaction
        while pending[key] != nil { key &+= 1 }
        nextTransaction = key &+ 1
        let transaction = key
        let timeout = eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.queryTimeout * 1e9))) { [self] in
            self.assumeIsolated { $0.timedOut(transaction) }
        }
        var slowTimer: Scheduled<Void>?
        if let onSlow {
            slowTimer = eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.slowAfter * 1e9))) { [self] in
                self.assumeIsolated { node in
                    if node.pending[transaction]?.endpoint == endpoint { onSlow() }
                }
            }
        }
        pending[key] = PendingQuery(endpoint: endpoint, completion: completion, timeout: timeout, slowTimer: slowTimer)
        send(
            KRPCMessage(
                transactionID: [UInt8(key >> 8), UInt8(key & 0xFF)],
                kind: .query(KRPCQuery(sender: id, method: method))),
            to: endpoint)
    }

    private func timedOut(_ key: UInt16) {
        guard let query = pending.removeValue(forKey: key) else { return }
        query.slowTimer?.cancel()
        counters.timeouts += 1
        query.completion(.timeout)
    }

    /// Sends one query and waits for its outcome.
    func query(_ method: KRPCQuery.Method, to endpoint: NodeEndpoint) async -> QueryOutcome {
        await withCheckedContinuation { continuation in
            sendQuery(method, to: endpoint) { continuation.resume(returning: $0) }
        }
    }

    /// Pings a node; its id when it answers.
    public func ping(_ endpoint: NodeEndpoint) async -> NodeID? {
        if case .response(let response) = await query(.ping, to: endpoint) { return response.sender }
        return nil
    }

    /// Runs an iterative lookup towards `target`, asking each node `method(target)`. `onResponse` sees every
    /// answer and returns `true` to stop early. Nodes that do not answer are marked in the routing table.
    func lookup(
        target: NodeID, method: @escaping (NodeID) -> KRPCQuery.Method,
        onResponse: @escaping (NodeInfo, KRPCResponse) -> Bool = { _, _ in false }
    ) async -> Lookup {
        let seeds = routing.closest(to: target, count: configuration.k * 2)
        let run = LookupRun(
            lookup: Lookup(target: target, seeds: seeds, k: configuration.k, alpha: configuration.alpha),
            method: method, onResponse: onResponse, started: DHTNode.now())
        let box = UncheckedBox(value: run)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                run.continuation = continuation
                step(run)
            }
        } onCancel: {
            // The caller gave up: end the lookup with what it has (answers still in flight are ignored).
            eventLoop.execute {
                self.assumeIsolated { node in
                    box.value.stopRequested = true
                    node.step(box.value)
                }
            }
        }
    }

    private func step(_ run: LookupRun) {
        guard run.continuation != nil else { return }
        if !run.stopRequested && !stopped {
            for node in run.lookup.nextQueries() {
                let box = UncheckedBox(value: run)
                let endpoint = node.endpoint
                let onSlow: @Sendable () -> Void = { [self] in
                    self.assumeIsolated { isolatedSelf in
                        box.value.lookup.slow(endpoint)
                        isolatedSelf.step(box.value)
                    }
                }
                sendQuery(run.method(run.lookup.target), to: node.endpoint, onSlow: onSlow) { [self] outcome in
                    switch outcome {
                    case .response(let response):
                        let answering = NodeInfo(id: response.sender, endpoint: node.endpoint)
                        run.lookup.received(
                            from: answering, closer: response.nodes.filter { $0.id != id }, token: response.token)
                        if run.onResponse(answering, response) { run.stopRequested = true }
                    case .timeout:
                        routing.recordFailure(node)
                        run.lookup.failed(node.endpoint)
                    case .error, .stopped, .dropped:
                        run.lookup.failed(node.endpoint)
                    }
                    step(run)
                }
            }
        }
        if run.lookup.isFinished || run.stopRequested || stopped {
            let continuation = run.continuation
            run.continuation = nil
            continuation?.resume(returning: run.lookup)
        }
    }
}

/// Carries a value that is only touched on the node's event loop into a closure the compiler must assume could
/// run elsewhere (NIO's scheduled tasks); `assumeIsolated` checks the loop at run time.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
}
