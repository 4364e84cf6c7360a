import ArgumentParser

/// `lmos`: the swift-lmos command-line tool.
@main
struct LMOSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lmos",
        abstract: "Describe, check and convert Eclipse LMOS agents and tools.",
        discussion: """
            Agent and Tool Descriptions are W3C WoT Thing Descriptions 1.1 with @type lmos:Agent or lmos:Tool.

            Examples:
              lmos new agent --title "Weather Agent" > weather.json
              lmos validate weather.json
              lmos convert weather.json --to cbor -o weather.cbor
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Convert.self, New.self]
    )
}
