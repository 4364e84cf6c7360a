import NIOSSL

/// TLS settings made from PEM files, checked when made (a wrong path or a file that holds no certificate is an
/// error here, not a failed handshake later).
public enum TLSFiles {
    /// A server's settings: its certificate chain (leaf first) and private key; with `clientCAFile`, clients must
    /// present a certificate issued by one of the certificates in that file (mutual TLS).
    public static func server(certificateFile: String, keyFile: String, clientCAFile: String? = nil) throws(TLSFileError)
        -> TLSConfiguration
    {
        let chain = try certificates(in: certificateFile)
        let key = try privateKey(in: keyFile)
        var configuration: TLSConfiguration
        if let clientCAFile {
            let roots = try certificates(in: clientCAFile)
            configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key),
                trustRoots: .certificates(roots))
        } else {
            configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        }
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    /// A client's settings: the server's certificate and host name are verified (always); `caFile` adds
    /// certificate authorities to the system's; `certificateFile` and `keyFile` give a client certificate.
    public static func client(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil)
        throws(TLSFileError) -> TLSConfiguration
    {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if let caFile {
            configuration.additionalTrustRoots = [.certificates(try certificates(in: caFile))]
        }
        switch (certificateFile, keyFile) {
        case (nil, nil): break
        case (let certificateFile?, let keyFile?):
            configuration.certificateChain = try certificates(in: certificateFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try privateKey(in: keyFile))
        case (let path?, nil), (nil, let path?):
            throw TLSFileError(path: path, reason: "a client certificate needs both a certificate file and a key file")
        }
        return configuration
    }

    /// The certificates of a PEM file (at least one).
    public static func certificates(in path: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        let bytes = try read(path)
        let found: [NIOSSLCertificate]
        do {
            found = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw TLSFileError(path: path, reason: "not a PEM certificate file (\(error))")
        }
        guard !found.isEmpty else { throw TLSFileError(path: path, reason: "holds no PEM certificate") }
        return found
    }

    /// The private key of a PEM file (PKCS#8, SEC1 or PKCS#1).
    public static func privateKey(in path: String) throws(TLSFileError) -> NIOSSLPrivateKey {
        let bytes = try read(path)
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
        } catch {
            throw TLSFileError(path: path, reason: "not a PEM private key (\(error))")
        }
    }

    static func read(_ path: String) throws(TLSFileError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw TLSFileError(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes += chunk[0..<count] }
            if count < chunk.count { break }
            if bytes.count > 4 * 1024 * 1024 { throw TLSFileError(path: path, reason: "is larger than 4 MiB") }
        }
        if ferror(file) != 0 { throw TLSFileError(path: path, reason: "could not be read") }
        return bytes
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
