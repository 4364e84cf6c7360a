import Foundation
import LMOSCore
import LMOSTestSupport
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension SecurityEndToEnd {
    /// The limits that keep a public directory standing: request rate and event streams per client, slow clients.
    @Suite("Directory limits", .serialized)
    struct DirectoryLimitsTests {
        @Test("a client over its request rate gets 429 with Retry-After, and its allowance comes back")
        func rate() async throws {
            // A slow rate, so that a busy machine (the whole suite in parallel) cannot refill the bucket between requests.
            let directory = try await LMOSServer.directory(["--rate-limit", "0.5", "--rate-burst", "3", "--limit-loopback"])
            defer { directory.stop() }
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<10 {
                let answer = try await HTTP.send(.GET, directory.url + "/things")
                statuses.append(answer.status)
                if answer.status == 429 {
                    retryAfter = retryAfter ?? answer.headers["Retry-After"].first
                    #expect(answer.headers["Content-Type"].first?.hasPrefix("application/problem+json") == true)
                }
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == 200 }, "\(statuses)")
            #expect(statuses.contains(429), "\(statuses)")
            #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
            try await Task.sleep(for: .milliseconds(2200))
            #expect(try await HTTP.send(.GET, directory.url + "/things").status == 200)
        }

        @Test("behind a trusted proxy the limits count the clients its X-Forwarded-For names; from others it is ignored")
        func trustedProxy() async throws {
            let directory = try await LMOSServer.directory(["--rate-limit", "0.5", "--rate-burst", "2", "--trusted-proxy", "127.0.0.1"])
            defer { directory.stop() }
            func get(_ forwarded: String?) async throws -> Int {
                try await HTTP.send(.GET, directory.url + "/things", headers: forwarded.map { [("X-Forwarded-For", $0)] } ?? []).status
            }
            var first: [Int] = []
            for _ in 0..<5 { first.append(try await get("203.0.113.5")) }
            #expect(first.prefix(2).allSatisfy { $0 == 200 } && first.contains(429), "\(first)")
            // Another client behind the same proxy has its own allowance; what the client wrote itself (left of
            // the proxy's entry) does not count.
            #expect(try await get("203.0.113.6") == 200)
            #expect(try await get("198.51.100.1, 203.0.113.7") == 200)
            #expect(try await get("203.0.113.5, 203.0.113.8") == 200)
            // The proxy itself (no header) is loopback: exempt.
            for _ in 0..<5 { #expect(try await get(nil) == 200) }
            // Without --trusted-proxy the header is ignored: every request is the loopback peer's, exempt.
            let plain = try await LMOSServer.directory(["--rate-limit", "0.5", "--rate-burst", "2"])
            defer { plain.stop() }
            for _ in 0..<5 {
                let answer = try await HTTP.send(.GET, plain.url + "/things", headers: [("X-Forwarded-For", "203.0.113.5")])
                #expect(answer.status == 200)
            }
            let bad = try await lmos(["directory", "serve", "--trusted-proxy", "proxy.example"])
            #expect(bad.status == 64 && bad.stderr.contains("--trusted-proxy must be an IP address"), "\(bad.stderr)")
        }

        @Test("loopback clients are exempt unless --limit-loopback")
        func loopbackExempt() async throws {
            let directory = try await LMOSServer.directory(["--rate-limit", "1", "--rate-burst", "1"])
            defer { directory.stop() }
            for _ in 0..<10 { #expect(try await HTTP.send(.GET, directory.url + "/things").status == 200) }
        }

        @Test("a client may hold --max-event-streams event streams; one more gets 429 until one closes")
        func eventStreams() async throws {
            let directory = try await LMOSServer.directory(["--max-event-streams", "2", "--limit-loopback"])
            defer { directory.stop() }
            let first = try RawConnection(port: directory.port)
            let second = try RawConnection(port: directory.port)
            for connection in [first, second] {
                connection.send("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                #expect(try await connection.statusLine().contains(" 200 "))
            }
            let third = try await HTTP.head(of: directory.url + "/events", token: nil)
            #expect(third.status == 429)
            first.close()
            // The server notices the closed stream at its next write (a heartbeat) or read; allow it a moment.
            var reopened = 429
            for _ in 0..<50 where reopened == 429 {
                try await Task.sleep(for: .milliseconds(100))
                let connection = try RawConnection(port: directory.port)
                connection.send("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                reopened = try await connection.statusLine().contains(" 200 ") ? 200 : 429
                connection.close()
            }
            #expect(reopened == 200)
            second.close()
        }

        /// A stalled body meets the body timeout (408) when it is shorter than the idle timeout, and the idle timeout
        /// (connection closed) otherwise.
        @Test("slow clients: a body that does not arrive gets 408; an idle connection is closed")
        func slowClients() async throws {
            let directory = try await LMOSServer.directory(["--body-timeout", "1", "--idle-timeout", "3"])
            defer { directory.stop() }
            let slowBody = try RawConnection(port: directory.port)
            slowBody.send("PUT /things/urn:example:slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/td+json\r\nContent-Length: 500\r\n\r\n{\"title\":")
            let started = Date()
            #expect(try await slowBody.statusLine(timeout: 10).contains(" 408 "))
            #expect(Date().timeIntervalSince(started) < 8)
            slowBody.close()

            let idle = try RawConnection(port: directory.port)
            let opened = Date()
            #expect(await idle.waitForClose(timeout: 10))
            #expect(Date().timeIntervalSince(opened) < 8)
            // Half a request head, then nothing: closed as well.
            let partial = try RawConnection(port: directory.port)
            partial.send("GET /things HTTP/1.1\r\nHost: x\r\n")
            #expect(await partial.waitForClose(timeout: 10))
            // The directory still answers.
            #expect(try await HTTP.send(.GET, directory.url + "/things").status == 200)
        }
    }
}

/// A TCP connection written and read by hand (a client that does what well-behaved clients do not).
final class RawConnection: @unchecked Sendable {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Glibc.close(socket)
            throw HarnessError("cannot connect to port \(port)")
        }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// The first line the server sends, waiting at most `timeout` seconds (on a thread of its own).
    func statusLine(timeout: Double = 10) async throws -> String {
        try await Subprocess.offPool { try self.blockingStatusLine(timeout: timeout) }
    }

    /// Whether the server closes the connection within `timeout` seconds (waiting on a thread of its own).
    func waitForClose(timeout: Double) async -> Bool {
        (try? await Subprocess.offPool { self.blockingWaitForClose(timeout: timeout) }) ?? false
    }

    private func blockingStatusLine(timeout: Double) throws -> String {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(socket, &chunk, chunk.count, 0)
            if count <= 0 { break }
            received += chunk[0..<count]
            if let newline = received.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: received[..<newline], as: UTF8.self)
            }
        }
        throw HarnessError("no status line within \(timeout) s (got \(received.count) bytes)")
    }

    private func blockingWaitForClose(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(socket, &chunk, chunk.count, 0)
            if count <= 0 { return true }
        }
        return false
    }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(socket)
    }

    deinit { close() }
}
