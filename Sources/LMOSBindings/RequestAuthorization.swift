/// Credentials to attach to a request to a secured thing: header fields (Authorization, an API key header, Cookie)
/// and query parameters (an API key in the query).
public struct RequestAuthorization: Sendable, Hashable {
    public var headers: [String: String]
    public var query: [String: String]

    public init(headers: [String: String] = [:], query: [String: String] = [:]) {
        self.headers = headers
        self.query = query
    }

    /// Nothing to attach.
    public static let none = RequestAuthorization()

    /// `url` with the query parameters appended.
    public func apply(to url: String) -> String {
        guard !query.isEmpty else { return url }
        let pairs = query.sorted { $0.key < $1.key }.map { Self.encode($0.key) + "=" + Self.encode($0.value) }
        let (base, fragment) = url.firstIndex(of: "#").map { (String(url[..<$0]), String(url[$0...])) } ?? (url, "")
        return base + (base.contains("?") ? "&" : "?") + pairs.joined(separator: "&") + fragment
    }

    static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }
}
