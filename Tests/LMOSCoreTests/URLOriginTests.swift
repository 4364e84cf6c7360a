import LMOSCore
import Testing

@Suite("URL origins")
struct URLOriginTests {
    @Test("origins are read with default ports, user info and IPv6 literals")
    func parsing() throws {
        let plain = try #require(URLOrigin("HTTPS://Agent.Example/things?x=1"))
        #expect(plain.scheme == "https" && plain.host == "agent.example" && plain.port == 443)
        #expect(URLOrigin("http://user:pw@127.0.0.1:8080/x")?.description == "http://127.0.0.1:8080")
        #expect(URLOrigin("wss://[::1]:9/ws")?.host == "::1")
        #expect(URLOrigin("mqtts://broker")?.port == 8883)
        for bad in ["", "no scheme", "http://", "http://host:99999/", "http://[::1/", "://host"] {
            #expect(URLOrigin(bad) == nil, "\(bad)")
        }
    }

    @Test("credentials may go over TLS, or in the clear to loopback only")
    func credentials() {
        #expect(URLOrigin("https://agent.example")?.mayCarryCredentials == true)
        #expect(URLOrigin("wss://agent.example/ws")?.mayCarryCredentials == true)
        #expect(URLOrigin("http://agent.example")?.mayCarryCredentials == false)
        #expect(URLOrigin("ws://10.0.0.7/ws")?.mayCarryCredentials == false)
        for loopback in ["http://127.0.0.1:80", "http://127.1.2.3", "http://localhost:8080", "ws://[::1]:9", "http://a.localhost"] {
            #expect(URLOrigin(loopback)?.mayCarryCredentials == true, "\(loopback)")
        }
        #expect(URLOrigin("http://127.0.0.1.evil.example")?.mayCarryCredentials == false)
        #expect(URLOrigin("http://localhost.evil.example")?.mayCarryCredentials == false)
    }

    @Test("a WebSocket endpoint is on the same site as its HTTP origin")
    func sameSite() throws {
        let https = try #require(URLOrigin("https://agent.example:8443/x"))
        #expect(try #require(URLOrigin("wss://agent.example:8443/ws")).sameSite(as: https))
        #expect(!(try #require(URLOrigin("ws://agent.example:8443/ws")).sameSite(as: https)))
        #expect(!(try #require(URLOrigin("https://agent.example:8444/")).sameSite(as: https)))
        #expect(!(try #require(URLOrigin("https://other.example:8443/")).sameSite(as: https)))
    }
}
