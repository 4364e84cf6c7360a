import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

/// `lmos dht node / publish / resolve / find`, `lmos discover --dht` and `lmos example agent --dht` as a user
/// runs them, all on 127.0.0.1.
extension DHTLoopback {
    @Suite struct CLITests {
        static func lmos(_ arguments: [String]) throws -> Subprocess.Result {
            try Subprocess.run(try lmosBinary(), arguments)
        }

        /// Starts `lmos dht node` and returns it with its port.
        static func node(_ extra: [String] = []) async throws -> (BackgroundProcess, Int) {
            let (executable, arguments) = unblockingSignals(
                try lmosBinary(), ["dht", "node", "--port", "0", "--host", "127.0.0.1", "--timeout", "0.5"] + extra)
            let process = try BackgroundProcess(executable, arguments)
            let line = try await process.line(timeout: 20) { $0.hasPrefix("dht node ") }
            let port = Int(line.split(separator: ":").last?.split(separator: ",").first ?? "") ?? 0
            return (process, port)
        }

        @Test func publishResolveFindAndDiscover() async throws {
            let directory = try Subprocess.temporaryDirectory(prefix: "lmos-dht-cli")
            defer { try? FileManager.default.removeItem(at: directory) }
            let state = directory.appendingPathComponent("state.json").path
            let (first, port) = try await Self.node(["--state", state])
            defer { first.terminate() }
            var others: [BackgroundProcess] = []
            defer { for other in others { other.terminate() } }
            for _ in 0..<5 { others.append(try await Self.node(["--bootstrap", "127.0.0.1:\(port)"]).0) }
            let bootstrap = ["--bootstrap", "127.0.0.1:\(port)", "--host", "127.0.0.1"]

            let key = directory.appendingPathComponent("agent.key.json").path
            #expect(try Self.lmos(["identity", "new", "--out", key]).status == 0)
            let did = try Self.lmos(["identity", "show", key]).output.split(separator: "\n").first.map(String.init) ?? ""
            let signed = directory.appendingPathComponent("agent.signed.json")
            let capability = "urn:acme:capability:billing:view"
            let description = try signedDescription(key: .init(contentsOfFile: key), title: "Billing CLI", capability: capability)
            try Data(description.jsonBytes()).write(to: signed)

            let published = try Self.lmos(["dht", "publish", signed.path, "--key", key] + bootstrap)
            #expect(published.status == 0, "\(published.stderr)")
            let lines = published.output.split(separator: "\n").map(String.init)
            #expect(lines.first == did)
            #expect(lines.contains { $0.hasPrefix("pointer ") && $0.contains("stored on 6 nodes") }, "\(lines)")
            #expect(lines.filter { $0.hasPrefix("chunk ") }.count >= 2)

            let resolved = try Self.lmos(["dht", "resolve", did] + bootstrap)
            #expect(resolved.status == 0, "\(resolved.stderr)")
            #expect(try JSONValue(parsing: Array(resolved.stdout)) == description)

            // A one-shot publish announces nothing; with --keep-alive the publisher stays and answers lmos_who.
            #expect(try Self.lmos(["dht", "find", "--capability", capability] + bootstrap).status == 1)
            let (executable, arguments) = unblockingSignals(
                try lmosBinary(), ["dht", "publish", signed.path, "--key", key, "--keep-alive"] + bootstrap)
            let keeper = try BackgroundProcess(executable, arguments)
            defer { keeper.terminate() }
            _ = try await keeper.line(timeout: 20) { $0.hasPrefix("rendezvous lmos:type:Agent") }
            let found = try Self.lmos(["dht", "find", "--capability", capability] + bootstrap)
            #expect(found.status == 0, "\(found.stderr)")
            #expect(found.output.contains(did) && found.output.contains("Billing CLI"))
            let json = try Self.lmos(["dht", "find", "--type", "Agent", "--format", "json"] + bootstrap)
            let firstLine = json.output.split(separator: "\n").first.map(String.init) ?? ""
            let match = try JSONValue(parsing: firstLine)
            #expect(match["did"]?.stringValue == did)
            #expect(match["description"] == description)

            let discovered = try Self.lmos(
                ["discover", "--dht", "127.0.0.1:\(port)", "--did", did, "--capability", capability, "--format", "json"])
            #expect(discovered.status == 0, "\(discovered.stderr)")
            let things = try JSONValue(parsing: Array(discovered.stdout))
            #expect(things.arrayValue?.count == 1)
            #expect(things[0]?["sources"] == .array([.string("dht \(did)")]))
            #expect(await keeper.signal(SIGINT) == 0)

            // The first node keeps its id across a restart through --state.
            // `lmos dht node --publish` publishes, announces and answers lmos_who while it runs.
            let (host, _) = try await Self.node(
                ["--bootstrap", "127.0.0.1:\(port)", "--publish", signed.path, "--key", key])
            defer { host.terminate() }
            _ = try await host.line(timeout: 20) { $0.hasPrefix("rendezvous lmos:capability:") }
            let hosted = try Self.lmos(["dht", "find", "--capability", capability] + bootstrap)
            #expect(hosted.status == 0 && hosted.output.contains(did), "\(hosted.stderr)")

            let id = first.standardOutput.split(separator: " ")[2]
            #expect(await first.signal(SIGINT) == 0)
            #expect(first.standardOutput.contains("stopped: "))
            let (again, _) = try await Self.node(["--state", state])
            defer { again.terminate() }
            #expect(again.standardOutput.split(separator: " ")[2] == id)
        }

        @Test func theExampleAgentPublishesItselfAndIsFoundByCapability() async throws {
            let directory = try Subprocess.temporaryDirectory(prefix: "lmos-dht-agent")
            defer { try? FileManager.default.removeItem(at: directory) }
            let (first, port) = try await Self.node()
            defer { first.terminate() }
            var others: [BackgroundProcess] = []
            defer { for other in others { other.terminate() } }
            for _ in 0..<3 { others.append(try await Self.node(["--bootstrap", "127.0.0.1:\(port)"]).0) }
            let key = directory.appendingPathComponent("agent.key.json").path
            #expect(try Self.lmos(["identity", "new", "--out", key]).status == 0)
            let (executable, arguments) = unblockingSignals(
                try lmosBinary(), ["example", "agent", "--port", "0", "--dht", "127.0.0.1:\(port)", "--key", key])
            let agent = try BackgroundProcess(executable, arguments)
            defer { agent.terminate() }
            let line = try await agent.line(timeout: 30) { $0.hasPrefix("published on the DHT as ") }
            let did = String(line.dropFirst("published on the DHT as ".count).prefix { $0 != " " })
            let bootstrap = ["--bootstrap", "127.0.0.1:\(port)", "--host", "127.0.0.1"]
            let resolved = try Self.lmos(["dht", "resolve", did] + bootstrap)
            #expect(resolved.status == 0, "\(resolved.stderr)")
            let document = try JSONValue(parsing: Array(resolved.stdout))
            #expect(document["proof"]?["verificationMethod"]?.stringValue?.hasPrefix(did) == true)
            #expect(document["actions"]?["chat"] != nil)
            let found = try Self.lmos(["dht", "find", "--capability", "urn:swift-lmos:capability:chat"] + bootstrap)
            #expect(found.status == 0 && found.output.contains(did), "\(found.output) \(found.stderr)")
            #expect(await agent.signal(SIGINT) == 0)
        }

        @Test func errorsAreOneLineAndNonZero() async throws {
            let directory = try Subprocess.temporaryDirectory(prefix: "lmos-dht-errors")
            defer { try? FileManager.default.removeItem(at: directory) }
            let (node, port) = try await Self.node()
            defer { node.terminate() }
            let bootstrap = ["--bootstrap", "127.0.0.1:\(port)", "--host", "127.0.0.1", "--timeout", "0.5"]

            // Nobody answers at the bootstrap address.
            let (silent, silentPort) = try await Self.node()
            #expect(await silent.signal(SIGINT) == 0)
            let unreachable = try Self.lmos(
                ["dht", "resolve", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "--bootstrap",
                 "127.0.0.1:\(silentPort)", "--host", "127.0.0.1", "--timeout", "0.3"])
            #expect(unreachable.status == 1)
            #expect(unreachable.stderr.contains("no DHT node answered"))
            #expect(unreachable.stderr.split(separator: "\n").count == 1)

            // A port already taken.
            let taken = try Self.lmos(["dht", "node", "--port", "\(port)", "--host", "127.0.0.1"])
            #expect(taken.status == 1)
            #expect(taken.stderr.contains("cannot open the DHT socket"))

            // Nothing published under this DID.
            let missing = try Self.lmos(["dht", "resolve", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"] + bootstrap)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("not found"))

            // Not a DID, no bootstrap, bad endpoint: usage errors.
            #expect(try Self.lmos(["dht", "resolve", "https://example.com"] + bootstrap).status == 64)
            #expect(try Self.lmos(["dht", "find", "--capability", "x"]).status == 64)
            #expect(try Self.lmos(["dht", "resolve", "did:key:z6Mk", "--bootstrap", "nohostport"]).status == 64)

            // An unsigned description, a key file that is not one.
            let key = directory.appendingPathComponent("k.json").path
            #expect(try Self.lmos(["identity", "new", "--out", key]).status == 0)
            let unsigned = directory.appendingPathComponent("unsigned.json")
            try Data(#"{"title": "x", "@context": "https://www.w3.org/2022/wot/td/v1.1"}"#.utf8).write(to: unsigned)
            let refused = try Self.lmos(["dht", "publish", unsigned.path, "--key", key] + bootstrap)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("not signed"))
            #expect(try Self.lmos(["dht", "publish", unsigned.path, "--key", unsigned.path] + bootstrap).status == 2)
        }
    }
}
