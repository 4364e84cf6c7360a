import Foundation
import X509

extension DevelopmentCertificates {
    /// The files `lmos dev-cert` writes in a folder.
    public enum FileName {
        /// The authority's certificate: what clients trust (`--ca-file`).
        public static let authority = "ca.pem"
        /// The authority's key (mode 0600), kept so that later certificates come from the same authority.
        public static let authorityKey = "ca-key.pem"
        /// The server certificate (`--tls-cert`).
        public static let certificate = "cert.pem"
        /// The server key (mode 0600, `--tls-key`).
        public static let key = "key.pem"
    }

    /// The authority kept in `directory` (``FileName/authority`` and ``FileName/authorityKey``), or a new one when
    /// there is none; `created` says which.
    public static func authority(in directory: String) throws(TLSFileError) -> (authority: Authority, created: Bool) {
        let certificatePath = directory + "/" + FileName.authority
        let keyPath = directory + "/" + FileName.authorityKey
        let manager = FileManager.default
        switch (manager.fileExists(atPath: certificatePath), manager.fileExists(atPath: keyPath)) {
        case (false, false):
            return (try Authority.make(), true)
        case (true, true):
            let certificate = String(decoding: try TLSFiles.read(certificatePath), as: UTF8.self)
            let key = String(decoding: try TLSFiles.read(keyPath), as: UTF8.self)
            do {
                return (try Authority(certificatePEM: certificate, keyPEM: key), false)
            } catch {
                throw TLSFileError(path: directory, reason: error.reason)
            }
        case (true, false):
            throw TLSFileError(path: certificatePath, reason: "exists without \(FileName.authorityKey): remove it or use another folder")
        case (false, true):
            throw TLSFileError(path: keyPath, reason: "exists without \(FileName.authority): remove it or use another folder")
        }
    }

    /// Writes the authority (when `includingAuthority`), the certificate and the key into `directory` (created if
    /// missing); key files get mode 0600.
    public static func write(_ issued: Issued, to directory: String, includingAuthority: Bool) throws(TLSFileError) {
        do {
            // A new folder is the owner's alone (it holds private keys).
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw TLSFileError(path: directory, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        do {
            if includingAuthority {
                try write(issued.authority.certificate.serializeAsPEM().pemString, to: directory + "/" + FileName.authority, private: false)
                try write(issued.authority.privateKey.serializeAsPEM().pemString, to: directory + "/" + FileName.authorityKey, private: true)
            }
            try write(issued.certificate.serializeAsPEM().pemString, to: directory + "/" + FileName.certificate, private: false)
            try write(issued.privateKey.serializeAsPEM().pemString, to: directory + "/" + FileName.key, private: true)
        } catch let error as TLSFileError {
            throw error
        } catch {
            throw TLSFileError(path: directory, reason: "could not encode PEM: \(error)")
        }
    }

    /// Writes through a new temporary file (a random name, created exclusively, never through a symbolic link) and
    /// a rename; private files are created with mode 0600 (never readable by others, not even for a moment).
    static func write(_ text: String, to path: String, private isPrivate: Bool) throws(TLSFileError) {
        let temporary = path + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, isPrivate ? 0o600 : 0o644)
        guard descriptor >= 0 else {
            throw TLSFileError(path: path, reason: "cannot be written (\(String(cString: strerror(errno))))")
        }
        let bytes = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw TLSFileError(path: path, reason: "cannot be written (\(reason))")
            }
            written += result
        }
        guard fchmod(descriptor, isPrivate ? 0o600 : 0o644) == 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporary)
            throw TLSFileError(path: path, reason: "cannot be written (\(reason))")
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TLSFileError(path: path, reason: "cannot be written (\(reason))")
        }
    }
}
