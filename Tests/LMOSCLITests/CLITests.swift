import Foundation
import LMOSCore
import Testing

@Suite(.serialized) struct CLITests {
    let directory: URL

    init() throws { directory = try CLIRunner.temporaryDirectory() }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let valid = #"""
        {"@context": ["https://www.w3.org/2022/wot/td/v1.1", {"lmos": "https://eclipse.dev/lmos/protocol/v1"}],
         "@type": "lmos:Agent", "id": "urn:acme:agent:weather", "title": "Weather",
         "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}}, "security": "nosec_sc",
         "actions": {"getWeather": {"forms": [{"href": "https://w.example/actions/getWeather"}]}},
         "x:custom": {"kept": [1, 1.0, -0.5, "é"]}}
        """#

    static let invalid = #"""
        {"@context": "https://www.w3.org/2022/wot/td/v1.1", "title": "Broken",
         "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}}, "security": "nosec_sc",
         "actions": {"getWeather": {"forms": [{"op": "invokeaction"}]}}}
        """#

    @Test func validateValidFile() throws {
        let path = try write("agent.json", Self.valid)
        let result = try CLIRunner.run(["validate", path])
        #expect(result.status == 0)
        #expect(result.output == "\(path): valid\n")
    }

    @Test func validateInvalidFileNamesTheField() throws {
        let path = try write("broken.json", Self.invalid)
        let result = try CLIRunner.run(["validate", path])
        #expect(result.status == 1)
        #expect(result.output == "\(path): /actions/getWeather/forms/0/href: is required\n")
    }

    @Test func validateUnparsableFileGivesLineAndColumnAndExit2() throws {
        let path = try write("syntax.json", "{\n  \"title\": \"x\",\n}\n")
        let result = try CLIRunner.run(["validate", path])
        #expect(result.status == 2)
        #expect(result.output == "\(path): invalid JSON at line 3, column 1: trailing comma before '}'\n")
    }

    @Test func validateMixedFilesExitsWithTheWorstStatus() throws {
        let good = try write("a.json", Self.valid)
        let bad = try write("b.json", Self.invalid)
        #expect(try CLIRunner.run(["validate", good, bad]).status == 1)
        let missing = directory.appendingPathComponent("missing.json").path
        let result = try CLIRunner.run(["validate", good, bad, missing])
        #expect(result.status == 2)
        #expect(result.output.contains("\(missing): cannot read: \(missing): No such file or directory"))
        #expect(try CLIRunner.run(["validate", directory.path]).output.contains("is a directory"))
    }

    @Test func validateJSONFormat() throws {
        let good = try write("a.json", Self.valid)
        let bad = try write("b.json", Self.invalid)
        let syntax = try write("c.json", "[1,]")
        let result = try CLIRunner.run(["validate", "--format", "json", good, bad, syntax])
        #expect(result.status == 2)
        let report = try JSONValue(parsing: Array(result.stdout))
        #expect(report == [
            ["file": .string(good), "valid": true, "errors": []],
            ["file": .string(bad), "valid": false, "errors": [
                ["field": "/actions/getWeather/forms/0/href", "description": "is required"],
            ]],
            ["file": .string(syntax), "valid": false, "line": 1, "column": 4, "errors": [
                ["field": "", "description": "invalid JSON at line 1, column 4: unexpected ']', expected a value"],
            ]],
        ])
    }

    @Test func validateReadsStandardInputAndCBOR() throws {
        let result = try CLIRunner.run(["validate", "-"], stdin: Data(Self.valid.utf8))
        #expect(result.status == 0)
        #expect(result.output == "<stdin>: valid\n")
        let cbor = try JSONValue(parsing: Self.valid).cborBytes()
        let fromCBOR = try CLIRunner.run(["validate", "-"], stdin: Data(cbor))
        #expect(fromCBOR.output == "<stdin>: valid\n")
        let garbage = try CLIRunner.run(["validate", "-"], stdin: Data([0xA2, 0x61, 0x61]))
        #expect(garbage.status == 2)
        #expect(garbage.output.hasPrefix("<stdin>: invalid CBOR at byte 3: input ends early"))
    }

    @Test func convertRoundTripsJSONAndCBOR() throws {
        let path = try write("agent.json", Self.valid)
        let cborPath = directory.appendingPathComponent("agent.cbor").path
        let toCBOR = try CLIRunner.run(["convert", path, "--to", "cbor", "-o", cborPath])
        #expect(toCBOR.status == 0, "\(toCBOR.stderr)")
        let cbor = try Data(contentsOf: URL(fileURLWithPath: cborPath))
        let original = try JSONValue(parsing: Self.valid)
        #expect(Array(cbor) == original.cborBytes())
        let back = try CLIRunner.run(["convert", cborPath, "--to", "json"])
        #expect(back.status == 0)
        #expect(try JSONValue(parsing: Array(back.stdout)) == original)
        #expect(back.output.contains("\n  \"@type\": \"lmos:Agent\""))  // pretty by default
        let compact = try CLIRunner.run(["convert", cborPath, "--to", "json", "--compact"])
        #expect(compact.output.contains("\"kept\":[1,1.0,-0.5,\"é\"]"))
        // CBOR to standard output when it is not a terminal (a pipe here).
        let piped = try CLIRunner.run(["convert", path, "--to", "cbor"])
        #expect(piped.stdout == cbor)
    }

    @Test func convertRejectsBadInputWithOneLine() throws {
        let path = try write("bad.json", "{\"a\": tru}")
        let result = try CLIRunner.run(["convert", path, "--to", "cbor", "-o", directory.appendingPathComponent("x").path])
        #expect(result.status == 2)
        #expect(result.stderr == "lmos: \(path): invalid JSON at line 1, column 7: invalid literal, expected 'true'\n")
        #expect(try CLIRunner.run(["convert", path, "--to", "yaml"]).status == 64)
    }

    @Test func newAgentIsValidAndUsesTheOptions() throws {
        let result = try CLIRunner.run([
            "new", "agent", "--title", "Weather Agent", "--id", "urn:acme:agent:weather",
            "--capability", "urn:acme:capability:weather:forecast=Forecast", "--capability", "urn:acme:capability:alerts=Severe weather alerts",
            "--action", "getWeather", "--vendor", "Acme", "--vendor-url", "https://acme.example",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let description = try JSONValue(parsing: Array(result.stdout))
        #expect(description["@type"] == "lmos:Agent")
        #expect(description["id"] == "urn:acme:agent:weather")
        #expect(description["lmos:capabilities"] == [
            ["id": "urn:acme:capability:weather:forecast", "name": "Forecast"],
            ["id": "urn:acme:capability:alerts", "name": "Severe weather alerts"],
        ])
        #expect(description["lmos:metadata"] == ["lmos:vendor": ["lmos:name": "Acme", "lmos:url": "https://acme.example"]])
        #expect(description["actions"]?["getWeather"]?["forms"]?[0]?["href"] == "actions/getWeather")
        let path = try write("new.json", result.output)
        #expect(try CLIRunner.run(["validate", path]).status == 0)
    }

    @Test func newToolGetsAFreshUUIDURN() throws {
        let first = try JSONValue(parsing: Array(CLIRunner.run(["new", "tool", "--title", "Geocoder"]).stdout))
        let second = try JSONValue(parsing: Array(CLIRunner.run(["new", "tool", "--title", "Geocoder"]).stdout))
        let id = try #require(first["id"]?.stringValue)
        #expect(id.hasPrefix("urn:uuid:"))
        #expect(id.count == "urn:uuid:".count + 36)
        #expect(Array(id)["urn:uuid:".count + 14] == "4")  // version 4
        #expect(first["id"] != second["id"])
        #expect(first["@type"] == "lmos:Tool")
    }

    @Test func newRejectsBadArguments() throws {
        let badID = try CLIRunner.run(["new", "agent", "--title", "X", "--id", "not a uri"])
        #expect(badID.status == 64)
        #expect(badID.stderr.contains("--id \"not a uri\" is not a URI"))
        let badCapability = try CLIRunner.run(["new", "agent", "--title", "X", "--capability", "billing"])
        #expect(badCapability.status == 64)
        #expect(badCapability.stderr.contains("must be ID=NAME"))
        #expect(try CLIRunner.run(["new", "robot", "--title", "X"]).status == 64)
    }

    @Test func helpHasExamples() throws {
        for command in ["validate", "convert", "new"] {
            let result = try CLIRunner.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.output.contains("Examples:"), "\(command)")
        }
        #expect(try CLIRunner.run(["--version"]).output == "0.1.0\n")
    }
}
