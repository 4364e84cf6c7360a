import ArgumentParser
import AsyncHTTPClient
import LMOSAuth
import LMOSCore
import LMOSDirectoryClient
import UnixSignals

struct Register: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register a description with a directory.",
        discussion: """
            A description with an id is registered at /things/{id} (PUT); one without gets an id from the directory
            (POST), which is printed. With --keep-alive the registration is renewed before its time-to-live runs out
            until Ctrl-C, and then removed.

            Examples:
              lmos register weather.json --directory http://127.0.0.1:8080
              lmos register weather.json --directory http://127.0.0.1:8080 --ttl 300
              lmos register weather.json --directory http://127.0.0.1:8080 --ttl 30 --keep-alive
            """
    )

    @Argument(help: "The description (JSON or CBOR), or - for standard input.")
    var file: String

    @Option(help: "The directory's URL.")
    var directory: String

    @OptionGroup(title: "Credentials") var credentials: DirectoryCredentialOptions

    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    @Option(help: "Time-to-live of the registration in seconds (default with --keep-alive: 60).")
    var ttl: Double?

    @Flag(name: .customLong("keep-alive"), help: "Renew the registration until Ctrl-C, then deregister.")
    var keepAlive = false

    func validate() throws {
        if let ttl, !(ttl > 0) { throw ValidationError("--ttl must be a number of seconds above 0") }
        if keepAlive, let ttl, ttl < 1 { throw ValidationError("--ttl must be at least 1 second with --keep-alive") }
    }

    func run() async throws {
        let document = try readDocument(file)
        try await withDirectoryClient(directory, tls: tls, credentials: credentials) { client in try await run(document, client) }
    }

    private func run(_ document: JSONValue, _ client: DirectoryClient) async throws {
        guard keepAlive else {
            do {
                let registration = try await client.register(document, ttl: ttl)
                print("\(registration.created ? "registered" : "updated") \(registration.id)")
            } catch {
                printError("cannot register \(file): \(error)")
                throw ExitCode(1)
            }
            return
        }
        let lifetime = ttl ?? 60
        // Ctrl-C is trapped before anything is printed, so that a signal right after the first line deregisters.
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let outcome = await withTaskGroup(of: Result<Void, DirectoryClientError>?.self) { group in
            group.addTask {
                do throws(DirectoryClientError) {
                    try await client.keepRegistered(document, ttl: lifetime) { event in
                        switch event {
                        case .registered(let id): print("registered \(id); renewing every \(lifetime / 2) s until Ctrl-C")
                        case .renewed(let id): printError("renewed \(id)")
                        case .renewalFailed(let id, let error): printError("renewing \(id) failed: \(error)")
                        case .deregistered(let id): print("deregistered \(id)")
                        case .deregistrationFailed(let id, let error): printError("deregistering \(id) failed: \(error)")
                        }
                        flushStandardOutput()
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                for await _ in signals { break }
                return nil
            }
            var result: Result<Void, DirectoryClientError> = .success(())
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                    break
                }
                group.cancelAll()
            }
            return result
        }
        if case .failure(let error) = outcome {
            printError("\(file): \(error)")
            throw ExitCode(1)
        }
    }
}

struct Deregister: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a registration from a directory.",
        discussion: """
            Examples:
              lmos deregister urn:uuid:9b2f0c3e-5d1a-4c8e-9f3b-2a7d6e1c0b4f --directory http://127.0.0.1:8080
            """
    )

    @Argument(help: "The id of the description.")
    var id: String

    @Option(help: "The directory's URL.")
    var directory: String

    @OptionGroup(title: "Credentials") var credentials: DirectoryCredentialOptions

    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    func run() async throws {
        try await withDirectoryClient(directory, tls: tls, credentials: credentials) { client in
            do {
                try await client.deregister(id: id)
                print("deregistered \(id)")
            } catch {
                printError("cannot deregister \(id): \(error)")
                throw ExitCode(1)
            }
        }
    }
}

/// Runs `body` with a client for the directory at `url` (or exits 2 with the reason), on an HTTP client that fails
/// at once when nothing listens (instead of retrying until the request times out) and is shut down afterwards.
func withDirectoryClient<T: Sendable>(
    _ url: String, tls: ClientTLSOptions, credentials: DirectoryCredentialOptions, _ body: (DirectoryClient) async throws -> T
) async throws -> T {
    let http = try tls.httpClient()
    var client: DirectoryClient
    do {
        client = try DirectoryClient(url: url, httpClient: http)
        client.authorization = credentials.credentials(httpClient: http).directoryAuthorization
    } catch {
        try? await http.shutdown()
        printError("--directory: \(error.detail)")
        throw ExitCode(2)
    }
    do {
        let result = try await body(client)
        try? await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}
