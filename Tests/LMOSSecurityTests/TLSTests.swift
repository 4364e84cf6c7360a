import Foundation
import LMOSCore
import LMOSTestSupport
import Testing

extension SecurityEndToEnd {
    /// https and wss with certificates made by `lmos dev-cert`, checked by our clients and by Python `requests` and
    /// `websockets` (Peers/tls_peer.py); another CA is refused.
    @Suite("TLS", .serialized, .enabled(if: Peers.available || Peers.mustRun))
    struct TLSTests {
        struct Certificates {
            let folder: URL
            var good: String { folder.appendingPathComponent("good").path }
            var other: String { folder.appendingPathComponent("other").path }
        }

        func certificates() async throws -> Certificates {
            let folder = try Subprocess.temporaryDirectory(prefix: "lmos-security-tls")
            let certificates = Certificates(folder: folder)
            let good = try await lmos(["dev-cert", "--host", "localhost", "--host", "127.0.0.1", "--out", certificates.good])
            #expect(good.status == 0, "\(good.stderr)")
            let other = try await lmos(["dev-cert", "--host", "localhost", "--host", "127.0.0.1", "--out", certificates.other])
            #expect(other.status == 0, "\(other.stderr)")
            return certificates
        }

        @Test("the directory and the agent over https/wss: our CLI with --ca-file, Python requests and websockets; other CAs refused")
        func endToEnd() async throws {
            let certs = try await certificates()
            defer { try? FileManager.default.removeItem(at: certs.folder) }
            let tls = ["--tls-cert", certs.good + "/cert.pem", "--tls-key", certs.good + "/key.pem"]
            let directory = try await LMOSServer.directory(tls)
            defer { directory.stop() }
            #expect(directory.url.hasPrefix("https://127.0.0.1:"))
            let agent = try await LMOSServer(
                ["example", "agent", "--port", "0", "--auth", "bearer", "--credential", "agent-token"] + tls,
                readyPrefix: "lmos example agent listening on ")
            defer { agent.stop() }
            #expect(agent.url.hasPrefix("https://127.0.0.1:"))

            let trusted = try await lmos(["search", "--directory", directory.url, "--ca-file", certs.good + "/ca.pem"])
            #expect(trusted.status == 0, "\(trusted.stderr)")
            let system = try await lmos(["search", "--directory", directory.url])
            #expect(system.status == 1 && system.stderr.lowercased().contains("certificate"), "\(system.stderr)")
            let wrong = try await lmos(["search", "--directory", directory.url, "--ca-file", certs.other + "/ca.pem"])
            #expect(wrong.status == 1, "\(wrong.stderr)")

            let input = #"{"messages":[{"role":"user","content":"Hi"}]}"#
            for via in ["http", "ws"] {
                let call = try await lmos(["call", agent.url, "chat", "--input", input, "--via", via, "--token", "agent-token", "--ca-file", certs.good + "/ca.pem"])
                #expect(call.status == 0, "via \(via): \(call.stderr)")
                let refused = try await lmos(["call", agent.url, "chat", "--input", input, "--via", via, "--token", "agent-token", "--ca-file", certs.other + "/ca.pem"])
                #expect(refused.status == 1, "via \(via) with another CA: \(refused.output)")
            }

            let peer = try await Subprocess.runOffPool(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "python3", Peers.folder.appendingPathComponent("tls_peer.py").path, "--directory", directory.url, "--agent", agent.url,
                    "--ca-file", certs.good + "/ca.pem", "--wrong-ca-file", certs.other + "/ca.pem", "--agent-token", "agent-token",
                ])
            #expect(peer.status == 0, "\(peer.output)\n\(peer.stderr)")
            #expect(peer.output.contains("ok "), "\(peer.output)")
        }

        @Test("mutual TLS: with --tls-client-ca only clients with a certificate from that CA get through")
        func mutualTLS() async throws {
            let certs = try await certificates()
            defer { try? FileManager.default.removeItem(at: certs.folder) }
            let directory = try await LMOSServer.directory([
                "--tls-cert", certs.good + "/cert.pem", "--tls-key", certs.good + "/key.pem", "--tls-client-ca", certs.good + "/ca.pem",
            ])
            defer { directory.stop() }
            let trust = ["--ca-file", certs.good + "/ca.pem"]
            let without = try await lmos(["search", "--directory", directory.url] + trust)
            #expect(without.status == 1, "\(without.output)")
            let with = try await lmos(["search", "--directory", directory.url, "--client-cert", certs.good + "/cert.pem", "--client-key", certs.good + "/key.pem"] + trust)
            #expect(with.status == 0, "\(with.stderr)")
            let foreign = try await lmos(["search", "--directory", directory.url, "--client-cert", certs.other + "/cert.pem", "--client-key", certs.other + "/key.pem"] + trust)
            #expect(foreign.status == 1, "\(foreign.output)")
            let half = try await lmos(["search", "--directory", directory.url, "--client-cert", certs.good + "/cert.pem"] + trust)
            #expect(half.status == 64, "\(half.stderr)")
        }

        @Test("an agent registers in an https directory with authentication, with a token from the client-credentials grant")
        func registrationOverTLS() async throws {
            let certs = try await certificates()
            defer { try? FileManager.default.removeItem(at: certs.folder) }
            let oauth = try await OAuthServer()
            defer { oauth.stop() }
            let directory = try await LMOSServer.directory([
                "--tls-cert", certs.good + "/cert.pem", "--tls-key", certs.good + "/key.pem", "--auth", "jwt", "--jwks", oauth.jwksURL,
                "--issuer", oauth.issuer, "--audience", oauth.audience,
            ])
            defer { directory.stop() }
            let agent = try await LMOSServer(
                [
                    "example", "agent", "--port", "0", "--id", "urn:example:tls-registered", "--directory", directory.url,
                    "--ca-file", certs.good + "/ca.pem", "--client-id", "alice-app", "--client-secret", "alice-app-secret",
                    "--token-url", oauth.tokenURL,
                ], readyPrefix: "lmos example agent listening on ")
            defer { agent.stop() }
            _ = try await agent.process.line(timeout: 30) { $0.hasPrefix("registered urn:example:tls-registered") }
            let client = try httpClient(trusting: certs.good + "/ca.pem")
            let token = try await oauth.clientToken("reader-app")
            let stored = try? await HTTP.send(.GET, directory.url + "/things/urn:example:tls-registered", token: token, client: client)
            let bob = try await oauth.clientToken("bob-app")
            let stranger = try? await HTTP.send(.DELETE, directory.url + "/things/urn:example:tls-registered", token: bob, client: client)
            try await client.shutdown()
            #expect(stored?.status == 200)
            #expect(stranger?.status == 403)
        }
    }
}
