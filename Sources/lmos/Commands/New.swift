import ArgumentParser
import LMOSCore
import LMOSDescription

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a valid Agent or Tool Description to start from.",
        discussion: """
            Without --id, the description gets a fresh urn:uuid identifier. Without security options it declares
            nosec; actions get forms relative to --base (actions/NAME).

            Examples:
              lmos new agent --title "Weather Agent" --capability urn:acme:capability:weather:forecast=Forecast
              lmos new tool --title "Geocoder" --id urn:acme:tool:geocoder --action geocode --base https://geo.example/
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case agent, tool
    }

    @Argument(help: "What to describe: agent or tool.")
    var kind: Kind

    @Option(help: "The human-readable title.")
    var title: String

    @Option(help: "The identifier, a URI (default: a new urn:uuid).")
    var id: String?

    @Option(help: "A human-readable description.")
    var description: String?

    @Option(help: "The base URI that form hrefs are relative to.")
    var base: String?

    @Option(name: .customLong("capability"), help: "A capability as ID=NAME (repeatable); the ID is a URI.")
    var capabilities: [String] = []

    @Option(name: .customLong("action"), help: "An action name (repeatable).")
    var actions: [String] = []

    @Option(help: "The vendor's name for lmos:metadata.")
    var vendor: String?

    @Option(help: "The vendor's URL for lmos:metadata.")
    var vendorURL: String?

    func validate() throws {
        if title.isEmpty { throw ArgumentParser.ValidationError("--title must not be empty") }
        if let id, !Self.looksLikeURI(id) {
            throw ArgumentParser.ValidationError("--id \"\(id)\" is not a URI (for example urn:acme:agent:weather)")
        }
        for capability in capabilities {
            let parts = Self.split(capability)
            guard let parts, Self.looksLikeURI(parts.id), !parts.name.isEmpty else {
                throw ArgumentParser.ValidationError(
                    "--capability \"\(capability)\" must be ID=NAME with a URI id, e.g. urn:acme:capability:x=Name")
            }
        }
    }

    func run() throws {
        let identifier = id ?? "urn:uuid:" + UUIDv4.random()
        let parsedCapabilities = capabilities.compactMap(Self.split)
        let build: () -> [any DescriptionComponent] = {
            var components: [any DescriptionComponent] = []
            if vendor != nil || vendorURL != nil {
                components.append(LMOSMetadata(vendorName: vendor, vendorURL: vendorURL))
            }
            for capability in parsedCapabilities {
                components.append(Capability(id: capability.id, name: capability.name))
            }
            for action in actions { components.append(Action(action)) }
            return components
        }
        let thing: ThingDescription
        switch kind {
        case .agent:
            thing = AgentDescription(title: title, id: identifier, description: description, base: base) { build() }.thing
        case .tool:
            thing = ToolDescription(title: title, id: identifier, description: description, base: base) { build() }.thing
        }
        let problems = thing.validate()
        guard problems.isEmpty else {
            for problem in problems { printError(problem.summary) }
            throw ExitCode(1)
        }
        try FileIO.write(thing.jsonBytes(options: .prettyPrinted), to: nil)
    }

    /// `ID=NAME`, split at the first `=`.
    static func split(_ text: String) -> (id: String, name: String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    static func looksLikeURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        return !text.contains(where: { $0.isWhitespace })
    }
}
