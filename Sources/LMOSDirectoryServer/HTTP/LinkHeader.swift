import LMOSCore
import HTTPTypes

/// RFC 8288 `Link` header values for paged collections (WoT Discovery 7.3.2.1.5).
enum LinkHeader {
    /// `<target>; rel="relation"` plus extra parameters.
    static func value(_ target: String, relation: String, parameters: [(String, String)] = []) -> String {
        var text = "<\(target)>; rel=\"\(relation)\""
        for (name, value) in parameters { text += "; \(name)=\"\(value)\"" }
        return text
    }

    /// `path?name=value&...` with values percent-encoded; nil values are left out.
    static func url(_ path: String, _ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.encode($0))" } }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }
}

extension HTTPField.Name {
    /// `Link` (RFC 8288).
    static let link = HTTPField.Name("Link")!
    /// `Last-Event-ID` (HTML, Server-Sent Events).
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
