import ArgumentParser
import LMOSCore
import LMOSDirectoryClient

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search a directory for agents and tools.",
        discussion: """
            LMOS search by type, capability id and words (combined with AND), or a JSONPath (RFC 9535) expression
            over the array of all descriptions. Prints a table, or JSON with --format json.

            Examples:
              lmos search --directory http://127.0.0.1:8080 --type Agent --capability urn:acme:capability:weather
              lmos search --directory http://127.0.0.1:8080 --query "weather forecast" --format json
              lmos search --directory http://127.0.0.1:8080 --jsonpath '$[?@.title=="Weather Agent"].id'
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "The directory's URL.")
    var directory: String

    @OptionGroup(title: "Credentials") var credentials: DirectoryCredentialOptions

    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    @Option(help: "Agent or Tool (or any @type value).")
    var type: String?

    @Option(help: "A capability id the description must list.")
    var capability: String?

    @Option(help: "Words in titles, descriptions and capabilities.")
    var query: String?

    @Option(help: "A JSONPath expression (instead of --type/--capability/--query).")
    var jsonpath: String?

    @Option(help: "At most this many results.")
    var limit: Int?

    @Option(help: "table or json.")
    var format: Format = .table

    func validate() throws {
        if jsonpath != nil, type != nil || capability != nil || query != nil {
            throw ValidationError("--jsonpath cannot be combined with --type, --capability or --query")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
    }

    func run() async throws {
        let results: [JSONValue] = try await withDirectoryClient(directory, tls: tls, credentials: credentials) { client in
            do {
                if let jsonpath { return try await client.search(jsonPath: jsonpath) }
                return try await client.search(type: type, capability: capability, text: query, limit: limit)
            } catch {
                printError("search failed: \(error)")
                throw ExitCode(1)
            }
        }
        let shown = limit.map { Array(results.prefix($0)) } ?? results
        switch format {
        case .json:
            try FileIO.write(JSONValue.array(shown).jsonBytes(options: .prettyPrinted) + [UInt8(ascii: "\n")], to: nil)
        case .table where jsonpath != nil:
            for value in shown { print(value.jsonString()) }
        case .table:
            print(Self.table(shown))
        }
    }

    /// ID, TYPE, TITLE, CAPABILITIES, EXPIRES columns, padded.
    static func table(_ descriptions: [JSONValue]) -> String {
        var rows = [["ID", "TYPE", "TITLE", "CAPABILITIES", "EXPIRES"]]
        for description in descriptions {
            let types: [String]
            switch description["@type"] {
            case .string(let type)?: types = [type]
            case .array(let values)?: types = values.compactMap(\.stringValue)
            default: types = []
            }
            let capabilities = (description["lmos:capabilities"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            rows.append([
                description["id"]?.stringValue ?? "", types.joined(separator: ","), description["title"]?.stringValue ?? "",
                capabilities.joined(separator: ","), description["registration"]?["expires"]?.stringValue ?? "-",
            ])
        }
        return renderTable(rows) + (descriptions.isEmpty ? "\n(no results)" : "")
    }
}

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a directory's change events as they come, until Ctrl-C.",
        discussion: """
            One line per event: time, type, description id (text), or the event as one JSON object per line
            (--format json). Reconnects with the last event id when the connection drops, so nothing is missed.

            Examples:
              lmos watch --directory http://127.0.0.1:8080
              lmos watch --directory http://127.0.0.1:8080 --type thing_created --diff --format json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The directory's URL.")
    var directory: String

    @OptionGroup(title: "Credentials") var credentials: DirectoryCredentialOptions

    @OptionGroup(title: "TLS") var tls: ClientTLSOptions

    @Option(help: "Only this event type (thing_created, thing_updated, thing_deleted); repeatable.")
    var type: [String] = []

    @Flag(help: "Whole descriptions for creations and merge patches for updates.")
    var diff = false

    @Option(name: .customLong("last-event-id"), help: "Start after this event id (replays what was missed).")
    var lastEventID: String?

    @Option(help: "text or json.")
    var format: Format = .text

    func validate() throws {
        for name in type where !["thing_created", "thing_updated", "thing_deleted"].contains(name) {
            throw ValidationError("unknown event type \(name): use thing_created, thing_updated or thing_deleted")
        }
    }

    func run() async throws {
        try await withDirectoryClient(directory, tls: tls, credentials: credentials) { client in try await watch(client) }
    }

    private func watch(_ client: DirectoryClient) async throws {
        do {
            for try await change in client.events(types: type.isEmpty ? nil : type, diff: diff, lastEventID: lastEventID) {
                switch format {
                case .text:
                    print("\(Timestamp.now().rfc3339) \(change.type) \(change.thingID ?? "-")"
                        + (diff && change.type != "thing_deleted" ? " " + change.data.jsonString() : ""))
                case .json:
                    var line: JSONObject = ["event": .string(change.type), "data": change.data]
                    if let id = change.eventID { line["id"] = .string(id) }
                    print(JSONValue.object(line).jsonString())
                }
                flushStandardOutput()
            }
        } catch {
            printError("watching \(directory) failed: \(error)")
            throw ExitCode(1)
        }
    }
}
