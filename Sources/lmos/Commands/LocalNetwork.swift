import ArgumentParser
import AsyncHTTPClient
import KRPC
import LMOSConsumer
import LMOSCore
import LMOSLocalDiscovery
import Logging
import UnixSignals

struct Advertise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Advertise a description URL on the local network (DNS-SD over mDNS) until Ctrl-C.",
        discussion: """
            Announces the service NAME._wot._tcp.local (directories also under _directory._sub._wot._tcp) with TXT
            td (the URL's path), type (Thing or Directory) and scheme, pointing at this machine's addresses and the
            URL's port. The URL must be served by this machine. If another host already uses NAME, the service is
            renamed "NAME (2)" and so on. Ctrl-C (or SIGTERM) sends a goodbye so browsers drop it at once.

            Examples:
              lmos advertise http://192.168.1.20:8080/.well-known/wot --name "Weather Agent"
              lmos advertise http://192.168.1.20:8080 --name "Office Directory" --type Directory --interface eth0
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case thing = "Thing"
        case directory = "Directory"
    }

    @Argument(help: "The description's URL (http or https; the path defaults to /.well-known/wot).")
    var url: String

    @Option(help: "The service instance name, up to 63 bytes.")
    var name: String

    @Option(help: "Thing or Directory.")
    var type: Kind = .thing

    @Option(help: "The network interface (default: every multicast-capable one).")
    var interface: String?

    func validate() throws {
        guard ServiceURL(url) != nil else {
            throw ValidationError("'\(url)' is not an http:// or https:// URL with a host")
        }
        guard !name.isEmpty, name.utf8.count <= 63 else { throw ValidationError("--name must be 1 to 63 bytes long") }
    }

    func run() async throws {
        guard let target = ServiceURL(url) else { throw ExitCode(2) }
        bootstrapQuietLogging()
        let service: ServiceInstance
        let mdns: MulticastDNS
        let advertisement: MulticastDNS.Advertisement
        do {
            service = try ServiceInstance.wot(
                name: name, port: target.port, descriptionPath: target.path, isDirectory: type == .directory,
                scheme: target.scheme)
            mdns = try await MulticastDNS.start(interfaces: InterfaceSelection(interface))
        } catch {
            printError("cannot advertise: \(error)")
            throw ExitCode(1)
        }
        do {
            advertisement = try await mdns.advertise(service)
        } catch {
            await mdns.shutdown()
            printError("cannot advertise: \(error)")
            throw ExitCode(1)
        }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let renamed = advertisement.name == name ? "" : " (\"\(name)\" was taken)"
        print("advertising \"\(advertisement.name)\"\(renamed) as _wot._tcp \(type.rawValue) -> \(url)")
        flushStandardOutput()
        for await _ in signals { break }
        await mdns.shutdown()
        print("goodbye sent for \"\(advertisement.name)\"")
    }
}

struct Discover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find agents, tools and directories on the local network, in directories and at URLs.",
        discussion: """
            Browses _wot._tcp with mDNS for --timeout seconds (--mdns), lists directories (--directory) and reads
            descriptions (--url), follows directories to the things they list, fetches each description, and prints
            them once each (merged by id): name, type, description URL, title and @type. Problems (an unreachable
            URL) go to standard error; the exit status is 1 only when nothing was found and something failed.

            Examples:
              lmos discover --mdns
              lmos discover --mdns --interface eth0 --timeout 5 --format json
              lmos discover --directory http://127.0.0.1:8080 --url http://10.0.0.7:9000
              lmos discover --dht 127.0.0.1:6881 --did did:key:z6Mk...
              lmos discover --dht 127.0.0.1:6881 --capability urn:acme:capability:billing:view
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Flag(help: "Browse the local network with multicast DNS.")
    var mdns = false

    @Option(help: "A directory's URL; repeatable.")
    var directory: [String] = []

    @OptionGroup(title: "Credentials for the directories") var credentials: DirectoryCredentialOptions

    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    @Option(help: "A description's URL (or a host's, for its /.well-known/wot); repeatable.")
    var url: [String] = []

    @Option(help: "A DHT node to join (HOST:PORT, IPv4) for --did and --capability; repeatable.")
    var dht: [String] = []

    @Option(help: "A DID whose description to resolve on the DHT (with --dht); repeatable.")
    var did: [String] = []

    @Option(help: "A capability id to find on the DHT (with --dht); repeatable.")
    var capability: [String] = []

    @Option(help: "The network interface for --mdns (default: every multicast-capable one).")
    var interface: String?

    @Option(help: "Seconds to listen on the network and to wait for each HTTP answer.")
    var timeout: Double = 3

    @Option(help: "table or json.")
    var format: Format = .table

    func validate() throws {
        guard mdns || !directory.isEmpty || !url.isEmpty || !dht.isEmpty else {
            throw ValidationError("say where to look: --mdns, --directory URL, --url URL or --dht HOST:PORT")
        }
        guard dht.isEmpty == (did.isEmpty && capability.isEmpty) else {
            throw ValidationError("--dht goes with --did or --capability, and they with --dht")
        }
        for node in dht where NodeEndpoint(node) == nil {
            throw ValidationError("'\(node)' is not an IPv4 HOST:PORT")
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
        for address in directory + url where !(address.hasPrefix("http://") || address.hasPrefix("https://")) {
            throw ValidationError("'\(address)' is not an http:// or https:// URL")
        }
    }

    func run() async throws {
        bootstrapQuietLogging()
        var introductions = directory.map(Discovery.Introduction.directory) + url.map(Discovery.Introduction.url)
        if mdns { introductions.append(.multicastDNS(InterfaceSelection(interface))) }
        let bootstrap = dht.compactMap { NodeEndpoint($0) }
        introductions += did.map { .dht(bootstrap: bootstrap, query: .did($0)) }
        introductions += capability.map { .dht(bootstrap: bootstrap, query: .capability($0)) }
        let httpClient = tls.isSet ? ProcessClients.keep(try tls.httpClient()) : HTTPClient.shared
        var discovery = Discovery(httpClient: httpClient)
        discovery.directoryAuthorization = credentials.credentials(httpClient: httpClient).directoryAuthorization
        let result = await discovery.discover(introductions, timeout: .milliseconds(Int(timeout * 1000)))
        for problem in result.problems { printError(problem) }
        switch format {
        case .json:
            let items = result.things.map { thing in
                JSONValue.object([
                    "name": thing.mdnsName.map(JSONValue.string) ?? .null,
                    "type": .string(thing.kind),
                    "url": thing.url.map(JSONValue.string) ?? .null,
                    "id": thing.id.map(JSONValue.string) ?? .null,
                    "title": thing.title.map(JSONValue.string) ?? .null,
                    "@type": .array(thing.types.map(JSONValue.string)),
                    "sources": .array(thing.sources.map { .string($0.description) }),
                    "description": thing.description,
                ])
            }
            try FileIO.write(JSONValue.array(items).jsonBytes(options: .prettyPrinted) + [UInt8(ascii: "\n")], to: nil)
        case .table:
            var rows = [["NAME", "TYPE", "URL", "TITLE", "@TYPE"]]
            for thing in result.things {
                rows.append([
                    thing.mdnsName ?? "-", thing.kind, thing.url ?? thing.sources.first?.description ?? "-",
                    thing.title ?? "-", thing.types.joined(separator: ","),
                ])
            }
            print(renderTable(rows) + (result.things.isEmpty ? "\n(nothing found)" : ""))
        }
        if result.things.isEmpty && !result.problems.isEmpty { throw ExitCode(1) }
    }
}

extension Discovery.Thing {
    /// The mDNS instance name it was advertised under, if any.
    var mdnsName: String? {
        for source in sources { if case .multicastDNS(let name, _) = source { return name } }
        return nil
    }

    /// `Directory` for a directory (by TXT type or @type ThingDirectory), otherwise `Thing`.
    var kind: String {
        for source in sources { if case .multicastDNS(_, "Directory") = source { return "Directory" } }
        return types.contains { $0 == "ThingDirectory" || $0.hasSuffix(":ThingDirectory") } ? "Directory" : "Thing"
    }
}

/// Library log lines at warning and above on standard error (mDNS renames are notices worth seeing).
func bootstrapQuietLogging() {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .warning
        return handler
    }
}
