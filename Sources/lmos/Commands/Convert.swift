import ArgumentParser
import LMOSCore
import LMOSDescription

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a description between JSON and CBOR.",
        discussion: """
            The input format is detected. CBOR output uses the deterministic encoding of RFC 8949 section 4.2.1;
            JSON output keeps member order, integers and doubles as they were.

            Examples:
              lmos convert agent.json --to cbor -o agent.cbor
              lmos convert agent.cbor --to json
            """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case cbor, json
    }

    @Argument(help: "Input file (JSON or CBOR), or - for standard input.")
    var file: String

    @Option(help: "Output format: cbor or json.")
    var to: Target

    @Option(name: [.short, .customLong("output")], help: "Output file (default: standard output).")
    var output: String?

    @Flag(help: "Write JSON without indentation.")
    var compact = false

    func run() throws {
        if to == .cbor && (output == nil || output == "-") && FileIO.standardOutputIsTerminal {
            printError("refusing to write binary CBOR to a terminal; use -o FILE or redirect standard output")
            throw ExitCode(2)
        }
        let value = try readDocument(file)
        let out: [UInt8]
        switch to {
        case .cbor: out = value.cborBytes()
        case .json: out = value.jsonBytes(options: compact ? [] : .prettyPrinted)
        }
        do {
            try FileIO.write(out, to: output)
        } catch {
            printError("cannot write \(error)")
            throw ExitCode(1)
        }
    }
}
