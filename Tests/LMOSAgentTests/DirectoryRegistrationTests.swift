import Foundation
import LMOSAgent
import LMOSConsumer
import LMOSCore
import LMOSDescription
import LMOSDirectoryClient
import LMOSTestSupport
import Testing

/// An agent registered in a real directory (`lmos directory serve`) is found and called by a consumer that only
/// knows the directory's URL; shutting the agent down removes the registration.
@Suite("Agent in a directory")
struct DirectoryRegistrationTests {
    static func directory() async throws -> (BackgroundProcess, String) {
        let process = try BackgroundProcess(try lmosBinary(), ["directory", "serve", "--store", "memory", "--port", "0"])
        let listening = try await process.line(timeout: 20) { $0.contains("listening on") }
        let url = try #require(listening.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        return (process, url)
    }

    @Test func aConsumerThatKnowsOnlyTheDirectoryFindsAndCallsTheAgent() async throws {
        let (directory, directoryURL) = try await Self.directory()
        defer { directory.terminate() }
        let id = "urn:uuid:" + UUIDv4.random()
        let registered = AsyncStream<String>.makeStream()
        let running = try await RunningAgent.start(
            [.example(id: id, wordDelay: .milliseconds(1))],
            configuration: AgentServerConfiguration(port: 0, directories: [directoryURL], registrationTTL: 4)
        ) { notice in
            if case .registered(_, let id) = notice { registered.continuation.yield(id) }
        }
        for await registeredID in registered.stream {
            #expect(registeredID == id)
            break
        }

        // The consumer's side: only the directory's URL.
        let found = await Discovery().discover([.directory(directoryURL)], timeout: .seconds(5))
        let thing = try #require(found.things.first { $0.id == id }, "\(found.problems)")
        #expect(thing.types.contains("lmos:Agent"))
        let description = try ThingDescription(thing.description)
        let consumed = ConsumedThing(description: description)
        let output = try await consumed.invokeAction(
            "chat", input: ["messages": [["role": "user", "content": "via the directory"]]])
        #expect(output?["messages"]?[0]?["content"] == "(helpful) You said: via the directory")
        let streamed = try await consumed.invokeAction(
            "chat-stream", input: ["messages": [["role": "user", "content": "streamed"]]], via: .webSocket)
        #expect(streamed?["messages"]?[0]?["content"] == "(helpful) You said: streamed")
        await consumed.close()

        // The registration outlives its TTL because it is renewed (every 2 s: a margin of 2 s for a busy machine).
        try await Task.sleep(for: .seconds(6))
        let client = try DirectoryClient(url: directoryURL)
        #expect(try await client.list().contains { $0["id"]?.stringValue == id })

        // A graceful stop deregisters.
        await running.stop()
        #expect(try await client.list().contains { $0["id"]?.stringValue == id } == false)
    }
}
