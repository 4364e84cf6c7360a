import ArgumentParser

/// `lmos`: the swift-lmos command-line tool.
@main
struct LMOSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lmos",
        abstract: "Describe, sign, register, find, run and call Eclipse LMOS agents and tools.",
        discussion: """
            Agent and Tool Descriptions are W3C WoT Thing Descriptions 1.1 with @type lmos:Agent or lmos:Tool.

            Examples:
              lmos new agent --title "Weather Agent" > weather.json
              lmos validate weather.json
              lmos convert weather.json --to cbor -o weather.cbor
              lmos identity new --out weather.key.json
              lmos sign weather.json --key weather.key.json -o weather.signed.json
              lmos verify weather.signed.json
              lmos directory serve
              lmos register weather.signed.json --directory http://127.0.0.1:8080 --ttl 60 --keep-alive
              lmos search --directory http://127.0.0.1:8080 --type Agent --query weather
              lmos watch --directory http://127.0.0.1:8080
              lmos directory serve --host 0.0.0.0 --advertise
              lmos discover --mdns
              lmos example agent --port 9000
              lmos call http://127.0.0.1:9000 chat --input '{"messages":[{"role":"user","content":"Hi"}]}'
              lmos subscribe http://127.0.0.1:9000 messageReceived
              lmos dev-cert --host localhost --host 127.0.0.1 --out certs
              lmos directory serve --tls-cert certs/cert.pem --tls-key certs/key.pem --auth jwt --jwks jwks.json
              lmos search --directory https://127.0.0.1:8080 --ca-file certs/ca.pem --token "$TOKEN"
            """,
        version: "0.1.0",
        subcommands: [
            Validate.self, Convert.self, New.self, Identity.self, Sign.self, Verify.self, Directory.self, Register.self,
            Deregister.self, Search.self, Watch.self, Advertise.self, Discover.self, Example.self, Call.self, Read.self,
            Write.self, Subscribe.self, DHT.self, DevCert.self,
        ]
    )
}
