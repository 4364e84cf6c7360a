import ArgumentParser
import KRPC
import LMOSCore
import LMOSDHT
import LMOSIdentity
import NIOCore
import UnixSignals

struct DHT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dht",
        abstract: "Publish and find signed descriptions on the BitTorrent Mainline DHT (BEP 5 + BEP 44).",
        discussion: """
            A description is stored as a BEP 44 mutable item keyed by its owner's Ed25519 key (salt lmos-td) that
            points at immutable chunks of its canonical JSON; readers verify the item's signature, the chunks'
            hashes and the description's own proof. Capabilities and types are announced with announce_peer, and
            the announcing node answers lmos_who with the DIDs it publishes. No bootstrap node is built in: name
            one (to join the public Mainline DHT, for example --bootstrap router.bittorrent.com:6881).
            """,
        subcommands: [DHTNodeCommand.self, DHTPublish.self, DHTResolve.self, DHTFind.self]
    )
}

/// Options every DHT command shares.
struct DHTOptions: ParsableArguments {
    @Option(help: "A node to join through (HOST:PORT, IPv4 or a host name); repeatable.")
    var bootstrap: [String] = []

    @Option(help: "The address to bind the UDP socket to.")
    var host: String = "0.0.0.0"

    @Option(help: "Seconds to wait for one node's answer.")
    var timeout: Double = 2

    func validate() throws {
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be between 0 and 60 seconds") }
        for entry in bootstrap where Self.split(entry) == nil {
            throw ValidationError("'\(entry)' is not HOST:PORT")
        }
    }

    static func split(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port), colon > text.startIndex
        else { return nil }
        return (String(text[..<colon]), port)
    }

    /// The bootstrap endpoints, host names resolved (IPv4).
    func endpoints() throws -> [NodeEndpoint] {
        try bootstrap.map { entry in
            guard let (host, port) = Self.split(entry) else { throw ExitCode(2) }
            if let endpoint = NodeEndpoint(host: host, port: port) { return endpoint }
            do {
                let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
                guard case .v4 = address, let text = address.ipAddress, let endpoint = NodeEndpoint(host: text, port: port)
                else {
                    printError("\(host) has no IPv4 address (the DHT here speaks IPv4)")
                    throw ExitCode(1)
                }
                return endpoint
            } catch let exit as ExitCode {
                throw exit
            } catch {
                printError("cannot resolve \(host): \(error)")
                throw ExitCode(1)
            }
        }
    }

    func configuration(port: Int = 0, readOnly: Bool, stateFile: String? = nil) throws -> DHTNodeConfiguration {
        DHTNodeConfiguration(
            host: host, port: port, bootstrap: try endpoints(), stateFile: stateFile, readOnly: readOnly,
            queryTimeout: timeout)
    }

    /// Starts a node and joins; exit 1 with one line when no node answers.
    func startJoined(_ configuration: DHTNodeConfiguration) async throws -> DHTNode {
        let node: DHTNode
        do {
            node = try await DHTNode.start(configuration)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        if await node.knownNodes.isEmpty {
            await node.stop()
            printError("no DHT node answered at \(bootstrap.joined(separator: ", "))")
            throw ExitCode(1)
        }
        return node
    }
}

struct DHTNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a DHT node until Ctrl-C.",
        discussion: """
            Answers ping, find_node, get_peers, announce_peer, get, put (BEP 44: signatures, sequence numbers, CAS and
            sizes checked) and lmos_who. Prints one line when listening. With --state the node keeps its id and the
            nodes it knew across runs. With --publish and --key it also publishes that description, re-publishes
            it every 60 minutes, and announces it so that `lmos dht find` reaches it.

            Examples:
              lmos dht node --port 6881
              lmos dht node --port 6882 --bootstrap 127.0.0.1:6881 --state dht-state.json
              lmos dht node --bootstrap 127.0.0.1:6881 --publish agent.signed.json --key agent.key.json
            """)

    @Option(help: "The UDP port (0: any free port).")
    var port: Int = 6881

    @OptionGroup var options: DHTOptions

    @Option(help: "Where to keep the node id and known nodes across runs.")
    var state: String?

    @Option(help: "A signed description to publish while the node runs (needs --key).")
    var publish: String?

    @Option(help: "The key file the description was signed with.")
    var key: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard (publish == nil) == (key == nil) else { throw ValidationError("--publish and --key go together") }
    }

    func run() async throws {
        bootstrapQuietLogging()
        var toPublish: (JSONValue, Ed25519KeyPair)?
        if let publish, let key {
            toPublish = (try readDocument(publish), try readKey(key))
        }
        let node: DHTNode
        do {
            node = try await DHTNode.start(try options.configuration(port: port, readOnly: false, stateFile: state))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        // Trap Ctrl-C before saying we are up: a signal right after the line must stop us gracefully.
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let known = await node.knownNodes.count
        print("dht node \(node.id.hex) listening on udp \(options.host):\(await node.port), \(known) nodes known")
        flushStandardOutput()
        if let (description, key) = toPublish {
            do {
                let report = try await node.publish(description, key: key)
                printReport(report)
            } catch {
                printError("publish failed: \(error)")
            }
            flushStandardOutput()
        }
        for await _ in signals { break }
        let statistics = await node.statistics
        await node.stop()
        print("stopped: \(statistics.routingTableSize) nodes known, \(statistics.itemsStored) items stored")
    }
}

struct DHTPublish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a signed description on the DHT and print its DID and the targets written.",
        discussion: """
            The description must carry an eddsa-jcs-2022 proof made with KEYFILE (lmos sign). Prints the DID, the
            pointer item's target and sequence number, each chunk's target, and how many nodes stored each. Without
            --keep-alive the command joins as a read-only node, writes and exits: the records live on the DHT
            for about two hours, and capability rendezvous are not announced (nobody would be there to answer
            lmos_who). With --keep-alive it announces them and stays, re-publishing every 60 minutes, until Ctrl-C.

            Examples:
              lmos dht publish agent.signed.json --key agent.key.json --bootstrap 127.0.0.1:6881
              lmos dht publish agent.signed.json --key agent.key.json --bootstrap 127.0.0.1:6881 --keep-alive
            """)

    @Argument(help: "The signed description (JSON or CBOR).")
    var file: String

    @Option(help: "The key file the description was signed with.")
    var key: String

    @OptionGroup var options: DHTOptions

    @Option(help: "A second description of the same key is stored under salt lmos-td:<local-id>.")
    var localID: String?

    @Flag(help: "Stay on the DHT: announce capabilities, answer lmos_who, re-publish hourly, until Ctrl-C.")
    var keepAlive = false

    @Option(help: "The UDP port with --keep-alive (0: any free port).")
    var port: Int = 0

    func validate() throws {
        guard !options.bootstrap.isEmpty else { throw ValidationError("name a node to join with --bootstrap HOST:PORT") }
    }

    func run() async throws {
        bootstrapQuietLogging()
        let description = try readDocument(file)
        let keyPair = try readKey(key)
        let node = try await options.startJoined(try options.configuration(port: port, readOnly: !keepAlive))
        let signals = keepAlive ? await UnixSignalsSequence(trapping: .sigint, .sigterm) : nil
        let report: PublishReport
        do {
            report = try await node.publish(description, key: keyPair, localID: localID, announce: keepAlive)
        } catch {
            await node.stop()
            printError("publish failed: \(error)")
            throw ExitCode(1)
        }
        printReport(report)
        flushStandardOutput()
        if let signals {
            for await _ in signals { break }
        }
        await node.stop()
    }
}

struct DHTResolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Find a DID's description on the DHT and print it once verified.",
        discussion: """
            Resolves the DID (did:key, or did:web over HTTPS) to its Ed25519 keys, reads the pointer item under
            each, fetches and checks the chunks, and verifies the description's proof, which must name the DID and
            the key the pointer was signed with. Exit 1 when no description verifies.

            Examples:
              lmos dht resolve did:key:z6Mk... --bootstrap 127.0.0.1:6881
            """)

    @Argument(help: "The DID (did:key:... or did:web:...).")
    var did: String

    @OptionGroup var options: DHTOptions

    @Option(help: "Read the description stored under salt lmos-td:<local-id>.")
    var localID: String?

    func validate() throws {
        guard did.hasPrefix("did:key:") || did.hasPrefix("did:web:") else {
            throw ValidationError("'\(did)' is not a did:key or did:web")
        }
        guard !options.bootstrap.isEmpty else { throw ValidationError("name a node to join with --bootstrap HOST:PORT") }
    }

    func run() async throws {
        bootstrapQuietLogging()
        let node = try await options.startJoined(try options.configuration(readOnly: true))
        do {
            let resolved = try await node.resolve(did, localID: localID)
            await node.stop()
            printJSON(resolved.document)
        } catch {
            await node.stop()
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

struct DHTFind: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find agents and tools by capability (or type) on the DHT; print DIDs and titles of verified matches.",
        discussion: """
            Asks the nodes closest to the capability's rendezvous (get_peers on SHA-1 of lmos:capability:<id>) for
            the peers announced there, asks each peer which DIDs it publishes (lmos_who), resolves and verifies each
            description, and keeps those that list the capability. Exit 1 when none verifies.

            Examples:
              lmos dht find --capability urn:acme:capability:billing:view --bootstrap 127.0.0.1:6881
              lmos dht find --type Agent --bootstrap 127.0.0.1:6881 --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "The capability id (for example urn:acme:capability:billing:view).")
    var capability: String?

    @Option(help: "Agent or Tool (instead of --capability).")
    var type: String?

    @Option(help: "table (DID and title) or json (one object per match).")
    var format: Format = .table

    @OptionGroup var options: DHTOptions

    func validate() throws {
        guard (capability == nil) != (type == nil) else { throw ValidationError("give --capability or --type") }
        if let type, type != "Agent", type != "Tool" { throw ValidationError("--type is Agent or Tool") }
        guard !options.bootstrap.isEmpty else { throw ValidationError("name a node to join with --bootstrap HOST:PORT") }
    }

    func run() async throws {
        bootstrapQuietLogging()
        let node = try await options.startJoined(try options.configuration(readOnly: true))
        let found: [ResolvedDescription]
        if let capability {
            found = await node.find(capability: capability)
        } else {
            found = await node.find(type: type ?? "Agent")
        }
        await node.stop()
        guard !found.isEmpty else {
            printError("no verified description announced under \(capability.map { "capability " + $0 } ?? "type " + (type ?? ""))")
            throw ExitCode(1)
        }
        switch format {
        case .table:
            print(renderTable(found.map { [$0.did, $0.document["title"]?.stringValue ?? ""] }))
        case .json:
            for match in found {
                var object = JSONObject()
                object["did"] = .string(match.did)
                object["title"] = match.document["title"] ?? .null
                object["id"] = match.document["id"] ?? .null
                object["description"] = match.document
                print(JSONValue.object(object).jsonString())
            }
        }
    }
}

private func readKey(_ file: String) throws -> Ed25519KeyPair {
    do {
        return try Ed25519KeyPair(contentsOfFile: file)
    } catch {
        printError("\(file): \(error)")
        throw ExitCode(2)
    }
}

private func printReport(_ report: PublishReport) {
    print(report.did)
    print("pointer \(report.pointerTarget.hex) seq \(report.sequenceNumber) stored on \(report.pointerStored) nodes")
    for (target, stored) in zip(report.chunkTargets, report.chunksStored) {
        print("chunk \(target.hex) stored on \(stored) nodes")
    }
    for announcement in report.rendezvous {
        print("rendezvous \(announcement.name) \(announcement.infoHash.hex) announced on \(announcement.accepted) nodes")
    }
}
