import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

/// The `lmos` directory commands against a real server: register, deregister, keep-alive, and bad input.
/// (`lmos search` is in SearchTests, `lmos watch` in NotificationTests.)
@Suite("CLI against the directory")
struct DirectoryCLITests {
    static func write(_ document: JSONValue, in folder: URL, _ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(document.jsonBytes(options: .prettyPrinted)).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    @Test("lmos register prints the id, --ttl sets the registration's ttl, lmos deregister removes it")
    func registerAndDeregister() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-directory-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = "urn:example:cli:weather"
        let file = try Self.write(Descriptions.built(id: id), in: folder, "weather.json")

        let registered = try await CLI.run(["register", file, "--directory", directory.url, "--ttl", "300"])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.output == "registered \(id)\n")
        let registration = try #require(try await directory.description(id)?["registration"])
        #expect(registration["ttl"] == 300)
        // Again: an update. A trailing slash on the URL is fine.
        let again = try await CLI.run(["register", file, "--directory", directory.url + "/"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.output == "updated \(id)\n")

        // An anonymous description gets its id from the directory.
        let anonymousFile = try Self.write(Descriptions.agent(id: nil, title: "CLI anonymous"), in: folder, "anonymous.json")
        let anonymous = try await CLI.run(["register", anonymousFile, "--directory", directory.url])
        #expect(anonymous.status == 0, "\(anonymous.stderr)")
        let anonymousID = String(anonymous.output.dropFirst("registered ".count)).trimmingCharacters(in: .newlines)
        #expect(anonymous.output.hasPrefix("registered urn:uuid:"))
        #expect(try await directory.description(anonymousID)?["title"] == "CLI anonymous")

        // From standard input, as CBOR.
        let cborID = "urn:example:cli:cbor"
        let cbor = try await CLI.run(
            ["register", "-", "--directory", directory.url], stdin: Data(Descriptions.agent(id: cborID).cborBytes()))
        #expect(cbor.status == 0, "\(cbor.stderr)")
        #expect(cbor.output == "registered \(cborID)\n")

        for removed in [id, anonymousID, cborID] {
            let deregistered = try await CLI.run(["deregister", removed, "--directory", directory.url])
            #expect(deregistered.status == 0, "\(deregistered.stderr)")
            #expect(deregistered.output == "deregistered \(removed)\n")
            #expect(try await directory.description(removed) == nil)
        }
        // Deregistering what is not there fails with one line naming the problem.
        let missing = try await CLI.run(["deregister", id, "--directory", directory.url])
        #expect(missing.status == 1)
        #expect(Self.lines(missing.stderr).count == 1, "\(missing.stderr)")
        #expect(missing.stderr.contains("404") || missing.stderr.contains("no description"), "\(missing.stderr)")
        // An invalid description fails with the directory's reason.
        let invalidFile = try Self.write(Descriptions.setting("title", nil, in: Descriptions.agent(id: "urn:example:cli:bad")), in: folder, "bad.json")
        let invalid = try await CLI.run(["register", invalidFile, "--directory", directory.url])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("/title"), "\(invalid.stderr)")
    }

    @Test("lmos register --keep-alive --ttl 2 keeps the registration past its ttl and deregisters on SIGINT")
    func keepAlive() async throws {
        let directory = try await LiveDirectory.start()
        defer { directory.stop() }
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-directory-keepalive")
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = "urn:example:cli:kept"
        let file = try Self.write(Descriptions.agent(id: id, title: "Kept Alive"), in: folder, "kept.json")
        let events = try await EventStreamClient.open(directory, "/events")
        defer { events.close() }

        let process = try BackgroundProcess(lmosBinary(), ["register", file, "--directory", directory.url, "--keep-alive", "--ttl", "2"])
        defer { process.terminate() }
        let announced = try await eventually(timeout: .seconds(15)) { process.standardOutput.contains("\n") }
        #expect(announced, "\(process.standardError)")
        #expect(process.standardOutput.hasPrefix("registered \(id)"), "\(process.standardOutput)")
        let created = try #require(Format.time(try await directory.description(id)?["registration"]?["created"]))

        // Watch it for more than the ttl: it never disappears, and it is renewed.
        var checks = 0
        while Timestamp.now() < created.adding(seconds: 3.5) {
            let registration = try #require(try await directory.description(id)?["registration"], "gone after \(checks) checks")
            #expect(registration["ttl"] == 2)
            checks += 1
            try await Task.sleep(for: .milliseconds(200))
        }
        let renewed = try #require(try await directory.description(id)?["registration"])
        #expect(try #require(Format.time(renewed["modified"])) > created)
        #expect(renewed["created"]?.stringValue == created.rfc3339)
        #expect(process.isRunning)

        // Ctrl-C: it deregisters and exits.
        kill(process.processIdentifier, SIGINT)
        let exited = try await eventually(timeout: .seconds(10)) { !process.isRunning }
        #expect(exited)
        #expect(process.exitStatus == 0, "\(process.standardError)")
        #expect(process.standardOutput.contains("deregistered \(id)"), "\(process.standardOutput)")
        #expect(try await directory.description(id) == nil)
        // The last event is its deletion (by the client, not by expiry).
        var last: ServerSentEvent?
        while let event = try? await events.next(timeout: .milliseconds(500)) { last = event }
        #expect(last?.type == "thing_deleted")
    }

    @Test("bad input: a directory URL that is not http(s) exits 2, an unreachable directory exits 1, each with one line")
    func badInput() async throws {
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-directory-badinput")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try Self.write(Descriptions.agent(id: "urn:example:cli:unreachable"), in: folder, "agent.json")
        let notHTTP: [[String]] = [
            ["register", file, "--directory", "ftp://127.0.0.1:8080"],
            ["register", file, "--directory", "127.0.0.1:8080"],
            ["deregister", "urn:example:x", "--directory", "file:///tmp/directory"],
            ["search", "--directory", "ws://127.0.0.1:8080", "--type", "Agent"],
            ["watch", "--directory", "localhost"],
        ]
        for arguments in notHTTP {
            let result = try await CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(Self.lines(result.stderr).count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("http://"), "\(arguments): \(result.stderr)")
            #expect(result.output.isEmpty)
        }
        // Nothing listens on port 1 of the loopback interface. (The client retries refused connections until its
        // 30 s request timeout: the commands run side by side.)
        let unreachable: [[String]] = [
            ["register", file, "--directory", "http://127.0.0.1:1"],
            ["deregister", "urn:example:x", "--directory", "http://127.0.0.1:1"],
            ["search", "--directory", "http://127.0.0.1:1", "--type", "Agent"],
        ]
        let runs = unreachable.map { arguments in Task { (arguments, try await CLI.run(arguments)) } }
        for run in runs {
            let (arguments, result) = try await run.value
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(Self.lines(result.stderr).count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("127.0.0.1:1"), "\(arguments): \(result.stderr)")
            #expect(result.output.isEmpty)
        }
    }
}
