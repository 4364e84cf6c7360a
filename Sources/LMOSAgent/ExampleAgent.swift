import LMOSBindings
import LMOSCore
import LMOSDescription
import LMOSMessaging

extension Agent {
    /// The example agent of `lmos example agent`: a conversational `chat` action in the shapes of the LMOS SDK
    /// (AgentRequest `{"messages": [{"role", "content", "format"}]}` in, AgentResult out), `chat-stream` (the same
    /// answer word by word as partial outputs), a writable observable `persona` property, a read-only
    /// `conversations` counter, and a `messageReceived` event for every user message.
    ///
    /// The answer is deterministic (it repeats the last user message in the persona's words), so that it can be
    /// tested; `wordDelay` paces the stream.
    public static func example(id: String = UUIDv4.randomURN(), wordDelay: Duration = .milliseconds(40)) -> Agent {
        let agent = Agent(
            id: id, title: "LMOS Example Agent",
            description: "Answers chat messages; streams its answers; tells who wrote to it.", version: "1.0.0"
        ) {
            LMOSMetadata(vendorName: "swift-lmos", vendorURL: "https://eclipse.dev/lmos", model: "echo")
            Capability(
                id: "urn:swift-lmos:capability:chat", name: "Chat", version: "1.0", description: "Answers a conversation",
                examples: ["Hello, who are you?"])
        }
        let message = DataSchema.object(
            ["role": .string(), "content": .string(), "format": .string()], required: ["role", "content"])
        let request = DataSchema.object(["messages": .array(of: message)], required: ["messages"])
        let result = DataSchema.object(["messages": .array(of: message)], required: ["messages"])
        agent.property(
            "persona", schema: .string(description: "How the agent answers"), initial: "helpful",
            description: "The agent's persona: it prefixes every answer.")
        agent.property(
            "conversations", schema: .integer(minimum: 0), initial: 0, description: "Chats answered so far",
            readOnly: true)
        agent.event(
            "messageReceived", data: .object(["role": .string(), "content": .string()]),
            description: "A user message arrived")

        @Sendable func answer(_ input: JSONValue?) throws -> String {
            let messages = input?["messages"]?.arrayValue ?? []
            guard let last = messages.last(where: { $0["role"]?.stringValue == "user" })?["content"]?.stringValue else {
                throw ProblemDetails.badRequest("the request has no user message")
            }
            agent.emit("messageReceived", ["role": "user", "content": .string(last)])
            agent.updateProperty("conversations") { .integer(($0.integerValue ?? 0) + 1) }
            let persona = agent.value(of: "persona")?.stringValue ?? "helpful"
            return "(\(persona)) You said: \(last)"
        }
        @Sendable func reply(_ text: String) -> JSONValue {
            ["messages": [["role": "assistant", "content": .string(text), "format": "text"]]]
        }

        agent.action("chat", title: "Chat", description: "Answers the conversation", input: request, output: result) {
            input, _ in reply(try answer(input))
        }
        agent.streamingAction(
            "chat-stream", title: "Chat (streaming)", description: "Answers word by word", input: request,
            output: result,
            finalOutput: { partials in
                reply(partials.compactMap { $0["messages"]?[0]?["content"]?.stringValue }.joined())
            }
        ) { input, _ in
            let words = try answer(input).split(separator: " ", omittingEmptySubsequences: false)
            return AsyncThrowingStream<JSONValue, any Error> { continuation in
                let task = Task {
                    for (index, word) in words.enumerated() {
                        do {
                            try await Task.sleep(for: wordDelay)
                        } catch {
                            continuation.finish(throwing: error)
                            return
                        }
                        continuation.yield(reply(index == 0 ? String(word) : " " + word))
                    }
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }
        return agent
    }
}
