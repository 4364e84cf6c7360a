import Foundation

/// A real mosquitto broker (Debian's `mosquitto`) on its own loopback port, for one test.
public final class Mosquitto: @unchecked Sendable {
    public static let mustRun = ProcessInfo.processInfo.environment["LMOS_REQUIRE_INTEROP"] == "1"
    static let executable: URL? = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]
        .map { URL(fileURLWithPath: $0) }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    public static var available: Bool { executable != nil }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let folder: URL
    public let port: Int
    private(set) var process: BackgroundProcess?

    /// With `tls`: the CA that signed the broker's certificate (for 127.0.0.1), PEM.
    public private(set) var caFile: String?

    /// Starts a broker; with `users`, anonymous clients are refused and these name/password pairs are accepted;
    /// with `tls`, the listener speaks TLS only, with a certificate for 127.0.0.1 from a CA made for the test
    /// (`caFile`).
    public init(users: [String: String] = [:], tls: Bool = false) async throws {
        folder = try Subprocess.temporaryDirectory(prefix: "lmos-mosquitto")
        port = try Self.freePort()
        var config = "listener \(port) 127.0.0.1\npersistence false\nset_tcp_nodelay true\n"
        if tls {
            let files = try Self.makeCertificates(in: folder)
            caFile = files.ca
            config += "cafile \(files.ca)\ncertfile \(files.certificate)\nkeyfile \(files.key)\n"
        }
        if users.isEmpty {
            config += "allow_anonymous true\n"
        } else {
            let passwords = folder.appendingPathComponent("passwords")
            try Data().write(to: passwords)
            for (user, password) in users {
                let result = try Subprocess.run(
                    URL(fileURLWithPath: "/usr/bin/mosquitto_passwd"), ["-b", passwords.path, user, password])
                guard result.status == 0 else { throw Failure(description: "mosquitto_passwd: \(result.stderr)") }
            }
            config += "allow_anonymous false\npassword_file \(passwords.path)\n"
        }
        try Data(config.utf8).write(to: folder.appendingPathComponent("mosquitto.conf"))
        try await start()
    }

    /// Starts (or restarts) the broker on the same port and waits until it accepts connections.
    public func start() async throws {
        guard let executable = Self.executable else { throw Failure(description: "mosquitto is not installed") }
        // Without the shim it would inherit this thread's blocked SIGTERM and ignore `stop()`.
        let (command, arguments) = unblockingSignals(executable, ["-c", folder.appendingPathComponent("mosquitto.conf").path])
        let process = try BackgroundProcess(command, arguments)
        self.process = process
        // A generous deadline, and one more look after it: when the whole test run keeps both cores busy, this task
        // may not run again until after the deadline although the broker listened long before.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if Self.accepts(port) { return }
            if !process.isRunning { throw Failure(description: "mosquitto exited: \(process.standardError)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        if Self.accepts(port) { return }
        throw Failure(description: "mosquitto did not listen on \(port)")
    }

    /// Stops the broker and waits until its port is closed.
    public func stop() async {
        if await process?.signal(SIGTERM, waitingUpTo: 5) == nil { process?.terminate() }
        process = nil
        let deadline = Date().addingTimeInterval(5)
        while Self.accepts(port), Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    }

    deinit {
        process?.terminate()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A CA and a server certificate for IP 127.0.0.1 signed by it, made with the `openssl` command.
    public static func makeCertificates(in folder: URL, name: String = "") throws -> (ca: String, certificate: String, key: String) {
        func path(_ file: String) -> String { folder.appendingPathComponent(name + file).path }
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: URL(fileURLWithPath: path("san.cnf")))
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path("ca.key"),
             "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=lmos test CA \(name)"],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path("server.key"),
             "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
             "-out", path("server.pem"), "-days", "2", "-extfile", path("san.cnf")],
        ]
        for step in steps {
            let result = try Subprocess.run(openssl, step)
            guard result.status == 0 else { throw Failure(description: "openssl \(step[0]): \(result.stderr)") }
        }
        // mosquitto started as root reads its files as the user it drops to: test keys may be world-readable.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path("server.key"))
        return (path("ca.pem"), path("server.pem"), path("server.key"))
    }

    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw Failure(description: "no free port") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

