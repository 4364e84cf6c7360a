import LMOSCore

/// Why a directory request failed: the directory's answer (status and RFC 7807 problem details) or the reason
/// it could not be reached.
public struct DirectoryClientError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status, nil when no answer came.
    public let status: Int?
    /// The problem's `detail` (or another reason).
    public let detail: String
    /// The problem's `validationErrors` as `field: description`.
    public let validationErrors: [String]

    public init(status: Int?, detail: String, validationErrors: [String] = []) {
        self.status = status
        self.detail = detail
        self.validationErrors = validationErrors
    }

    /// Reads problem details from an error response body.
    init(status: Int, body: [UInt8]) {
        let problem = (try? JSONValue(parsing: body))?.objectValue
        let detail = problem?["detail"]?.stringValue ?? problem?["title"]?.stringValue
            ?? String(decoding: body.prefix(300), as: UTF8.self)
        let errors = (problem?["validationErrors"]?.arrayValue ?? []).compactMap { entry -> String? in
            guard let description = entry["description"]?.stringValue else { return nil }
            let field = entry["field"]?.stringValue ?? ""
            return "\(field.isEmpty ? "/" : field): \(description)"
        }
        self.init(status: status, detail: detail.isEmpty ? "HTTP \(status)" : detail, validationErrors: errors)
    }

    public var description: String {
        var text = status.map { "HTTP \($0): " } ?? ""
        text += detail
        if !validationErrors.isEmpty { text += " (" + validationErrors.joined(separator: "; ") + ")" }
        return text
    }
}
