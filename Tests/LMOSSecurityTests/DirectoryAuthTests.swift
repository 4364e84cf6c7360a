import AsyncHTTPClient
import Foundation
import LMOSCore
import LMOSTestSupport
import NIOHTTP1
import Testing

extension SecurityEndToEnd {
    /// The directory with `--auth jwt` against a real authorization server's JWKS URL: every operation with every kind
    /// of token, checking the status, the RFC 6750 challenge, and that nothing changed on a refusal.
    @Suite("Directory authorization", .serialized, .enabled(if: Peers.available || Peers.mustRun))
    struct DirectoryAuthTests {
        /// The kinds of token of the matrix.
        enum Kind: String, CaseIterable {
            case none, expired, wrongIssuer, wrongAudience, missingScope, otherOwner, admin, owner
        }

        struct Setup {
            let oauth: OAuthServer
            let directory: LMOSServer
            var tokens: [Kind: String] = [:]
            /// A token with the scope a read needs but not a write's, and one the other way round.
            var readOnly = ""
            var writeOnly = ""

            func token(_ kind: Kind, write: Bool) -> String? {
                if kind == .missingScope { return write ? readOnly : writeOnly }
                return tokens[kind]
            }

            func stop() {
                directory.stop()
                oauth.stop()
            }
        }

        func setUp(publicRead: Bool = false) async throws -> Setup {
            let oauth = try await OAuthServer()
            var arguments = ["--auth", "jwt", "--jwks", oauth.jwksURL, "--issuer", oauth.issuer, "--audience", oauth.audience, "--token-url", oauth.tokenURL]
            if publicRead { arguments.append("--public-read") }
            let directory = try await LMOSServer.directory(arguments)
            var setup = Setup(oauth: oauth, directory: directory)
            let both = "lmos:read lmos:write"
            setup.tokens[.expired] = try await oauth.mint(["sub": "alice", "scope": .string(both)], options: ["expires_in": -600])
            setup.tokens[.wrongIssuer] = try await oauth.mint(["sub": "alice", "scope": .string(both), "iss": "https://evil.test"])
            setup.tokens[.wrongAudience] = try await oauth.mint(["sub": "alice", "scope": .string(both), "aud": "another-api"])
            setup.tokens[.otherOwner] = try await oauth.clientToken("bob-app")
            setup.tokens[.admin] = try await oauth.clientToken("admin-app")
            setup.tokens[.owner] = try await oauth.clientToken("alice-app")
            setup.readOnly = try await oauth.clientToken("reader-app")
            setup.writeOnly = try await oauth.mint(["sub": "writer", "scope": "lmos:write"])
            return setup
        }

        /// The collection's version: it changes with every write.
        func version(_ setup: Setup) async throws -> String {
            let answer = try await HTTP.send(.GET, setup.directory.url + "/things?limit=1", token: setup.tokens[.admin])
            return answer.headers["ETag"].first ?? ""
        }

        func expectRefusal(_ answer: HTTPAnswer, _ kind: Kind, write: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            switch kind {
            case .none:
                #expect(answer.status == 401, "\(what)", sourceLocation: sourceLocation)
                #expect(answer.challenge == #"Bearer realm="lmos-directory""#, "\(what)", sourceLocation: sourceLocation)
            case .expired, .wrongIssuer, .wrongAudience:
                #expect(answer.status == 401, "\(what)", sourceLocation: sourceLocation)
                #expect(answer.challenge?.contains(#"error="invalid_token""#) == true, "\(what): \(answer.challenge ?? "no challenge")", sourceLocation: sourceLocation)
            case .missingScope:
                #expect(answer.status == 403, "\(what)", sourceLocation: sourceLocation)
                let scope = write ? "lmos:write" : "lmos:read"
                #expect(answer.challenge?.contains(#"error="insufficient_scope""#) == true && answer.challenge?.contains(#"scope="\#(scope)""#) == true,
                        "\(what): \(answer.challenge ?? "no challenge")", sourceLocation: sourceLocation)
            case .otherOwner:
                #expect(answer.status == 403, "\(what)", sourceLocation: sourceLocation)
            case .admin, .owner:
                Issue.record("\(kind) is not refused", sourceLocation: sourceLocation)
            }
            #expect(answer.headers["Content-Type"].first?.hasPrefix("application/problem+json") == true, "\(what)", sourceLocation: sourceLocation)
            let title: JSONValue = answer.status == 401 ? "Unauthorized" : "Forbidden"
            #expect(answer.json?["title"] == title && answer.json?["status"] == .integer(Int64(answer.status)), "\(what): \(answer.text)", sourceLocation: sourceLocation)
        }

        @Test("reads: list, retrieve, both searches and events need a valid token with lmos:read")
        func reads() async throws {
            let setup = try await setUp()
            defer { setup.stop() }
            let id = "urn:example:auth:read"
            let created = try await HTTP.send(.PUT, setup.directory.url + "/things/" + id, body: agentDescription(id: id).jsonBytes(), contentType: "application/td+json", token: setup.tokens[.owner])
            #expect(created.status == 201)
            let reads: [(String, String)] = [
                ("list", "/things"), ("retrieve", "/things/" + id), ("lmos search", "/search/lmos?type=Agent"),
                ("jsonpath search", "/search/jsonpath?query=%24%5B*%5D.title"),
            ]
            for kind in Kind.allCases {
                let token = setup.token(kind, write: false)
                for (name, path) in reads {
                    let answer = try await HTTP.send(.GET, setup.directory.url + path, token: token)
                    switch kind {
                    case .otherOwner, .admin, .owner: #expect(answer.status == 200, "\(name) with \(kind)")
                    default: expectRefusal(answer, kind, write: false, "\(name) with \(kind)")
                    }
                }
                let events = try await HTTP.head(of: setup.directory.url + "/events", token: token)
                switch kind {
                case .otherOwner, .admin, .owner: #expect(events.status == 200, "events with \(kind)")
                case .missingScope: #expect(events.status == 403, "events with \(kind)")
                default: #expect(events.status == 401, "events with \(kind)")
                }
            }
        }

        @Test("creations (PUT of a new id, POST) need lmos:write; the creator's sub owns the description")
        func creations() async throws {
            let setup = try await setUp()
            defer { setup.stop() }
            for kind in Kind.allCases {
                let before = try await version(setup)
                let id = "urn:example:auth:new:\(kind.rawValue)"
                let put = try await HTTP.send(.PUT, setup.directory.url + "/things/" + id, body: agentDescription(id: id).jsonBytes(), contentType: "application/td+json", token: setup.token(kind, write: true))
                let post = try await HTTP.send(.POST, setup.directory.url + "/things", body: agentDescription(id: nil).jsonBytes(), contentType: "application/td+json", token: setup.token(kind, write: true))
                switch kind {
                case .otherOwner, .admin, .owner:
                    #expect(put.status == 201 && post.status == 201, "create with \(kind)")
                default:
                    expectRefusal(put, kind, write: true, "PUT with \(kind)")
                    expectRefusal(post, kind, write: true, "POST with \(kind)")
                    #expect(try await version(setup) == before, "nothing changed after a refused creation with \(kind)")
                    let stored = try await HTTP.send(.GET, setup.directory.url + "/things/" + id, token: setup.tokens[.admin])
                    #expect(stored.status == 404)
                }
            }
        }

        @Test("replace, patch and delete: only the owner (token sub) or lmos:admin; refusals change nothing")
        func changes() async throws {
            let setup = try await setUp()
            defer { setup.stop() }
            for operation in ["replace", "patch", "delete"] {
                for kind in Kind.allCases {
                    let id = "urn:example:auth:\(operation):\(kind.rawValue)"
                    let url = setup.directory.url + "/things/" + id
                    let created = try await HTTP.send(.PUT, url, body: agentDescription(id: id, title: "Alice's").jsonBytes(), contentType: "application/td+json", token: setup.tokens[.owner])
                    #expect(created.status == 201)
                    let before = try await version(setup)
                    let storedBefore = try await HTTP.send(.GET, url, token: setup.tokens[.admin]).json?["title"]
                    let token = setup.token(kind, write: true)
                    let answer: HTTPAnswer
                    switch operation {
                    case "replace":
                        answer = try await HTTP.send(.PUT, url, body: agentDescription(id: id, title: "Changed").jsonBytes(), contentType: "application/td+json", token: token)
                    case "patch":
                        answer = try await HTTP.send(.PATCH, url, body: Array(#"{"title":"Changed"}"#.utf8), contentType: "application/merge-patch+json", token: token)
                    default:
                        answer = try await HTTP.send(.DELETE, url, token: token)
                    }
                    let after = try await HTTP.send(.GET, url, token: setup.tokens[.admin])
                    switch kind {
                    case .admin, .owner:
                        #expect(answer.status == 204, "\(operation) with \(kind): \(answer.text)")
                        if operation == "delete" { #expect(after.status == 404) } else { #expect(after.json?["title"] == "Changed") }
                    default:
                        expectRefusal(answer, kind, write: true, "\(operation) with \(kind)")
                        #expect(try await version(setup) == before, "nothing changed after a refused \(operation) with \(kind)")
                        #expect(after.status == 200 && after.json?["title"] == storedBefore)
                    }
                }
            }
        }

        @Test("--public-read: reads need no token, writes still do; the directory's description declares it")
        func publicRead() async throws {
            let setup = try await setUp(publicRead: true)
            defer { setup.stop() }
            #expect(try await HTTP.send(.GET, setup.directory.url + "/things").status == 200)
            #expect(try await HTTP.send(.GET, setup.directory.url + "/search/lmos?type=Agent").status == 200)
            #expect(try await HTTP.head(of: setup.directory.url + "/events", token: nil).status == 200)
            let put = try await HTTP.send(.PUT, setup.directory.url + "/things/urn:example:x", body: agentDescription(id: "urn:example:x").jsonBytes(), contentType: "application/td+json")
            #expect(put.status == 401)
            let own = try #require(try await HTTP.send(.GET, setup.directory.url + "/.well-known/wot").json)
            #expect(own["securityDefinitions"]?["oauth2_sc"]?["scheme"] == "oauth2")
            #expect(own["securityDefinitions"]?["oauth2_sc"]?["flow"] == "client")
            #expect(own["securityDefinitions"]?["oauth2_sc"]?["token"]?.stringValue == setup.oauth.tokenURL)
            #expect(own["security"] == ["oauth2_sc"])
            let forms = own["actions"]?.objectValue?.compactMap { $0.value["forms"]?.arrayValue }.flatMap { $0 } ?? []
            #expect(forms.contains { $0["htv:methodName"] == "PUT" && $0["scopes"] == ["lmos:write"] })
            let readForms = own["properties"]?.objectValue?.compactMap { $0.value["forms"]?.arrayValue }.flatMap { $0 } ?? []
            #expect(!readForms.isEmpty && readForms.allSatisfy { $0["security"] == ["nosec_sc"] })
        }

        @Test("the CLI: --token, LMOS_TOKEN and the client-credentials grant (--client-id) for register, search and deregister")
        func commandLine() async throws {
            let setup = try await setUp()
            defer { setup.stop() }
            let folder = try Subprocess.temporaryDirectory(prefix: "lmos-security-cli")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("agent.json").path
            try Data(agentDescription(id: "urn:example:cli", title: "CLI Agent").jsonBytes()).write(to: URL(fileURLWithPath: file))
            let directory = setup.directory.url

            let refused = try await lmos(["register", file, "--directory", directory])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("401"), "\(refused.stderr)")
            let registered = try await lmos(["register", file, "--directory", directory, "--token", setup.tokens[.owner] ?? ""])
            #expect(registered.status == 0, "\(registered.stderr)")
            let fromEnvironment = try await lmos(["search", "--directory", directory, "--query", "CLI"], environment: ["LMOS_TOKEN": setup.readOnly])
            #expect(fromEnvironment.status == 0 && fromEnvironment.output.contains("urn:example:cli"), "\(fromEnvironment.stderr)")
            let discovered = try await lmos(["discover", "--directory", directory, "--token", setup.readOnly, "--format", "json"])
            #expect(discovered.status == 0 && discovered.output.contains("urn:example:cli"), "\(discovered.output) \(discovered.stderr)")
            let stranger = try await lmos(["deregister", "urn:example:cli", "--directory", directory, "--token", setup.tokens[.otherOwner] ?? ""])
            #expect(stranger.status == 1 && stranger.stderr.contains("403"), "\(stranger.stderr)")
            let granted = try await lmos([
                "deregister", "urn:example:cli", "--directory", directory, "--client-id", "alice-app", "--token-url", setup.oauth.tokenURL,
            ], environment: ["LMOS_CLIENT_SECRET": "alice-app-secret"])
            #expect(granted.status == 0, "\(granted.stderr)")
            let wrongSecret = try await lmos([
                "search", "--directory", directory, "--client-id", "alice-app", "--client-secret", "nope", "--token-url", setup.oauth.tokenURL,
            ])
            #expect(wrongSecret.status == 1 && wrongSecret.stderr.contains("invalid_client"), "\(wrongSecret.stderr)")
        }

        @Test("bad JWKS at start: a one-line error and exit 1; usage errors exit 64")
        func startErrors() async throws {
            let missing = try await lmos(["directory", "serve", "--port", "0", "--store", "memory", "--auth", "jwt", "--jwks", "/nonexistent/jwks.json", "--issuer", "https://i", "--audience", "a"])
            #expect(missing.status == 1 && missing.stderr.contains("cannot read the JWKS file /nonexistent/jwks.json"), "\(missing.stderr)")
            let usage = try await lmos(["directory", "serve", "--auth", "jwt"])
            #expect(usage.status == 64 && usage.stderr.contains("--auth jwt needs --jwks"), "\(usage.stderr)")
            let orphan = try await lmos(["directory", "serve", "--public-read"])
            #expect(orphan.status == 64, "\(orphan.stderr)")
        }
    }
}
