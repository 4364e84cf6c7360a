import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// The servers, and how their replies are told apart: the echo servers send the requests back in order (matched by
/// count, checked byte for byte); the agent answers each request with an `actionStatus` carrying its correlation id.
enum Peer: String, Sendable, CaseIterable {
    /// The baseline: raw SwiftNIO.
    case echo
    /// Informational: a bare Hummingbird WebSocket route.
    case hummingbird
    case agent
}

/// What one connection does: `count` requests with ids `firstID...`, at most `window` of them unanswered at once
/// (1: sequential round trips).
struct Job: Sendable {
    var peer: Peer
    var template: RequestTemplate
    var count: Int
    var window: Int
    var firstID: Int
    /// Every this many replies of the agent (and the first) are also decoded completely (`Message.decode`).
    var verifyEvery: Int = 1000
}

/// What a job got, complete or not.
struct JobResult: Sendable {
    var sent = 0
    var completed = 0
    var failed = 0
    /// Replies that answered no outstanding request.
    var unexpected = 0
    /// Round-trip time of each completed request, in nanoseconds, in the order they completed.
    var latencies: [UInt64] = []
    var startNanos: UInt64 = 0
    var endNanos: UInt64 = 0
    /// The first thing that went wrong, if anything did.
    var problem: String?

    var seconds: Double { Double(endNanos &- startNanos) / 1e9 }
    var isComplete: Bool { problem == nil && failed == 0 && unexpected == 0 }
}

@inline(__always) func nowNanos() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

/// A tiny fast generator for the masking keys a client must put on its frames (the system generator costs a
/// system call a frame).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Drives one WebSocket from its event loop: sends requests, matches replies, keeps the window full, and completes
/// the job's promise when every request is answered, the connection ends, or ``abort(_:)`` is called.
final class LoadHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var context: ChannelHandlerContext?
    private var job: Job?
    private var promise: EventLoopPromise<JobResult>?
    private var result = JobResult()
    private var sendTimes: [UInt64] = []
    private var answered: [Bool] = []
    private var nextToSend = 0
    private var nextEcho = 0
    private var needsFlush = false
    private var isOpen = true
    private var random = SplitMix64(state: UInt64.random(in: 0...UInt64.max))

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func start(_ job: Job, promise: EventLoopPromise<JobResult>) {
        guard self.promise == nil else {
            promise.fail(BenchError("a job is already running on this connection"))
            return
        }
        self.job = job
        self.promise = promise
        result = JobResult()
        result.latencies.reserveCapacity(job.count)
        sendTimes = Array(repeating: 0, count: job.count)
        answered = Array(repeating: false, count: job.count)
        nextToSend = 0
        nextEcho = 0
        result.startNanos = nowNanos()
        guard let context, isOpen else {
            finish(problem: "the connection is closed")
            return
        }
        if job.count == 0 {
            finish(problem: nil)
            return
        }
        for _ in 0..<min(max(1, job.window), job.count) { send(context: context, job: job) }
        context.flush()
    }

    /// Ends the running job now with what it got.
    func abort(_ reason: String) {
        guard promise != nil else { return }
        finish(problem: reason)
    }

    private func send(context: ChannelHandlerContext, job: Job) {
        var buffer = context.channel.allocator.buffer(capacity: job.template.size)
        job.template.write(id: job.firstID + nextToSend, into: &buffer)
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(using: &random), data: buffer)
        sendTimes[nextToSend] = nowNanos()
        nextToSend += 1
        result.sent += 1
        context.write(wrapOutboundOut(frame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            reply(frame.unmaskedData, context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(using: &random), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            if promise != nil { finish(problem: "the server closed the WebSocket after \(result.completed) replies") }
            var data = frame.unmaskedData
            let code = data.readSlice(length: min(2, data.readableBytes)) ?? ByteBuffer()
            let close = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(using: &random), data: code)
            context.writeAndFlush(wrapOutboundOut(close)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        default:
            break
        }
    }

    private func reply(_ data: ByteBuffer, context: ChannelHandlerContext) {
        guard let job, promise != nil else {
            result.unexpected += 1
            return
        }
        let now = nowNanos()
        let index: Int
        var ok: Bool
        switch job.peer {
        case .echo, .hummingbird:
            index = nextEcho
            nextEcho += 1
            guard index < nextToSend else {
                unexpected("an echo nothing was sent for")
                return
            }
            ok = job.template.isEcho(data, of: job.firstID + index)
            if !ok, result.problem == nil {
                result.problem = "echo \(index) differs from its request: \(String(buffer: data).prefix(300))"
            }
        case .agent:
            guard let (id, completed) = RequestTemplate.scanAgentReply(data), id >= job.firstID,
                id - job.firstID < nextToSend
            else {
                unexpected("a reply naming no outstanding request: \(String(buffer: data).prefix(300))")
                return
            }
            index = id - job.firstID
            ok = completed
            let seen = result.completed + result.failed
            if ok, seen % max(1, job.verifyEvery) == 0, let wrong = job.template.verifyAgentReply(data, of: id) {
                ok = false
                if result.problem == nil { result.problem = wrong }
            }
            if !ok, result.problem == nil {
                result.problem = "reply \(index) is not a completed status: \(String(buffer: data).prefix(300))"
            }
        }
        guard !answered[index] else {
            unexpected("a second reply to request \(index)")
            return
        }
        answered[index] = true
        if ok {
            result.completed += 1
            result.latencies.append(now &- sendTimes[index])
        } else {
            result.failed += 1
        }
        if result.completed + result.failed == job.count {
            finish(problem: result.problem)
        } else if nextToSend < job.count {
            send(context: context, job: job)
            needsFlush = true
        }
    }

    private func unexpected(_ what: String) {
        result.unexpected += 1
        if result.problem == nil { result.problem = what }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        if promise != nil {
            finish(problem: result.problem ?? "the connection closed after \(result.completed) replies")
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if promise != nil { finish(problem: result.problem ?? "connection error: \(error)") }
        context.close(promise: nil)
    }

    private func finish(problem: String?) {
        result.endNanos = nowNanos()
        if result.problem == nil { result.problem = problem }
        let promise = self.promise
        let finished = result
        self.promise = nil
        job = nil
        sendTimes = []
        answered = []
        // The caller has the latencies; a connection kept open should not hold them.
        result.latencies = []
        promise?.succeed(finished)
    }

    /// Sends a close frame and closes the channel.
    func close() {
        guard let context, isOpen else { return }
        var code = context.channel.allocator.buffer(capacity: 2)
        code.write(webSocketErrorCode: .normalClosure)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(using: &random), data: code)
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One open WebSocket of the load client.
struct LoadConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<LoadHandler>

    /// Runs `job`; the future succeeds with what it got when it ends, complete or not.
    func run(_ job: Job) -> EventLoopFuture<JobResult> {
        let promise = channel.eventLoop.makePromise(of: JobResult.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.start(job, promise: promise) }
        return promise.futureResult
    }

    func abort(_ reason: String) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.abort(reason) }
    }

    func close() -> EventLoopFuture<Void> {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.close() }
        return channel.closeFuture
    }

    /// Opens a WebSocket to `ws://host:port/path`, offering the `lmosprotocol` sub-protocol; the future succeeds
    /// once the upgrade is done.
    static func open(host: String, port: Int, path: String, group: any EventLoopGroup) -> EventLoopFuture<LoadConnection> {
        let loop = group.next()
        let upgraded = loop.makePromise(of: LoadConnection.self)
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 20, automaticErrorHandling: true) {
                        channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let handler = LoadHandler()
                            try channel.pipeline.syncOperations.addHandlers(
                                NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 10,
                                    maxAccumulatedFrameSize: 1 << 20),
                                handler)
                            upgraded.succeed(
                                LoadConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop)))
                        }
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { context in
                            context.pipeline.syncOperations.removeHandler(name: UpgradeRequester.name, promise: nil)
                        }))
                    try channel.pipeline.syncOperations.addHandler(
                        UpgradeRequester(host: host, port: port, path: path, upgraded: upgraded), name: UpgradeRequester.name)
                }
            }
        bootstrap.connect(host: host, port: port).whenFailure { upgraded.fail($0) }
        return upgraded.futureResult
    }
}

/// Sends the upgrade request when the connection is up, and fails the open when it ends or errs before the
/// upgrade is done.
final class UpgradeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    static let name = "ws-bench-upgrade-requester"

    let host: String
    let port: Int
    let path: String
    let upgraded: EventLoopPromise<LoadConnection>

    init(host: String, port: Int, path: String, upgraded: EventLoopPromise<LoadConnection>) {
        self.host = host
        self.port = port
        self.path = path
        self.upgraded = upgraded
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Sec-WebSocket-Protocol", value: "lmosprotocol")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            upgraded.fail(BenchError("the server answered the upgrade with \(head.status.code) \(head.status.reasonPhrase)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upgraded.fail(BenchError("the connection closed before the WebSocket upgrade"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        upgraded.fail(error)
        context.close(promise: nil)
    }
}
