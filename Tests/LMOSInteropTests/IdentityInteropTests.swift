import Foundation
import LMOSCore
import LMOSDescription
import LMOSIdentity
import LMOSTestSupport
import Testing

/// `lmos identity/sign/verify` against an independent Python implementation (PyNaCl + jcs), and did:web over a
/// real HTTPS server with its own CA.
@Suite(.serialized, .enabled(if: PythonOracle.enabled, "python3 with the oracle packages is needed (scripts/test installs them)"))
struct IdentityInteropTests {
    let directory: URL

    init() throws { directory = try PythonOracle.temporaryDirectory() }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func lmos(_ arguments: [String]) throws -> Subprocess.Result { try Subprocess.run(lmosBinary(), arguments) }

    func writeDescription() throws -> String {
        let description = AgentDescription(title: "Interop Agent", id: "urn:acme:agent:interop") {
            Capability(id: "urn:acme:capability:echo", name: "Echo", examples: ["say \"hi\" ✓", "1e21 and 0.1"])
            Action("echo", input: .string(), output: .string())
        }
        var value = description.thing.jsonValue
        value["x:numbers"] = [1, 1.5, -0.0, 1e21, 123456789.125]
        try Data(value.jsonBytes(options: .prettyPrinted)).write(to: URL(fileURLWithPath: path("agent.json")))
        return path("agent.json")
    }

    @Test func lmosSignatureVerifiesInPython() throws {
        let newKey = try lmos(["identity", "new", "--out", path("agent.key.json")])
        #expect(newKey.status == 0, "\(newKey.stderr)")
        let did = newKey.output.trimmingCharacters(in: .newlines)
        #expect(did.hasPrefix("did:key:z6Mk"))
        let mode = try FileManager.default.attributesOfItem(atPath: path("agent.key.json"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // An existing key file is never replaced silently.
        #expect(try lmos(["identity", "new", "--out", path("agent.key.json")]).status == 1)

        let signed = try lmos(["sign", writeDescription(), "--key", path("agent.key.json"), "-o", path("signed.json")])
        #expect(signed.status == 0, "\(signed.stderr)")
        let python = try PythonOracle.run([PythonOracle.script("eddsa_jcs_peer.py"), "verify", path("signed.json")])
        #expect(python.status == 0, "python: \(python.output) \(python.stderr)")
        #expect(python.output.trimmingCharacters(in: .newlines) == did)

        let verified = try lmos(["verify", path("signed.json")])
        #expect(verified.status == 0)
        #expect(verified.output == did + "\n")
    }

    @Test func pythonSignatureVerifiesWithLmos() throws {
        let seed = String(repeating: "a5", count: 32)
        let python = try PythonOracle.run([
            PythonOracle.script("eddsa_jcs_peer.py"), "sign", writeDescription(), seed, "2026-11-22T10:00:00Z",
        ])
        try #require(python.status == 0, "python: \(python.stderr)")
        try python.stdout.write(to: URL(fileURLWithPath: path("python-signed.json")))
        let expectedDID = try Ed25519KeyPair(seed: Array(repeating: 0xA5, count: 32)).didKey.did

        let verified = try lmos(["verify", path("python-signed.json")])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.output == expectedDID + "\n")

        // The same bytes as our signature of the same document with the same key and time.
        let ours = try EddsaJcs2022.sign(
            JSONValue(parsing: Array(Data(contentsOf: URL(fileURLWithPath: path("agent.json"))))),
            with: Ed25519KeyPair(seed: Array(repeating: 0xA5, count: 32)), created: "2026-11-22T10:00:00Z")
        #expect(try JSONValue(parsing: Array(python.stdout)) == ours)

        // Tampered: exit 1 with the reason.
        var tampered = try JSONValue(parsing: Array(python.stdout))
        tampered["title"] = "Evil Agent"
        try Data(tampered.jsonBytes()).write(to: URL(fileURLWithPath: path("tampered.json")))
        let refused = try lmos(["verify", path("tampered.json")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("document changed"))
        #expect(try lmos(["verify", path("missing.json")]).status == 2)
        try Data("{\"a\":".utf8).write(to: URL(fileURLWithPath: path("broken.json")))
        #expect(try lmos(["verify", path("broken.json")]).status == 2)
        #expect(try lmos(["verify", path("agent.json")]).stderr.contains("no proof"))
    }

    @Test func didWebOverHTTPSWithAPrivateCA() throws {
        let server = try BackgroundProcess(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", PythonOracle.script("https_server.py"), directory.path])
        defer { server.terminate() }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("www/agents/weather"), withIntermediateDirectories: true)
        let port = try server.firstLine()
        let did = "did:web:localhost%3A\(port):agents:weather"

        #expect(try lmos(["identity", "new", "--out", path("web.key.json")]).status == 0)
        let document = try lmos([
            "identity", "show", path("web.key.json"), "--did", did, "--document-only",
            "--service", "https://localhost:\(port)/agents/weather/td",
        ])
        #expect(document.status == 0, "\(document.stderr)")
        try document.stdout.write(to: directory.appendingPathComponent("www/agents/weather/did.json"))
        let signed = try lmos(["sign", writeDescription(), "--key", path("web.key.json"), "--did", did, "-o", path("web-signed.json")])
        #expect(signed.status == 0, "\(signed.stderr)")

        let verified = try lmos(["verify", path("web-signed.json"), "--ca-file", path("ca.pem")])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.output == did + "\n")

        // Without trusting the private CA, TLS refuses the server.
        let untrusted = try lmos(["verify", path("web-signed.json")])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("TLS certificate is not trusted"))

        // A document served for another DID is refused.
        let other = try lmos(["identity", "show", path("web.key.json"), "--did", "did:web:elsewhere.example", "--document-only"])
        try other.stdout.write(to: directory.appendingPathComponent("www/agents/weather/did.json"))
        let mismatch = try lmos(["verify", path("web-signed.json"), "--ca-file", path("ca.pem")])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("describes did:web:elsewhere.example"))
    }
}
