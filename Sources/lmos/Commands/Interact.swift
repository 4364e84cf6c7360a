import ArgumentParser
import LMOSBindings
import LMOSConsumer
import LMOSCore
import LMOSMessaging
import UnixSignals
import AsyncHTTPClient
import Synchronization

/// Options shared by the commands that talk to a thing.
struct ThingOptions: ParsableArguments {
    @Argument(help: "The description's URL (a host URL means its /.well-known/wot).")
    var url: String

    @Option(help: "The transport: http, ws or mqtt (default: the first form the description lists).")
    var via: String?

    @OptionGroup(title: "Credentials (what the thing's security asks for)") var credentials: CredentialOptions

    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    var transport: Transport? {
        get throws {
            guard let via else { return nil }
            guard let transport = Transport(name: via) else {
                throw ValidationError("--via must be http, ws or mqtt, not '\(via)'")
            }
            return transport
        }
    }

    func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("the URL must start with http:// or https://, not '\(url)'")
        }
        _ = try transport
    }

    func fetch() async throws -> ConsumedThing {
        let httpClient = tls.isSet ? ProcessClients.keep(try tls.httpClient()) : HTTPBindingClient.sharedHTTPClient
        do {
            return try await ConsumedThing.fetch(
                url, credentials: credentials.credentials(httpClient: httpClient), httpClient: httpClient,
                tlsConfiguration: try tls.configuration())
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("cannot read the description at \(url): \(error)")
            throw ExitCode(1)
        }
    }
}

/// Prints a failed interaction as one line and exits 1.
func fail(_ what: String, _ error: any Error) -> ExitCode {
    printError("\(what) failed: \(error)")
    return ExitCode(1)
}

struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invoke an action of a thing and print its output as JSON.",
        discussion: """
            Reads the description at URL, picks the action's first form over HTTP or WebSocket (or the transport
            --via names) and invokes it. With --stream every status is printed as it comes, one JSON object per line
            ({"status": "running", "output": ...}); Ctrl-C cancels the invocation. Exit 1 when the action fails.

            Examples:
              lmos call http://127.0.0.1:9000 chat --input '{"messages":[{"role":"user","content":"Hi"}]}'
              lmos call http://127.0.0.1:9000 chat-stream --input @request.json --stream --via ws
              lmos call http://127.0.0.1:9000 chat --input @request.json --via mqtt   # an agent started with --mqtt
            """)

    @OptionGroup var thing: ThingOptions

    @Argument(help: "The action's name.")
    var action: String

    @Option(help: "The input as JSON, or @FILE to read it from a file (- for standard input).")
    var input: String?

    @Flag(help: "Print every status as it comes (pending, running with partial outputs, the final one).")
    var stream = false

    func run() async throws {
        let inputValue = try input.map(Self.parseInput)
        let consumed = try await thing.fetch()
        let transport = try thing.transport
        if !stream {
            do {
                let output = try await consumed.invokeAction(action, input: inputValue, via: transport)
                printJSON(output ?? .null)
            } catch {
                throw fail("the action \(action)", error)
            }
            await consumed.close()
            return
        }
        let invocation: ConsumedThing.Invocation
        do {
            invocation = try await consumed.invokeActionStreaming(action, input: inputValue, via: transport)
        } catch {
            throw fail("the action \(action)", error)
        }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let watcher = Task {
            for await _ in signals {
                try? await invocation.cancel("cancelled from the command line")
                return
            }
        }
        defer { watcher.cancel() }
        var final: ActionStatusReport?
        do {
            for try await report in invocation.statuses {
                print(ActionStatusJSON.encode(report, href: nil).jsonString())
                flushStandardOutput()
                if report.status.isFinal { final = report }
            }
        } catch {
            printError("the action \(action) failed: \(error)")
            throw ExitCode(1)
        }
        await consumed.close()
        if final?.status != .completed {
            printError("the action \(action) \(final.map { "failed: \($0.error?.description ?? "no reason given")" } ?? "ended without a final status")")
            throw ExitCode(1)
        }
    }

    static func parseInput(_ text: String) throws -> JSONValue {
        var source = text
        if text.hasPrefix("@") {
            do {
                let bytes = try FileIO.read(String(text.dropFirst()))
                source = String(decoding: bytes, as: UTF8.self)
            } catch {
                throw ValidationError("cannot read \(error)")
            }
        }
        do {
            return try JSONValue(parsing: source)
        } catch {
            throw ValidationError("--input is not JSON: \(error)")
        }
    }
}

struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a property of a thing and print its value as JSON.",
        discussion: "Example: lmos read http://127.0.0.1:9000 persona --via ws")

    @OptionGroup var thing: ThingOptions

    @Argument(help: "The property's name.")
    var property: String

    func run() async throws {
        let consumed = try await thing.fetch()
        do {
            let value = try await consumed.readProperty(property, via: try thing.transport)
            printJSON(value)
        } catch {
            await consumed.close()
            throw fail("reading \(property)", error)
        }
        await consumed.close()
    }
}

struct Write: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a property of a thing.",
        discussion: "Example: lmos write http://127.0.0.1:9000 persona '\"grumpy\"'")

    @OptionGroup var thing: ThingOptions

    @Argument(help: "The property's name.")
    var property: String

    @Argument(help: "The new value as JSON (a string needs its quotes), or @FILE.")
    var value: String

    func run() async throws {
        let newValue = try Call.parseInput(value)
        let consumed = try await thing.fetch()
        do {
            try await consumed.writeProperty(property, newValue, via: try thing.transport)
        } catch {
            await consumed.close()
            throw fail("writing \(property)", error)
        }
        await consumed.close()
    }
}

struct Subscribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a thing's events (or a property's changes) as they come, one JSON value per line.",
        discussion: """
            Runs until Ctrl-C, or until --count values were printed.

            Examples:
              lmos subscribe http://127.0.0.1:9000 messageReceived
              lmos subscribe http://127.0.0.1:9000 persona --property --via ws --count 1
            """)

    @OptionGroup var thing: ThingOptions

    @Argument(help: "The event's name (the property's, with --property).")
    var event: String

    @Flag(help: "Observe the property of that name instead of an event.")
    var property = false

    @Option(help: "Stop after this many values.")
    var count: Int?

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let consumed = try await thing.fetch()
        let values: AsyncThrowingStream<JSONValue, any Error>
        do {
            values = property
                ? try await consumed.observeProperty(event, via: try thing.transport)
                : try await consumed.subscribeEvent(event, via: try thing.transport)
        } catch {
            await consumed.close()
            throw fail("subscribing to \(event)", error)
        }
        print("subscribed to \(event)")
        flushStandardOutput()
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let reader = Task { () -> (any Error)? in
            var printed = 0
            do {
                for try await value in values {
                    print(value.jsonString())
                    flushStandardOutput()
                    printed += 1
                    if let count, printed >= count { return nil }
                }
                return BindingError("the thing ended the subscription")
            } catch {
                return error
            }
        }
        let stopper = Task {
            for await _ in signals {
                reader.cancel()
                return
            }
        }
        let failure = await reader.value
        stopper.cancel()
        await consumed.close()
        if let failure, !(failure is CancellationError) {
            printError("the subscription to \(event) ended: \(failure)")
            throw ExitCode(1)
        }
    }
}

/// Prints a value as indented JSON followed by one newline.
func printJSON(_ value: JSONValue) {
    var text = value.jsonString(options: .prettyPrinted)
    while text.hasSuffix("\n") { text.removeLast() }
    print(text)
}

/// HTTP clients made for one run of a command: kept until the process ends (an AsyncHTTPClient must not be
/// released before it is shut down, and a command's process ends right after its work).
enum ProcessClients {
    private static let clients = Mutex<[HTTPClient]>([])

    static func keep(_ client: HTTPClient) -> HTTPClient {
        clients.withLock { $0.append(client) }
        return client
    }
}
