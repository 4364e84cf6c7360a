/// The `did:web` method (W3C CCG did:web): a DID whose document is served over HTTPS by the domain it names.
///
/// `did:web:example.com` -> `https://example.com/.well-known/did.json`;
/// `did:web:example.com:agents:x` -> `https://example.com/agents/x/did.json`;
/// a port is percent-encoded: `did:web:localhost%3A8443`.
public enum DIDWeb {
    /// The HTTPS URL of the DID document of `did` (a fragment is ignored).
    public static func documentURL(for did: String, scheme: String = "https") throws(IdentityError) -> String {
        let bare = DIDURL.stripFragment(did)
        guard bare.hasPrefix("did:web:") else { throw .invalidDID("\(bare) is not a did:web") }
        let segments = bare.dropFirst("did:web:".count).split(separator: ":", omittingEmptySubsequences: false)
        guard let hostSegment = segments.first, !hostSegment.isEmpty else { throw .invalidDID("\(bare) names no host") }
        let host = try percentDecode(String(hostSegment), in: bare)
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]".contains($0)) }) else {
            throw .invalidDID("\(bare): \"\(host)\" is not a host name")
        }
        var path: [String] = []
        for segment in segments.dropFirst() {
            let decoded = try percentDecode(String(segment), in: bare)
            guard !decoded.isEmpty, decoded != ".", decoded != "..", !decoded.contains("/") else {
                throw .invalidDID("\(bare): \"\(segment)\" is not a path segment")
            }
            path.append(String(segment))
        }
        if path.isEmpty { return "\(scheme)://\(host)/.well-known/did.json" }
        return "\(scheme)://\(host)/" + path.joined(separator: "/") + "/did.json"
    }

    static func percentDecode(_ text: String, in did: String) throws(IdentityError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { throw .invalidDID("\(did): broken percent-encoding in \"\(text)\"") }
            bytes.append(value)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidDID("\(did): percent-encoding is not UTF-8")
        }
        return decoded
    }
}
