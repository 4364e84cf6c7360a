// Bare Hummingbird routes with the shapes of the directory's, doing no directory work: the baseline of
// Load/directory-load.sh. `BareHummingbird PORT` prints its URL when ready.
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Synchronization

/// Fans PUT bodies out to /events subscribers as Server-Sent Events (no storage, no parsing).
final class Broadcaster: Sendable {
    let subscribers = Mutex<[Int: AsyncStream<ByteBuffer>.Continuation]>([:])
    let next = Mutex(0)

    func subscribe() -> AsyncStream<ByteBuffer> {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let token = next.withLock { value in
            value += 1
            return value
        }
        subscribers.withLock { $0[token] = continuation }
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: token) } }
        return stream
    }

    func publish(_ buffer: ByteBuffer) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(buffer) }
    }
}

let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
let document = ByteBuffer(string: "{\"@context\":[\"https://www.w3.org/2022/wot/td/v1.1\"],\"id\":\"urn:bench:x\",\"title\":\"Bare\",\"description\":\""
    + String(repeating: "x", count: 900) + "\",\"securityDefinitions\":{\"nosec_sc\":{\"scheme\":\"nosec\"}},\"security\":\"nosec_sc\"}")
let broadcaster = Broadcaster()
let router = Router()
router.get("/things/{id}") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/td+json"], body: .init(byteBuffer: document))
}
router.put("/things/{id}") { request, context in
    _ = try await request.body.collect(upTo: 4 << 20)
    let id = context.parameters.get("id") ?? ""
    broadcaster.publish(ByteBuffer(string: "event: thing_created\ndata: {\"id\":\"\(id)\"}\n\n"))
    return Response(status: .created, headers: [.location: "/things/\(context.parameters.get("id") ?? "")"])
}
router.get("/search/lmos") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/ld+json"], body: .init(byteBuffer: document))
}
router.get("/events") { _, _ in
    let stream = broadcaster.subscribe()
    return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .init(asyncSequence: stream))
}
let app = Application(
    router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
    onServerRunning: { channel in
        print("bare hummingbird listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)")
        fflush(nil)
    })
try await app.runService()
