import ArgumentParser
import LMOSCore
import LMOSIdentity

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the signature of a description and print its signer's DID.",
        discussion: """
            Checks a Data Integrity proof (eddsa-jcs-2022). did:key signers are resolved locally, did:web signers
            over HTTPS. What a directory adds (registration, the discovery context) is ignored.

            Exit status: 0 valid (prints the DID), 1 not valid (prints the reason), 2 unreadable input.

            Examples:
              lmos verify agent.signed.json
              lmos verify agent.signed.json --ca-file private-ca.pem
            """
    )

    @Argument(help: "The signed description (JSON or CBOR), or - for standard input.")
    var file: String

    @Option(help: "A PEM file of CA certificates to trust for did:web (instead of the system's).")
    var caFile: String?

    func run() async throws {
        let document = try readDocument(file)
        let resolver = StandardDIDResolver(web: DIDWebResolver(fetcher: HTTPDocumentFetcher(caFile: caFile)))
        do {
            let verified = try await EddsaJcs2022.verify(document, resolver: resolver)
            try FileIO.write(Array((verified.did + "\n").utf8), to: nil)
        } catch {
            printError("\(file == "-" ? "<stdin>" : file): \(error)")
            throw ExitCode(1)
        }
    }
}
