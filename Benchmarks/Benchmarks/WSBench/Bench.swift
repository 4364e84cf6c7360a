import Foundation
import LMOSAgent
import LMOSBindings
import LMOSCore
import LMOSMessaging
import Logging
import NIOCore
import NIOPosix

/// A WebSocket endpoint under test.
struct Target: Sendable {
    let peer: Peer
    let host: String
    let port: Int
    let path: String
    var url: String { "ws://\(host):\(port)\(path)" }

    /// `ws://host:port/path`.
    init?(peer: Peer, url: String) {
        guard url.hasPrefix("ws://") else { return nil }
        let rest = url.dropFirst(5)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else {
            return nil
        }
        self.peer = peer
        host = String(authority[..<colon])
        self.port = port
        self.path = path.isEmpty ? "/" : String(path)
    }
}

/// A phase that did not get everything it asked for: what it got is in the result, the run stops.
struct PhaseFailure: Error {
    let reason: String
}

/// The whole run: starts both servers in this process, measures them with the same client, prints one JSON object.
final class Bench {
    static let agentID = "urn:lmos:ws-bench:echo"

    let options: Options
    let template: RequestTemplate
    let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let watchdog = Watchdog()
    private var nextID = 1
    private var result: [String: Any] = [:]
    private var problems: [String] = []

    init(options: Options) {
        self.options = options
        template = RequestTemplate(thingID: Self.agentID, targetSize: options.size)
    }

    func run() async -> Int32 {
        let limits = raiseOpenFileLimit()
        note("RLIMIT_NOFILE soft \(limits.soft) hard \(limits.hard) (soft raised to hard)")
        result["config"] = [
            "round_trips": options.roundTrips, "messages": options.messages, "connections": options.connections,
            "window": options.window, "request_bytes": template.size, "rounds": options.rounds,
            "deadline_s": options.deadline, "open_parallel": options.openParallel,
            "nofile_soft": limits.soft, "nofile_hard": limits.hard, "cores": ProcessInfo.processInfo.activeProcessorCount,
        ]
        result["load_average_start"] = loadAverage()
        result["rss_start_mib"] = round1(residentMiB())

        // The servers: all three on the same event loops (NIO's singleton group, as Hummingbird's default); the agent's
        // and the Hummingbird route's handlers run on Swift's global executor. The client has an event loop of its own.
        watchdog.arm(seconds: 60, "starting the servers")
        let echoServer: EchoServer
        do {
            echoServer = try await EchoServer.start(host: "127.0.0.1", port: 0, group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            note("the echo server did not start: \(error)")
            return 2
        }
        let agent = Agent(id: Self.agentID, title: "WS Bench Echo")
        agent.action("echo", input: nil, output: nil) { input, _ in input }
        var logger = Logger(label: "ws-bench.agent")
        logger.logLevel = .warning
        let server = AgentServer(
            agents: [agent], configuration: AgentServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let (readyStream, readyContinuation) = AsyncStream.makeStream(of: AgentServer.Ready.self)
        let serverTask = Task {
            do {
                try await server.run(handleSignals: false, onReady: { ready in readyContinuation.yield(ready) })
            } catch {
                note("the agent server ended: \(error)")
            }
            readyContinuation.finish()
        }
        var readyIterator = readyStream.makeAsyncIterator()
        let (hummingbirdStream, hummingbirdContinuation) = AsyncStream.makeStream(of: Int.self)
        let hummingbirdTask = Task {
            do {
                var logger = Logger(label: "ws-bench.hummingbird-echo")
                logger.logLevel = .warning
                try await HummingbirdEcho.run(logger: logger) { port in hummingbirdContinuation.yield(port) }
            } catch {
                note("the Hummingbird echo server ended: \(error)")
            }
            hummingbirdContinuation.finish()
        }
        var hummingbirdIterator = hummingbirdStream.makeAsyncIterator()
        guard let ready = await readyIterator.next(), let agentTarget = Target(peer: .agent, url: ready.webSocketURL),
            let echoTarget = Target(peer: .echo, url: "ws://127.0.0.1:\(echoServer.port)/ws"),
            let hummingbirdPort = await hummingbirdIterator.next(),
            let hummingbirdTarget = Target(peer: .hummingbird, url: "ws://127.0.0.1:\(hummingbirdPort)/ws")
        else {
            note("the servers did not start")
            return 2
        }
        watchdog.disarm()
        note(
            "echo server \(echoTarget.url), Hummingbird echo \(hummingbirdTarget.url), agent \(agentTarget.url); "
                + "request \(template.size) bytes")
        result["servers"] = ["echo": echoTarget.url, "hummingbird": hummingbirdTarget.url, "agent": agentTarget.url]
        let targets = [echoTarget, hummingbirdTarget, agentTarget]
        result["rss_servers_up_mib"] = round1(residentMiB())

        var code: Int32 = 0
        var open: [LoadConnection] = []
        do {
            let measured = targets.filter { options.only == nil || $0.peer == options.only }
            try await measureSingleSocket(measured, open: &open)
            try await measureOwnClient(measured)
            result["rss_single_socket_phases_mib"] = round1(residentMiB())
            try await measureConnections(targets.first { $0.peer == options.connectionsPeer }!, open: &open)
        } catch let failure as PhaseFailure {
            problems.append(failure.reason)
            note("FAILED: \(failure.reason)")
            code = 1
        } catch {
            problems.append("\(error)")
            note("FAILED: \(error)")
            code = 1
        }
        result["load_average_end"] = loadAverage()
        result["ok"] = problems.isEmpty
        result["problems"] = problems
        if let data = try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]) {
            print(String(decoding: data, as: UTF8.self))
        }

        watchdog.arm(seconds: 30, "shutting down")
        for connection in open { connection.abort("the run is ending") }
        _ = try? await EventLoopFuture.andAllComplete(open.map { $0.close() }, on: clientGroup.next())
            .bounded(by: .now() + .seconds(10), "closing the client connections").get()
        serverTask.cancel()
        hummingbirdTask.cancel()
        await serverTask.value
        await hummingbirdTask.value
        await echoServer.stop()
        try? await clientGroup.shutdownGracefully()
        watchdog.disarm()
        return code
    }

    // MARK: Phases

    private func phaseDeadline() -> NIODeadline { .now() + .nanoseconds(Int64(options.deadline * 1e9)) }

    private func armWatchdog(_ what: String) { watchdog.arm(seconds: options.deadline + 60, what) }

    private func makeJob(_ peer: Peer, count: Int, window: Int) -> Job {
        let job = Job(peer: peer, template: template, count: count, window: window, firstID: nextID)
        nextID += count
        return job
    }

    private func connect(_ target: Target, deadline: NIODeadline) async throws -> LoadConnection {
        do {
            return try await LoadConnection.open(host: target.host, port: target.port, path: target.path, group: clientGroup)
                .bounded(by: deadline, "opening a WebSocket to \(target.url)").get()
        } catch {
            throw PhaseFailure(reason: "cannot open a WebSocket to \(target.peer.rawValue) at \(target.url): \(error)")
        }
    }

    private func runJob(_ job: Job, on connection: LoadConnection, deadline: NIODeadline) async -> JobResult {
        let reason = "the phase deadline of \(options.deadline) s passed"
        let timer = connection.channel.eventLoop.scheduleTask(deadline: deadline) { connection.abort(reason) }
        defer { timer.cancel() }
        do {
            return try await connection.run(job).get()
        } catch {
            var failed = JobResult()
            failed.problem = "\(error)"
            return failed
        }
    }

    /// Runs `job`, and stops the run when it did not get every reply right (what it got is reported first).
    private func expectComplete(
        _ job: Job, on connection: LoadConnection, phase: String, record: (JobResult) -> Void
    ) async throws -> JobResult {
        armWatchdog(phase)
        let got = await runJob(job, on: connection, deadline: phaseDeadline())
        record(got)
        guard got.isComplete, got.completed == job.count else {
            throw PhaseFailure(
                reason: "\(phase): \(got.completed) of \(job.count) completed in \(String(format: "%.1f", got.seconds)) s "
                    + "(sent \(got.sent), failed \(got.failed), unexpected \(got.unexpected)): "
                    + (got.problem ?? "incomplete"))
        }
        return got
    }

    /// (a) sequential round trips and (b) pipelined throughput on one socket per server, same client, same bytes.
    private func measureSingleSocket(_ targets: [Target], open: inout [LoadConnection]) async throws {
        armWatchdog("connecting")
        var connections: [Peer: LoadConnection] = [:]
        for target in targets {
            let connection = try await connect(target, deadline: phaseDeadline())
            connections[target.peer] = connection
            open.append(connection)
        }
        // Warm-up, not counted: code paths, allocator, the agent's first invocations.
        for target in targets {
            let connection = connections[target.peer]!
            _ = try await expectComplete(
                makeJob(target.peer, count: min(2000, options.roundTrips), window: 1), on: connection,
                phase: "warm-up round trips (\(target.peer.rawValue))"
            ) { _ in }
            _ = try await expectComplete(
                makeJob(target.peer, count: min(10_000, options.messages), window: options.window), on: connection,
                phase: "warm-up pipelined (\(target.peer.rawValue))"
            ) { _ in }
        }

        var roundTrip: [Peer: [[String: Any]]] = [:]
        var throughput: [Peer: [[String: Any]]] = [:]
        var roundTripRates: [Peer: [Double]] = [:]
        var throughputRates: [Peer: [Double]] = [:]
        defer {
            result["round_trip"] = summarize(roundTrip, roundTripRates, key: "ops_per_s")
            result["throughput"] = summarize(throughput, throughputRates, key: "msgs_per_s")
        }
        for round in 1...options.rounds {
            for target in targets {
                let peer = target.peer
                let job = makeJob(peer, count: options.roundTrips, window: 1)
                let got = try await expectComplete(
                    job, on: connections[peer]!, phase: "round trip (\(peer.rawValue), round \(round))"
                ) { got in
                    roundTrip[peer, default: []].append(self.figures(got, rateKey: "ops_per_s"))
                }
                let rate = Double(got.completed) / got.seconds
                roundTripRates[peer, default: []].append(rate)
                let latency = Percentiles(nanoseconds: got.latencies)
                note(
                    "round trip \(peer.rawValue) round \(round): \(Int(rate)) ops/s, p50 \(round1(latency.p50)) us, "
                        + "p99 \(round1(latency.p99)) us")
            }
            for target in targets {
                let peer = target.peer
                let job = makeJob(peer, count: options.messages, window: options.window)
                let got = try await expectComplete(
                    job, on: connections[peer]!, phase: "throughput (\(peer.rawValue), round \(round))"
                ) { got in
                    throughput[peer, default: []].append(self.figures(got, rateKey: "msgs_per_s"))
                }
                let rate = Double(got.completed) / got.seconds
                throughputRates[peer, default: []].append(rate)
                note("throughput \(peer.rawValue) round \(round): \(Int(rate)) msgs/s (window \(options.window))")
            }
        }
    }

    private func figures(_ got: JobResult, rateKey: String) -> [String: Any] {
        var figures = Percentiles(nanoseconds: got.latencies).json
        figures["completed"] = got.completed
        figures["sent"] = got.sent
        figures["failed"] = got.failed
        figures["seconds"] = round3(got.seconds)
        figures[rateKey] = got.seconds > 0 ? (Double(got.completed) / got.seconds).rounded() : 0
        if let problem = got.problem { figures["problem"] = problem }
        return figures
    }

    /// Per server: every round's figures, the median rate and the latencies of the median round; the ratios of the
    /// medians (agent/echo is the figure).
    private func summarize(_ rounds: [Peer: [[String: Any]]], _ rates: [Peer: [Double]], key: String) -> [String: Any] {
        var summary: [String: Any] = [:]
        for peer in Peer.allCases {
            var entry: [String: Any] = ["rounds": rounds[peer] ?? []]
            if let values = rates[peer], !values.isEmpty, let figures = rounds[peer], figures.count == values.count {
                let middle = median(values)
                entry[key] = middle.rounded()
                // The latencies of the round whose rate is nearest the median.
                let nearest = values.indices.min { abs(values[$0] - middle) < abs(values[$1] - middle) }!
                for (name, value) in figures[nearest] where name.hasSuffix("_us") { entry[name] = value }
            }
            summary[peer.rawValue] = entry
        }
        summary.merge(ratios(rates.mapValues(median))) { $1 }
        return summary
    }

    /// Informational: sequential round trips with swift-lmos's own client (`LMOSBindings.WebSocketConnection`),
    /// which encodes and decodes every message and routes replies through its actor: what an application sees.
    private func measureOwnClient(_ targets: [Target]) async throws {
        var summary: [String: Any] = [:]
        var rates: [Peer: Double] = [:]
        defer { result["own_client_round_trip"] = summary }
        for target in targets {
            armWatchdog("own client round trips (\(target.peer.rawValue))")
            let connection: WebSocketConnection
            do {
                connection = try await WebSocketConnection.connect(to: target.url)
            } catch {
                throw PhaseFailure(reason: "LMOSBindings.WebSocketConnection cannot connect to \(target.url): \(error)")
            }
            let limit = options.deadline
            let timer = Task {
                try await Task.sleep(for: .seconds(limit))
                await connection.close()
            }
            let warmUp = min(1000, options.roundTrips)
            var latencies: [UInt64] = []
            latencies.reserveCapacity(options.roundTrips)
            var problem: String?
            var start: UInt64 = 0
            for index in 0..<(warmUp + options.roundTrips) {
                if index == warmUp { start = nowNanos() }
                let id = nextID
                nextID += 1
                let request = Message(
                    thingID: Self.agentID, messageID: "6f1c2a9e-4b7d-4e0a-9c3f-2d8e5a7b1c04",
                    correlationID: RequestTemplate.correlationID(id), body: .invokeAction(action: "echo", input: template.input))
                let sent = nowNanos()
                do {
                    let replies = try await connection.send(request)
                    var iterator = replies.makeAsyncIterator()
                    guard let reply = try await iterator.next() else {
                        problem = "the reply stream of \(request.replyCorrelationID) ended without a reply"
                        break
                    }
                    if index >= warmUp { latencies.append(nowNanos() &- sent) }
                    await connection.stopListening(to: request.replyCorrelationID)
                    switch target.peer {
                    case .echo, .hummingbird:
                        if reply != request { problem = "the echo of \(request.replyCorrelationID) differs" }
                    case .agent:
                        if case .actionStatus(let report) = reply.body, report.status == .completed,
                            report.output == template.input
                        {
                        } else {
                            problem = "the reply to \(request.replyCorrelationID) is not the completed status: \(reply.jsonString())"
                        }
                    }
                    if problem != nil { break }
                } catch {
                    problem = "\(error)"
                    break
                }
            }
            let seconds = Double(nowNanos() &- start) / 1e9
            timer.cancel()
            await connection.close()
            let latency = Percentiles(nanoseconds: latencies)
            var entry = latency.json
            entry["completed"] = latencies.count
            entry["seconds"] = round3(seconds)
            entry["ops_per_s"] = seconds > 0 ? (Double(latencies.count) / seconds).rounded() : 0
            if let problem { entry["problem"] = problem }
            summary[target.peer.rawValue] = entry
            guard problem == nil, latencies.count == options.roundTrips else {
                throw PhaseFailure(
                    reason: "own client round trips (\(target.peer.rawValue)): \(latencies.count) of \(options.roundTrips): "
                        + (problem ?? "incomplete"))
            }
            rates[target.peer] = Double(latencies.count) / seconds
            note(
                "own client (WebSocketConnection) round trip \(target.peer.rawValue): \(Int(rates[target.peer]!)) ops/s, "
                    + "p50 \(round1(latency.p50)) us, p99 \(round1(latency.p99)) us")
        }
        summary.merge(ratios(rates)) { $1 }
    }

    /// agent/echo (the figure), agent/hummingbird and hummingbird/echo, for the rates that are there.
    private func ratios(_ rates: [Peer: Double]) -> [String: Any] {
        var ratios: [String: Any] = [:]
        for (name, numerator, denominator) in [
            ("ratio_agent_to_echo", Peer.agent, Peer.echo), ("ratio_agent_to_hummingbird", .agent, .hummingbird),
            ("ratio_hummingbird_to_echo", .hummingbird, .echo),
        ] {
            if let top = rates[numerator], let bottom = rates[denominator], bottom > 0 { ratios[name] = round3(top / bottom) }
        }
        return ratios
    }

    /// (4) C WebSockets to the agent (or, with `--connections-to`, a baseline), all open at once: time to open them all, one invocation on each, then another
    /// on each with all still open; RSS of the whole process (client, echo server and agent) along the way.
    private func measureConnections(_ target: Target, open: inout [LoadConnection]) async throws {
        let count = options.connections
        var summary: [String: Any] = [
            "connections": count, "open_parallel": options.openParallel, "server": target.peer.rawValue,
        ]
        defer { result["connections"] = summary }
        summary["rss_before_mib"] = round1(residentMiB())

        // Open, at most `openParallel` handshakes in flight.
        armWatchdog("opening \(count) connections")
        let deadline = phaseDeadline()
        let start = nowNanos()
        var opened: [LoadConnection] = []
        var failures = 0
        var firstFailure: String?
        let group = clientGroup
        await withTaskGroup(of: Result<LoadConnection, any Error>.self) { tasks in
            var started = 0
            func startOne() {
                started += 1
                tasks.addTask {
                    do {
                        return .success(
                            try await LoadConnection.open(host: target.host, port: target.port, path: target.path, group: group)
                                .bounded(by: deadline, "opening a WebSocket").get())
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while started < min(options.openParallel, count) { startOne() }
            while let outcome = await tasks.next() {
                switch outcome {
                case .success(let connection): opened.append(connection)
                case .failure(let error):
                    failures += 1
                    if firstFailure == nil { firstFailure = "\(error)" }
                }
                if started < count { startOne() }
            }
        }
        open.append(contentsOf: opened)
        let openSeconds = Double(nowNanos() &- start) / 1e9
        summary["opened"] = opened.count
        summary["open_failures"] = failures
        summary["open_seconds"] = round3(openSeconds)
        summary["rss_open_mib"] = round1(residentMiB())
        note("opened \(opened.count) of \(count) WebSockets in \(String(format: "%.2f", openSeconds)) s (\(failures) failed)")
        guard opened.count == count else {
            throw PhaseFailure(
                reason: "opened \(opened.count) of \(count) WebSockets to \(target.peer.rawValue): \(firstFailure ?? "?")")
        }

        for pass in 1...2 {
            armWatchdog("invocation pass \(pass) on \(count) connections")
            let deadline = phaseDeadline()
            let passStart = nowNanos()
            let futures = opened.map { connection -> EventLoopFuture<JobResult> in
                let job = makeJob(target.peer, count: 1, window: 1)
                let timer = connection.channel.eventLoop.scheduleTask(deadline: deadline) {
                    connection.abort("the phase deadline passed")
                }
                return connection.run(job).always { _ in timer.cancel() }
            }
            var latencies: [UInt64] = []
            var succeeded = 0
            var firstProblem: String?
            for future in futures {
                let got: JobResult
                do {
                    got = try await future.get()
                } catch {
                    if firstProblem == nil { firstProblem = "\(error)" }
                    continue
                }
                if got.isComplete, got.completed == 1 {
                    succeeded += 1
                    latencies.append(contentsOf: got.latencies)
                } else if firstProblem == nil {
                    firstProblem = got.problem ?? "no reply"
                }
            }
            let seconds = Double(nowNanos() &- passStart) / 1e9
            var entry = Percentiles(nanoseconds: latencies).json
            entry["succeeded"] = succeeded
            entry["seconds"] = round3(seconds)
            entry["rss_mib"] = round1(residentMiB())
            if let firstProblem { entry["problem"] = firstProblem }
            summary["pass\(pass)"] = entry
            note(
                "pass \(pass): \(succeeded) of \(count) invocations completed in \(String(format: "%.2f", seconds)) s, "
                    + "still open: \(opened.filter { $0.channel.isActive }.count)")
            guard succeeded == count else {
                throw PhaseFailure(
                    reason: "pass \(pass) on \(count) open connections: \(succeeded) completed; first problem: \(firstProblem ?? "?")")
            }
        }
        summary["still_open"] = opened.filter { $0.channel.isActive }.count
        summary["rss_after_mib"] = round1(residentMiB())
    }
}
