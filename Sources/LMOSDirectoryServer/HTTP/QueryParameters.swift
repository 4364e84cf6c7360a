import LMOSCore

/// The query of a request URL as name-value pairs, percent-decoded; `+` is read as a space, as HTML forms and most
/// HTTP libraries encode it (send `%2B` for a plus sign).
struct QueryParameters: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.decode(String(pair[0]), plusAsSpace: true) ?? String(pair[0])
            let value = pair.count > 1 ? (PercentEncoding.decode(String(pair[1]), plusAsSpace: true) ?? String(pair[1])) : ""
            pairs.append((name, value))
        }
    }

    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// A non-negative integer parameter; nil when absent; an error message when malformed.
    func integer(_ name: String, minimum: Int) -> Result<Int?, QueryError> {
        guard let text = self[name] else { return .success(nil) }
        guard let value = Int(text), value >= minimum else {
            return .failure(QueryError(message: "\(name) must be an integer of \(minimum) or more, not '\(text)'"))
        }
        return .success(value)
    }
}

struct QueryError: Error, Sendable {
    let message: String
}
