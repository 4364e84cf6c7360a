import Foundation
import LMOSConsumer
import LMOSCore
import LMOSDescription
import LMOSDirectoryClient
import LMOSLocalDiscovery
import LMOSTestSupport
import Testing

/// The whole local-network path with the real CLI: `lmos directory serve --advertise`, `lmos advertise`,
/// `lmos discover`, and the Discovery API merging what mDNS, a directory and a direct URL say.
@Suite("Discovery end to end", .serialized, .enabled(if: NetworkSandbox.isPrivate))
struct DiscoveryEndToEndTests {
    static func description(_ id: String, _ title: String) -> String {
        """
        {"@context": "https://www.w3.org/2022/wot/td/v1.1", "id": "\(id)", "title": "\(title)",
         "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}}, "security": "nosec_sc",
         "properties": {"status": {"type": "string", "forms": [{"href": "http://127.0.0.1:1/status"}]}}}
        """
    }

    /// Serves `files` (name -> text) over HTTP on a free loopback port; returns the server and its base URL.
    static func serve(_ files: [String: String]) async throws -> (BackgroundProcess, String) {
        let folder = try Subprocess.temporaryDirectory(prefix: "lmos-discovery")
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let (executable, arguments) = unblockingSignals(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path])
        let server = try BackgroundProcess(executable, arguments)
        let line = try await server.line(timeout: 10) { $0.contains("port ") }
        let port = try #require(line.split(separator: " ").drop(while: { $0 != "port" }).dropFirst().first)
        return (server, "http://127.0.0.1:\(port)")
    }

    /// Starts `lmos directory serve` advertising itself on `lo`; returns it and its URL.
    static func directory(named name: String) async throws -> (BackgroundProcess, String) {
        let process = try BackgroundProcess(
            try lmosBinary(),
            ["directory", "serve", "--store", "memory", "--port", "0", "--advertise", "--interface", "lo", "--advertise-name", name])
        let listening = try await process.line(timeout: 20) { $0.contains("listening on") }
        let url = try #require(listening.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        _ = try await process.line(timeout: 10) { $0.contains("advertised as") }
        return (process, url)
    }

    @Test func aDirectoryFoundByMDNSIsFollowedAndMergedWithADirectURL() async throws {
        let (directory, directoryURL) = try await Self.directory(named: "E2E Directory")
        defer { directory.terminate() }
        let client = try DirectoryClient(url: directoryURL)
        try await client.register(try JSONValue(parsing: Self.description("urn:test:e2e:one", "E2E One")))
        try await client.register(try JSONValue(parsing: Self.description("urn:test:e2e:two", "E2E Two")))
        let (server, serverURL) = try await Self.serve(["one.json": Self.description("urn:test:e2e:one", "E2E One")])
        defer { server.terminate() }

        let result = await Discovery().discover(
            [.multicastDNS(.named(["lo"])), .url(serverURL + "/one.json")], timeout: .seconds(2))
        // Other suites may advertise services without a server at the same time; ours must have no problem.
        let ours = result.problems.filter { $0.contains(directoryURL) || $0.contains(serverURL) }
        #expect(ours.isEmpty, "\(ours)")
        let ids = result.things.compactMap(\.id)
        #expect(ids.filter { $0 == "urn:test:e2e:one" }.count == 1)
        #expect(ids.contains("urn:test:e2e:two"))
        let directoryThing = try #require(result.things.first { $0.types.contains("ThingDirectory") })
        #expect(directoryThing.sources.contains(.multicastDNS(name: "E2E Directory", type: "Directory")))
        let one = try #require(result.things.first { $0.id == "urn:test:e2e:one" })
        #expect(one.sources.contains(.url(serverURL + "/one.json")))
        #expect(one.sources.contains(.directory(directoryURL)))

        // The same through the CLI.
        let cli = try Subprocess.run(try lmosBinary(), ["discover", "--mdns", "--interface", "lo", "--timeout", "2", "--format", "json"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let listed = try JSONValue(parsing: Array(cli.stdout)).arrayValue ?? []
        #expect(listed.contains { $0["name"]?.stringValue == "E2E Directory" && $0["type"]?.stringValue == "Directory" })
        #expect(listed.contains { $0["id"]?.stringValue == "urn:test:e2e:two" })
        let table = try Subprocess.run(try lmosBinary(), ["discover", "--mdns", "--interface", "lo", "--timeout", "2"])
        #expect(table.output.contains("E2E Directory"))
        #expect(table.output.contains("E2E Two"))

        // Stopping the directory says goodbye: a browser drops it at once.
        let mdns = try await MulticastDNS.start(interfaces: .named(["lo"]))
        let events = await mdns.browse(.wot, subtype: ServiceType.directorySubtype)
        var removed = false
        for await event in events {
            if case .added(let service) = event, service.name == "E2E Directory" {
                #expect(await directory.signal(SIGINT) == 0)
            }
            if case .removed(let service) = event, service.name == "E2E Directory" {
                removed = true
                break
            }
        }
        await mdns.shutdown()
        #expect(removed)
        #expect(directory.standardOutput.contains("advertised as \"E2E Directory\""))
    }

    @Test func lmosAdvertiseIsSeenByZeroconfAndSaysGoodbye() async throws {
        let advertiser = try BackgroundProcess(
            try lmosBinary(), ["advertise", "http://127.0.0.1:8150/things/x", "--name", "CLI Agent", "--interface", "lo"])
        let line = try await advertiser.line(timeout: 10) { $0.hasPrefix("advertising") }
        #expect(line == "advertising \"CLI Agent\" as _wot._tcp Thing -> http://127.0.0.1:8150/things/x")
        let browser = try ZeroconfInteropTests.peer(["browse", "--type", "_wot._tcp.local.", "--timeout", "8"])
        let added = ZeroconfInteropTests.json(try await browser.line(timeout: 8) { $0.contains("\"added\"") && $0.contains("CLI Agent") })
        #expect(added["port"] as? Int == 8150)
        #expect((added["txt"] as? [String: String?])?["td"] == "/things/x")
        #expect(await advertiser.signal(SIGINT) == 0)
        #expect(advertiser.standardOutput.contains("goodbye sent for \"CLI Agent\""))
        _ = try await browser.line(timeout: 5) { $0.contains("\"removed\"") && $0.contains("CLI Agent") }
        browser.terminate()
    }

    @Test func cliErrors() throws {
        let noInterface = try Subprocess.run(try lmosBinary(), ["advertise", "http://127.0.0.1:1", "--name", "x", "--interface", "nope0"])
        #expect(noInterface.status == 1)
        #expect(noInterface.stderr.contains("no network interface named nope0"))
        let badURL = try Subprocess.run(try lmosBinary(), ["advertise", "ftp://x", "--name", "x"])
        #expect(badURL.status != 0 && badURL.status != 1)
        let nowhere = try Subprocess.run(try lmosBinary(), ["discover"])
        #expect(nowhere.status != 0)
        #expect(nowhere.stderr.contains("--mdns"))
        let unreachable = try Subprocess.run(try lmosBinary(), ["discover", "--url", "http://127.0.0.1:1/td", "--timeout", "1"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("127.0.0.1:1"))
    }

    @Test func anAgentAdvertisesItselfAndRegistersInTheDirectoryItFindsByMDNS() async throws {
        let (directory, directoryURL) = try await Self.directory(named: "Agent E2E Directory")
        defer { directory.terminate() }
        let id = "urn:uuid:" + UUIDv4.random()
        let agent = try BackgroundProcess(
            try lmosBinary(),
            ["example", "agent", "--port", "0", "--id", id, "--advertise", "--discover-directories", "--interface", "lo", "--ttl", "5"])
        defer { agent.terminate() }
        _ = try await agent.line(timeout: 20) { $0.hasPrefix("description: ") }
        _ = try await agent.line(timeout: 20) { $0.contains("advertised as") }
        _ = try await agent.line(timeout: 20) { $0.contains("registered \(id) in \(directoryURL)") }

        let result = await Discovery().discover([.multicastDNS(.named(["lo"]))], timeout: .seconds(2))
        let found = try #require(result.things.first { $0.id == id }, "\(result.problems)")
        #expect(found.sources.contains(.multicastDNS(name: "LMOS Example Agent", type: "Thing")), "\(found.sources)")
        #expect(found.sources.contains(.directory(directoryURL)))
        let thing = ConsumedThing(description: try ThingDescription(found.description), url: found.url)
        let output = try await thing.invokeAction("chat", input: ["messages": [["role": "user", "content": "found you"]]])
        #expect(output?["messages"]?[0]?["content"] == "(helpful) You said: found you")
        await thing.close()

        // Ctrl-C: goodbye on mDNS and deregistration.
        #expect(await agent.signal(SIGINT, waitingUpTo: 15) == 0, "\(agent.standardError)")
        #expect(agent.standardOutput.contains("deregistered \(id) from \(directoryURL)"))
        let listed = try await DirectoryClient(url: directoryURL).list()
        #expect(!listed.contains { $0["id"]?.stringValue == id })
    }
}
