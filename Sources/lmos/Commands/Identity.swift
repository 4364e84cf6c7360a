import ArgumentParser
import LMOSCore
import LMOSDescription
import LMOSIdentity

struct Identity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and show Ed25519 identities (did:key, did:web).",
        subcommands: [NewIdentity.self, ShowIdentity.self]
    )
}

struct NewIdentity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create an Ed25519 key file (mode 0600) and print its did:key.",
        discussion: """
            The key file is a Multikey: publicKeyMultibase (z6Mk...) and privateKeyMultibase (z3u2...). An existing
            file is never replaced unless --force is given.

            Examples:
              lmos identity new --out agent.key.json
              lmos identity new --out agent.key.json --force
            """
    )

    @Option(name: .long, help: "Where to write the key file.")
    var out: String = "lmos-identity.json"

    @Flag(help: "Replace an existing key file.")
    var force = false

    func run() throws {
        let key = Ed25519KeyPair()
        do {
            try key.write(toFile: out, overwrite: force)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        try FileIO.write(Array((key.didKey.did + "\n").utf8), to: nil)
    }
}

struct ShowIdentity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the DID of a key file and its DID document.",
        discussion: """
            Prints the DID on the first line, then the DID document. With --did did:web:..., the document is the one
            to host at that did:web's URL; with --service, it points at the agent's description (type WotThing, or
            WotDirectory with --directory).

            Examples:
              lmos identity show agent.key.json
              lmos identity show agent.key.json --did did:web:agents.example.com:weather \\
                  --service https://agents.example.com/weather/.well-known/wot > did.json.txt
            """
    )

    @Argument(help: "A key file.")
    var file: String

    @Option(help: "A did:web to describe instead of the did:key.")
    var did: String?

    @Option(help: "The URL of the description this DID speaks for (adds a WotThing service).")
    var service: String?

    @Flag(help: "The service is a directory (WotDirectory).")
    var directory = false

    @Flag(help: "Print only the DID document.")
    var documentOnly = false

    func run() throws {
        let key: Ed25519KeyPair
        do {
            key = try Ed25519KeyPair(contentsOfFile: file)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let identifier = did ?? key.didKey.did
        if let did {
            do {
                _ = try DIDWeb.documentURL(for: did)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        let document = DIDDocument.agent(
            did: identifier, key: key, descriptionURL: service, serviceType: directory ? "WotDirectory" : "WotThing")
        var output = documentOnly ? [] : Array((identifier + "\n").utf8)
        output += JSONValue.object(document.json).jsonBytes(options: .prettyPrinted)
        try FileIO.write(output, to: nil)
    }
}

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a description with an Ed25519 key (Data Integrity, eddsa-jcs-2022).",
        discussion: """
            Adds a DataIntegrityProof (and the Data Integrity context to @context when absent). The description's
            id stays; the proof's verificationMethod is the key's did:key (did:key:z6Mk...#z6Mk...), or the given
            did:web with the key's multibase as fragment.

            Examples:
              lmos sign agent.json --key agent.key.json -o agent.signed.json
              lmos sign agent.json --key agent.key.json --did did:web:agents.example.com:weather
            """
    )

    @Argument(help: "The description (JSON or CBOR), or - for standard input.")
    var file: String

    @Option(help: "The key file.")
    var key: String

    @Option(name: [.short, .customLong("output")], help: "Output file (default: standard output).")
    var output: String?

    @Option(help: "Sign as this did:web (its DID document must list the key).")
    var did: String?

    @Option(help: "The proof's created time (RFC 3339; default: now).")
    var created: String?

    func run() throws {
        let keyPair: Ed25519KeyPair
        do {
            keyPair = try Ed25519KeyPair(contentsOfFile: key)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let document = try readDocument(file)
        let method = did.map { $0 + "#" + keyPair.publicKeyMultibase }
        do {
            let signed = try EddsaJcs2022.sign(document, with: keyPair, verificationMethod: method, created: created)
            try FileIO.write(signed.jsonBytes(options: .prettyPrinted), to: output)
        } catch let error as IdentityError {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}
