import Crypto
import Foundation
import SwiftASN1
import X509

/// Certificates for development and tests: a local certificate authority and server certificates it issues for
/// given host names and addresses (`lmos dev-cert`). Keys are P-256; the authority is valid for ten years, a server
/// certificate for 825 days. Not for production: whoever holds the authority's key can impersonate any host to
/// clients that trust it.
public enum DevelopmentCertificates {
    /// A certificate authority: its certificate and the key it signs with.
    public struct Authority: Sendable {
        public let certificate: Certificate
        public let privateKey: Certificate.PrivateKey

        /// A new authority named `name`.
        public static func make(name: String? = nil, now: Date = Date()) throws(TLSFileError) -> Authority {
            let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
            // A name of its own, so that two development authorities are never taken for each other.
            let name = name ?? "swift-lmos development CA " + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            do {
                let subject = try DistinguishedName {
                    OrganizationName("swift-lmos development")
                    CommonName(name)
                }
                let certificate = try Certificate(
                    version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                    notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
                    issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                    extensions: try Certificate.Extensions {
                        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                        Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                        SubjectKeyIdentifier(hash: key.publicKey)
                    },
                    issuerPrivateKey: key)
                return Authority(certificate: certificate, privateKey: key)
            } catch {
                throw TLSFileError(path: "", reason: "could not make a certificate authority: \(error)")
            }
        }

        /// An authority read back from its PEM certificate and key (as ``write(to:)`` left them).
        public init(certificatePEM: String, keyPEM: String) throws(TLSFileError) {
            do {
                certificate = try Certificate(pemEncoded: certificatePEM)
                privateKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
            } catch {
                throw TLSFileError(path: "", reason: "not a certificate authority's PEM certificate and key: \(error)")
            }
            guard privateKey.publicKey == certificate.publicKey else {
                throw TLSFileError(path: "", reason: "the key does not belong to the authority's certificate")
            }
        }

        init(certificate: Certificate, privateKey: Certificate.PrivateKey) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    /// A server certificate and its key, with the authority that issued it.
    public struct Issued: Sendable {
        public let authority: Authority
        public let certificate: Certificate
        public let privateKey: Certificate.PrivateKey
    }

    /// Issues a certificate for `hosts` (DNS names, `*.` wildcards, IPv4 or IPv6 addresses), usable by servers and
    /// as a client certificate. The first host is its common name.
    public static func issue(hosts: [String], by authority: Authority, now: Date = Date()) throws(TLSFileError) -> Issued {
        guard let first = hosts.first else { throw TLSFileError(path: "", reason: "give at least one host name or address") }
        var names: [GeneralName] = []
        for host in hosts {
            if let address = ipAddressBytes(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: address[...])))
            } else if isDNSName(host) {
                names.append(.dnsName(host.lowercased()))
            } else {
                throw TLSFileError(path: "", reason: "'\(host)' is neither a host name nor an IP address")
            }
        }
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        do {
            let subject = try DistinguishedName {
                OrganizationName("swift-lmos development")
                CommonName(first)
            }
            let authorityKeyID = try authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
                ?? SubjectKeyIdentifier(hash: authority.certificate.publicKey).keyIdentifier
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(825 * 86400),
                issuer: authority.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth, .clientAuth])
                    SubjectAlternativeNames(names)
                    SubjectKeyIdentifier(hash: key.publicKey)
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                },
                issuerPrivateKey: authority.privateKey)
            return Issued(authority: authority, certificate: certificate, privateKey: key)
        } catch {
            throw TLSFileError(path: "", reason: "could not issue the certificate: \(error)")
        }
    }

    /// The bytes of an IPv4 or IPv6 address in text form, or nil.
    static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// A DNS host name (RFC 1123 labels), optionally with a leading `*.` wildcard label.
    static func isDNSName(_ text: String) -> Bool {
        var name = Substring(text)
        if name.hasPrefix("*.") { name = name.dropFirst(2) }
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            guard label.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) || $0 == 0x2d })
            else { return false }
        }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
