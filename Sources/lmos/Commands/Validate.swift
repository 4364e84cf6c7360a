import ArgumentParser
import LMOSCore
import LMOSDescription

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check Thing, Agent and Tool Descriptions against TD 1.1 and the LMOS rules.",
        discussion: """
            Reads JSON or CBOR (detected). Prints "FILE: valid", or one line per problem: "FILE: PATH: MESSAGE",
            where PATH is a JSON Pointer such as /actions/getWeather/forms/0/href.

            Exit status: 0 when every file is valid, 1 when any is invalid, 2 when any cannot be read or parsed.

            Examples:
              lmos validate agent.json
              lmos validate *.json --format json
              cat agent.json | lmos validate -
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Description files, or - for standard input.")
    var files: [String]

    @Option(help: "Output format: text or json ([{file, valid, errors: [{field, description}]}]).")
    var format: OutputFormat = .text

    func run() throws {
        var results: [JSONValue] = []
        var lines: [String] = []
        var worst: Int32 = 0
        for file in files {
            let name = file == "-" ? "<stdin>" : file
            let outcome = Self.check(file)
            switch outcome {
            case .unreadable(let message, let location):
                worst = 2
                lines.append("\(name): \(message)")
                var entry: JSONObject = [
                    "file": .string(name), "valid": false,
                    "errors": [["field": "", "description": .string(message)]],
                ]
                if let line = location?.line, let column = location?.column {
                    entry["line"] = .integer(Int64(line))
                    entry["column"] = .integer(Int64(column))
                }
                results.append(.object(entry))
            case .checked(let errors):
                if errors.isEmpty {
                    lines.append("\(name): valid")
                } else {
                    worst = max(worst, 1)
                    lines += errors.map { "\(name): \($0.summary)" }
                }
                results.append([
                    "file": .string(name), "valid": .bool(errors.isEmpty), "errors": .array(errors.map(\.json)),
                ])
            }
        }
        switch format {
        case .text:
            try FileIO.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: nil)
        case .json:
            try FileIO.write(JSONValue.array(results).jsonBytes(options: .prettyPrinted), to: nil)
        }
        if worst != 0 { throw ExitCode(worst) }
    }

    enum Outcome {
        case unreadable(String, CoreError?)
        case checked([LMOSDescription.ValidationError])
    }

    static func check(_ file: String) -> Outcome {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(file)
        } catch {
            return .unreadable("cannot read: \(error)", nil)
        }
        let value: JSONValue
        do throws(CoreError) {
            value = MediaFormat.detect(bytes) == .cbor ? try JSONValue(cbor: bytes) : try JSONValue(parsing: bytes)
        } catch {
            return .unreadable(error.description, error)
        }
        return .checked(ThingDescription.validate(value))
    }
}
