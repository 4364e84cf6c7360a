import ArgumentParser
import LMOSTLS

struct DevCert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-cert",
        abstract: "Create a local certificate authority and a server certificate for development.",
        discussion: """
            Writes DIR/ca.pem (the authority's certificate: give it to clients with --ca-file), DIR/cert.pem and
            DIR/key.pem (the server's certificate and key, mode 0600: --tls-cert and --tls-key), and DIR/ca-key.pem
            (mode 0600), so that a later run issues its certificate from the same authority. Keys are P-256; the
            certificate is valid for 825 days for every --host (DNS names, *.wildcards, IPv4 and IPv6 addresses).
            Not for production: whoever holds ca-key.pem can impersonate any host to clients that trust ca.pem.

            Examples:
              lmos dev-cert --host localhost --host 127.0.0.1 --out certs
              lmos directory serve --tls-cert certs/cert.pem --tls-key certs/key.pem
              lmos search --directory https://localhost:8080 --ca-file certs/ca.pem
            """
    )

    @Option(help: "A host name or IP address the certificate is for (repeatable; the first is its common name).")
    var host: [String] = []

    @Option(help: "The folder to write into (created if missing).")
    var out: String

    func validate() throws {
        guard !host.isEmpty else { throw ValidationError("give at least one --host") }
    }

    func run() throws {
        do {
            let (authority, created) = try DevelopmentCertificates.authority(in: out)
            let issued = try DevelopmentCertificates.issue(hosts: host, by: authority)
            try DevelopmentCertificates.write(issued, to: out, includingAuthority: created)
            print(created ? "created a certificate authority: \(out)/ca.pem (key \(out)/ca-key.pem)" : "reused the certificate authority \(out)/ca.pem")
            print("certificate for \(host.joined(separator: ", ")): \(out)/cert.pem, key \(out)/key.pem")
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
