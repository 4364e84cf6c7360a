import AsyncHTTPClient
import KRPC
import LMOSCore
import LMOSDHT
import LMOSDirectoryClient
import LMOSLocalDiscovery
import Logging
import NIOCore

/// Finds Thing, Agent and Tool Descriptions through every introduction it is given and merges the answers into one
/// set without duplicates: the "discoverer" of WoT Discovery (section 5 and 7.1).
///
/// Introductions are a description's URL (or a host, whose `/.well-known/wot` is read), a directory (every
/// description it lists), and DNS-SD over multicast DNS (every `_wot._tcp` service on the local network). A
/// description that is a directory's own (`@type` `ThingDirectory`) is followed to the things it lists; a Thing Link
/// (`@type` `ThingLink`) to the description it links to.
///
/// ```swift
/// let discovery = Discovery()
/// let result = await discovery.discover([.multicastDNS(), .directory("http://10.0.0.5:8080")], timeout: .seconds(3))
/// for thing in result.things { print(thing.title ?? "?", thing.id ?? "-") }
/// ```
public struct Discovery: Sendable {
    /// Where to look.
    public enum Introduction: Sendable, Hashable {
        /// A description's URL; a URL with no path (`http://host:port`) means its `/.well-known/wot`.
        case url(String)
        /// A WoT Thing Description Directory's base URL: every description it lists.
        case directory(String)
        /// DNS-SD over multicast DNS on the given interfaces: every `_wot._tcp` service found within the timeout.
        case multicastDNS(InterfaceSelection = .allMulticastCapable)
        /// The Mainline DHT, joined through `bootstrap` nodes as a read-only node: the description a DID published
        /// (verified), or those announced under a capability or type (each verified). The whole question, joining
        /// included, gets the discovery's timeout.
        case dht(bootstrap: [NodeEndpoint], query: DHTQuery)
    }

    /// What to ask the DHT.
    public enum DHTQuery: Sendable, Hashable {
        /// The description published by this DID (did:key or did:web).
        case did(String)
        /// Descriptions announced under this capability id.
        case capability(String)
        /// Descriptions announced under this type (`Agent`, `Tool`).
        case type(String)
    }

    /// How a description was found.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// Fetched from this URL.
        case url(String)
        /// Listed by the directory at this base URL.
        case directory(String)
        /// Advertised on the local network under this instance name; `type` is the TXT `type` (`Thing` or
        /// `Directory`).
        case multicastDNS(name: String, type: String)
        /// Resolved from the DHT and verified: published by this DID.
        case dht(did: String)

        public var description: String {
            switch self {
            case .dht(let did): "dht \(did)"
            case .url(let url): "url \(url)"
            case .directory(let url): "directory \(url)"
            case .multicastDNS(let name, let type): "mdns \(name) (\(type))"
            }
        }
    }

    /// One description found.
    public struct Thing: Sendable {
        /// The description as found.
        public var description: JSONValue
        /// Where it can be fetched, when it was fetched by URL.
        public var url: String?
        /// Every way it was found.
        public var sources: [Source]

        /// Its `id`, if it has one.
        public var id: String? { description["id"]?.stringValue }
        /// Its `title`.
        public var title: String? { description["title"]?.stringValue }
        /// Its `@type` values (one string or an array).
        public var types: [String] {
            if let single = description["@type"]?.stringValue { return [single] }
            return description["@type"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
    }

    /// What a discovery found, and what went wrong on the way (an unreachable URL does not stop the others).
    public struct Result: Sendable {
        public var things: [Thing]
        /// One line per introduction or link that failed.
        public var problems: [String]
    }

    let httpClient: HTTPClient
    let logger: Logger
    /// The largest description read, in bytes.
    public var maximumDescriptionSize = 4 * 1024 * 1024
    /// How many directory-to-thing links are followed at most (a directory listing itself does not loop).
    public var maximumFollowDepth = 2
    /// The `Authorization` header for directories that need one (e.g. `Credentials.directoryAuthorization`). It
    /// goes to the directories given as introductions only, never to ones found on the network or named by a
    /// description (anyone can announce a directory or name one).
    public var directoryAuthorization: (@Sendable () async throws -> String?)?

    public init(httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "lmos.discovery")) {
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Asks every introduction at once and merges what they answer. Multicast DNS listens for `timeout`; HTTP
    /// requests give up after `timeout` too.
    public func discover(_ introductions: [Introduction], timeout: Duration = .seconds(3)) async -> Result {
        await withTaskGroup(of: Collected.self) { tasks in
            for introduction in Set(introductions) {
                tasks.addTask { await self.ask(introduction, timeout: timeout) }
            }
            var merged = Merger()
            for await collected in tasks { merged.add(collected) }
            return merged.result
        }
    }

    // MARK: Introductions

    struct Collected: Sendable {
        var things: [Thing] = []
        var problems: [String] = []

        mutating func add(_ other: Collected) {
            things += other.things
            problems += other.problems
        }
    }

    private func ask(_ introduction: Introduction, timeout: Duration) async -> Collected {
        switch introduction {
        case .url(let url):
            return await fetch(url, source: .url(url), timeout: timeout, depth: 0)
        case .directory(let url):
            return await listDirectory(url, source: .directory(url), timeout: timeout, withCredentials: true)
        case .multicastDNS(let interfaces):
            return await browse(interfaces, timeout: timeout)
        case .dht(let bootstrap, let query):
            return await askDHT(bootstrap: bootstrap, query: query, timeout: timeout)
        }
    }

    /// Asks the DHT, giving up after `timeout` (joining included): lookups are cancelled and what was found so far
    /// is dropped with a problem.
    private func askDHT(bootstrap: [NodeEndpoint], query: DHTQuery, timeout: Duration) async -> Collected {
        await withTaskGroup(of: Collected?.self) { group in
            group.addTask { await self.askDHTUnbounded(bootstrap: bootstrap, query: query, timeout: timeout) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? Collected(problems: ["DHT: no answer within \(timeout)"])
        }
    }

    private func askDHTUnbounded(bootstrap: [NodeEndpoint], query: DHTQuery, timeout: Duration) async -> Collected {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        // A loopback-only network is joined from loopback; anything else from every interface.
        let loopbackOnly = !bootstrap.isEmpty && bootstrap.allSatisfy { $0.address >> 24 == 127 }
        let configuration = DHTNodeConfiguration(
            host: loopbackOnly ? "127.0.0.1" : "0.0.0.0", bootstrap: bootstrap, readOnly: true,
            queryTimeout: max(0.2, min(2, seconds / 2)))
        let node: DHTNode
        do {
            node = try await DHTNode.start(configuration, logger: logger)
        } catch {
            return Collected(problems: ["DHT: \(error)"])
        }
        defer { Task { await node.stop() } }
        guard await !node.knownNodes.isEmpty else {
            return Collected(problems: ["DHT: no node answered at \(bootstrap.map(\.description).joined(separator: ", "))"])
        }
        var found: [ResolvedDescription] = []
        var collected = Collected()
        switch query {
        case .did(let did):
            do {
                found = [try await node.resolve(did)]
            } catch {
                collected.problems.append("DHT: \(error)")
            }
        case .capability(let capability):
            found = await node.find(capability: capability)
        case .type(let type):
            found = await node.find(type: type)
        }
        collected.things = found.map { Thing(description: $0.document, url: nil, sources: [.dht(did: $0.did)]) }
        return collected
    }

    private func browse(_ interfaces: InterfaceSelection, timeout: Duration) async -> Collected {
        let mdns: MulticastDNS
        do {
            mdns = try await MulticastDNS.start(interfaces: interfaces, logger: logger)
        } catch {
            return Collected(problems: ["mDNS: \(error)"])
        }
        let services = await Self.collectServices(mdns: mdns, timeout: timeout)
        await mdns.shutdown()
        return await withTaskGroup(of: Collected.self) { tasks in
            for service in services {
                tasks.addTask {
                    guard let url = service.descriptionURL else {
                        return Collected(problems: ["mDNS: \(service.name) has no usable address or scheme"])
                    }
                    return await fetch(url, source: .multicastDNS(name: service.name, type: service.wotType), timeout: timeout, depth: 0)
                }
            }
            var all = Collected()
            for await collected in tasks { all.add(collected) }
            return all
        }
    }

    /// The `_wot._tcp` services present when `timeout` ends.
    static func collectServices(mdns: MulticastDNS, timeout: Duration) async -> [DiscoveredService] {
        let events = await mdns.browse(.wot)
        let deadline = ContinuousClock.now + timeout
        return await withTaskGroup(of: [DiscoveredService]?.self) { tasks in
            tasks.addTask {
                var seen: [String: DiscoveredService] = [:]
                for await event in events {
                    switch event {
                    case .added(let service), .updated(let service): seen[service.instanceName.description] = service
                    case .removed(let service): seen[service.instanceName.description] = nil
                    }
                    if ContinuousClock.now >= deadline { break }
                }
                return seen.values.sorted { $0.name < $1.name }
            }
            tasks.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            var found: [DiscoveredService] = []
            // The first task to finish is the timer (or the stream ending at shutdown); stop browsing then.
            if let first = await tasks.next(), let services = first { found = services }
            tasks.cancelAll()
            if let second = await tasks.next(), let services = second { found = services }
            return found
        }
    }

    private func listDirectory(_ url: String, source: Source, timeout: Duration, withCredentials: Bool = false) async -> Collected {
        do {
            var client = try DirectoryClient(url: url, httpClient: httpClient)
            client.timeout = TimeAmount(timeout)
            if withCredentials { client.authorization = directoryAuthorization }
            let listed = try await client.list()
            return Collected(things: listed.map { Thing(description: $0, url: nil, sources: [source]) })
        } catch {
            return Collected(problems: ["directory \(url): \(error)"])
        }
    }

    private func fetch(_ url: String, source: Source, timeout: Duration, depth: Int) async -> Collected {
        let target = Self.descriptionURL(url)
        let document: JSONValue
        do {
            var request = HTTPClientRequest(url: target)
            request.headers.add(name: "Accept", value: "application/td+json, application/ld+json, application/json")
            let response = try await httpClient.execute(request, timeout: .init(timeout))
            let body = try await response.body.collect(upTo: maximumDescriptionSize)
            guard (200..<300).contains(response.status.code) else {
                return Collected(problems: ["\(target): HTTP \(response.status.code)"])
            }
            document = try JSONValue(parsing: Array(body.readableBytesView))
        } catch {
            return Collected(problems: ["\(target): \(error)"])
        }
        guard document.objectValue != nil else { return Collected(problems: ["\(target): not a JSON object"]) }
        var collected = Collected(things: [Thing(description: document, url: target, sources: [source])])
        guard depth < maximumFollowDepth else { return collected }
        let thing = collected.things[0]
        if thing.types.contains(where: { $0 == "ThingDirectory" || $0.hasSuffix(":ThingDirectory") }) {
            let base = Self.directoryBase(of: document, fetchedFrom: target)
            collected.add(await listDirectory(base, source: .directory(base), timeout: timeout))
        } else if thing.types.contains(where: { $0 == "ThingLink" || $0.hasSuffix(":ThingLink") }),
            let link = document["links"]?.arrayValue?.first(where: { $0["rel"]?.stringValue == "describedby" }),
            let href = link["href"]?.stringValue
        {
            collected.add(await fetch(Self.resolve(href, against: target), source: source, timeout: timeout, depth: depth + 1))
        }
        return collected
    }

    // MARK: URLs

    /// `http://host:port` and `http://host:port/` mean the host's `/.well-known/wot`.
    static func descriptionURL(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return url + "/.well-known/wot" }
        return rest[slash...] == "/" ? url + ".well-known/wot" : url
    }

    /// A directory's base: its description's `base`, or the origin it was fetched from.
    static func directoryBase(of document: JSONValue, fetchedFrom url: String) -> String {
        if let base = document["base"]?.stringValue, base.hasPrefix("http://") || base.hasPrefix("https://") {
            return base
        }
        return origin(of: url)
    }

    static func origin(of url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        return String(url[..<(rest.firstIndex(of: "/") ?? url.endIndex)])
    }

    static func resolve(_ href: String, against url: String) -> String {
        if href.contains("://") { return href }
        let origin = origin(of: url)
        if href.hasPrefix("/") { return origin + href }
        // Relative to the fetched document's folder: everything up to its path's last slash.
        let path = url.dropFirst(origin.count)
        guard let slash = path.lastIndex(of: "/") else { return origin + "/" + href }
        return origin + path[...slash] + href
    }
}

/// Merges found descriptions: one entry per `id` (or per URL for those without), with every source kept.
struct Merger {
    private var things: [Discovery.Thing] = []
    private var index: [String: Int] = [:]
    private var problems: [String] = []

    mutating func add(_ collected: Discovery.Collected) {
        problems += collected.problems
        for thing in collected.things {
            let key = thing.id.map { "id:" + $0 } ?? thing.url.map { "url:" + $0 }
            if let key, let position = index[key] {
                for source in thing.sources where !things[position].sources.contains(source) {
                    things[position].sources.append(source)
                }
                if things[position].url == nil { things[position].url = thing.url }
            } else {
                if let key { index[key] = things.count }
                things.append(thing)
            }
        }
    }

    var result: Discovery.Result {
        Discovery.Result(
            things: things.sorted { ($0.title ?? "", $0.id ?? "") < ($1.title ?? "", $1.id ?? "") }, problems: problems)
    }
}
