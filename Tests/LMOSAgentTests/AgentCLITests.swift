import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

/// `lmos example agent`, `lmos call`, `read`, `write` and `subscribe` as a user runs them.
@Suite("Agent CLI")
struct AgentCLITests {
    /// Starts `lmos example agent --port 0`; returns it and its description URL.
    static func exampleAgent(_ extra: [String] = []) async throws -> (BackgroundProcess, String) {
        let process = try BackgroundProcess(try lmosBinary(), ["example", "agent", "--port", "0"] + extra)
        let line = try await process.line(timeout: 20) { $0.hasPrefix("description: ") }
        return (process, String(line.dropFirst("description: ".count)))
    }

    static func lmos(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(try lmosBinary(), arguments)
    }

    @Test func callReadWriteOverBothTransports() async throws {
        let (agent, url) = try await Self.exampleAgent()
        defer { agent.terminate() }
        let input = #"{"messages":[{"role":"user","content":"from the CLI"}]}"#
        for via in ["http", "ws"] {
            let call = try Self.lmos(["call", url, "chat", "--input", input, "--via", via])
            #expect(call.status == 0, "\(call.stderr)")
            let output = try JSONValue(parsing: Array(call.stdout))
            #expect(output["messages"]?[0]?["content"] == "(helpful) You said: from the CLI")
        }
        // --stream prints one status per line, in order, ending with completed.
        let stream = try Self.lmos(["call", url, "chat-stream", "--input", input, "--stream", "--via", "ws"])
        #expect(stream.status == 0, "\(stream.stderr)")
        let lines = stream.output.split(separator: "\n").map { try? JSONValue(parsing: String($0)) }
        #expect(lines.first??["status"] == "pending")
        #expect(lines.last??["status"] == "completed")
        #expect(lines.filter { $0?["status"] == "running" }.count == 6, "one per word of \"(helpful) You said: from the CLI\"")

        // A host URL means its /.well-known/wot.
        let origin = String(url[..<url.index(url.firstRange(of: "/urn:")!.lowerBound, offsetBy: 0)])
        let write = try Self.lmos(["write", origin, "persona", #""terse""#, "--via", "http"])
        #expect(write.status == 0, "\(write.stderr)")
        let read = try Self.lmos(["read", origin, "persona", "--via", "ws"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.output.trimmingCharacters(in: .whitespacesAndNewlines) == #""terse""#)
        let count = try Self.lmos(["read", url, "conversations"])
        #expect(count.output.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    }

    @Test func subscribePrintsEventsAsTheyCome() async throws {
        let (agent, url) = try await Self.exampleAgent()
        defer { agent.terminate() }
        for via in ["http", "ws"] {
            let subscriber = try BackgroundProcess(
                try lmosBinary(), ["subscribe", url, "messageReceived", "--via", via, "--count", "2"])
            defer { subscriber.terminate() }
            _ = try await subscriber.line(timeout: 10) { $0.hasPrefix("subscribed to") }
            for text in ["first", "second"] {
                let call = try Self.lmos(["call", url, "chat", "--input", #"{"messages":[{"role":"user","content":"\#(text)"}]}"#])
                #expect(call.status == 0)
            }
            // Generous waits: the whole test run shares two cores with many servers.
            let first = try await subscriber.line(timeout: 30) { $0.contains("first") }
            let second = try await subscriber.line(timeout: 30) { $0.contains("second") }
            #expect(subscriber.standardOutput.split(separator: "\n").filter { $0.hasPrefix("{") }.count == 2)
            #expect(try JSONValue(parsing: first)["content"] == "first")
            #expect(try JSONValue(parsing: second)["content"] == "second")
            #expect(await subscriber.signal(0, waitingUpTo: 10) == 0, "exits 0 after --count values")
        }
    }

    @Test func mistakesGetOneLineAndANonZeroExit() async throws {
        let (agent, url) = try await Self.exampleAgent()
        defer { agent.terminate() }
        let cases: [([String], Int32, String)] = [
            (["call", url, "nope"], 1, "has no action nope"),
            (["call", url, "chat", "--input", "{not json"], 64, "--input is not JSON"),
            (["call", url, "chat", "--input", #"{"messages":[]}"#], 1, "no user message"),
            (["call", url, "chat", "--via", "carrier-pigeon"], 64, "--via must be http, ws or mqtt"),
            (["call", "ftp://example", "chat"], 64, "must start with http"),
            (["call", "http://127.0.0.1:1", "chat"], 1, "cannot read the description"),
            (["read", url, "missing"], 1, "has no property missing"),
            (["write", url, "conversations", "3"], 1, "no form for writeproperty"),
            (["write", url, "persona", "7", "--via", "ws"], 1, "does not fit its schema"),
        ]
        for (arguments, status, message) in cases {
            let result = try Self.lmos(arguments)
            #expect(result.status == status, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            if status == 1 { #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)") }
        }
    }

    @Test func ctrlCStopsAStreamingCallAndCancelsTheInvocation() async throws {
        let (agent, url) = try await Self.exampleAgent()
        defer { agent.terminate() }
        let words = Array(repeating: "word", count: 300).joined(separator: " ")
        let caller = try BackgroundProcess(
            try lmosBinary(), ["call", url, "chat-stream", "--stream", "--input", #"{"messages":[{"role":"user","content":"\#(words)"}]}"#])
        defer { caller.terminate() }
        _ = try await caller.line(timeout: 30) { $0.contains(#""status":"running""#) }
        _ = await caller.signal(SIGINT, waitingUpTo: 0)
        let final = try await caller.line(timeout: 30) { $0.contains(#""status":"failed""#) }
        #expect(final.contains("Cancelled"))
        #expect(await caller.signal(0, waitingUpTo: 10) == 1, "a cancelled call exits 1")
    }
}
