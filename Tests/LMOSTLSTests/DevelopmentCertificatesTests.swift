import Foundation
import LMOSTLS
import LMOSTestSupport
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@Suite("Development certificates and TLS settings from files")
struct DevelopmentCertificatesTests {
    func makeFolder() throws -> String { try Subprocess.temporaryDirectory(prefix: "lmos-tls").path }

    @Test("the files: an authority kept for later runs, a certificate for every host, keys 0600; openssl verifies")
    func files() throws {
        let folder = try makeFolder() + "/certs"
        let (authority, created) = try DevelopmentCertificates.authority(in: folder)
        #expect(created)
        let issued = try DevelopmentCertificates.issue(hosts: ["localhost", "127.0.0.1", "::1", "*.lmos.test"], by: authority)
        try DevelopmentCertificates.write(issued, to: folder, includingAuthority: true)
        for (name, mode) in [("ca.pem", 0o644), ("ca-key.pem", 0o600), ("cert.pem", 0o644), ("key.pem", 0o600)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(name)")
        }
        let verify = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/openssl"), ["verify", "-CAfile", folder + "/ca.pem", folder + "/cert.pem"])
        #expect(verify.status == 0, "\(verify.output) \(verify.stderr)")
        let text = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/openssl"), ["x509", "-in", folder + "/cert.pem", "-noout", "-ext", "subjectAltName,basicConstraints,extendedKeyUsage"])
        #expect(text.output.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:*.lmos.test"), "\(text.output)")
        #expect(text.output.contains("CA:FALSE") && text.output.contains("TLS Web Server Authentication"))
        let caText = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/openssl"), ["x509", "-in", folder + "/ca.pem", "-noout", "-ext", "basicConstraints,keyUsage"])
        #expect(caText.output.contains("CA:TRUE") && caText.output.contains("Certificate Sign"))

        // A second run issues from the same authority.
        let (again, createdAgain) = try DevelopmentCertificates.authority(in: folder)
        #expect(!createdAgain)
        #expect(again.certificate == authority.certificate)
        // An authority file without its key is an error, not a silent new authority.
        try FileManager.default.removeItem(atPath: folder + "/ca-key.pem")
        #expect(throws: TLSFileError.self) { try DevelopmentCertificates.authority(in: folder) }
    }

    @Test("host names and addresses are checked")
    func hosts() throws {
        let authority = try DevelopmentCertificates.Authority.make()
        for bad in ["", "bad host", "-x.test", "a..b", String(repeating: "a", count: 64) + ".test", "x_y.test"] {
            #expect(throws: TLSFileError.self, "\(bad)") { try DevelopmentCertificates.issue(hosts: [bad], by: authority) }
        }
        #expect(throws: TLSFileError.self) { try DevelopmentCertificates.issue(hosts: [], by: authority) }
        _ = try DevelopmentCertificates.issue(hosts: ["a-b.c.test", "fe80::1", "10.0.0.1"], by: authority)
    }

    @Test("bad PEM files are named in the error")
    func badFiles() throws {
        let folder = try makeFolder()
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: folder + "/junk.pem"))
        #expect(throws: TLSFileError.self) { try TLSFiles.certificates(in: folder + "/junk.pem") }
        #expect(throws: TLSFileError.self) { try TLSFiles.privateKey(in: folder + "/junk.pem") }
        do {
            _ = try TLSFiles.client(caFile: folder + "/missing.pem")
            Issue.record("a missing CA file was accepted")
        } catch {
            #expect(error.path == folder + "/missing.pem")
        }
        #expect(throws: TLSFileError.self) { try TLSFiles.client(certificateFile: folder + "/junk.pem") }
    }

    /// The certificate names `localhost` only: NIOSSL also accepts a certificate naming the IP address it connected to.
    @Test("a TLS handshake: the issued certificate verifies with the CA file, not with another CA or a wrong name")
    func handshake() async throws {
        let folder = try makeFolder()
        let authority = try DevelopmentCertificates.Authority.make()
        try DevelopmentCertificates.write(try DevelopmentCertificates.issue(hosts: ["localhost"], by: authority), to: folder + "/a", includingAuthority: true)
        try DevelopmentCertificates.write(
            try DevelopmentCertificates.issue(hosts: ["localhost"], by: try DevelopmentCertificates.Authority.make()), to: folder + "/b",
            includingAuthority: true)
        let server = try TLSFiles.server(certificateFile: folder + "/a/cert.pem", keyFile: folder + "/a/key.pem")
        let context = try NIOSSLContext(configuration: server)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(Echo())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        defer { channel.close(promise: nil) }

        #expect(try await roundTrip(port: port, name: "localhost", client: TLSFiles.client(caFile: folder + "/a/ca.pem")) == "ping")
        await #expect(throws: (any Error).self) {
            try await roundTrip(port: port, name: "localhost", client: TLSFiles.client(caFile: folder + "/b/ca.pem"))
        }
        await #expect(throws: (any Error).self) { try await roundTrip(port: port, name: "localhost", client: TLSFiles.client()) }
        await #expect(throws: (any Error).self) {
            try await roundTrip(port: port, name: "other.test", client: TLSFiles.client(caFile: folder + "/a/ca.pem"))
        }
    }

    /// Connects with `client` settings as `name`, sends "ping" and returns what comes back.
    func roundTrip(port: Int, name: String, client: TLSConfiguration) async throws -> String {
        let context = try NIOSSLContext(configuration: client)
        let answer = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: name))
                    try channel.pipeline.syncOperations.addHandler(Collect(answer: answer))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        defer { channel.close(promise: nil) }
        try await channel.writeAndFlush(ByteBuffer(string: "ping")).get()
        return try await answer.futureResult.get()
    }
}

final class Echo: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}

final class Collect: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let answer: EventLoopPromise<String>

    init(answer: EventLoopPromise<String>) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        answer.succeed(String(buffer: unwrapInboundIn(data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(ChannelError.ioOnClosedChannel)
    }
}
