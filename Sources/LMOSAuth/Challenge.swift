/// One challenge of a `WWW-Authenticate` header (RFC 9110 11.6.1): a scheme and quoted parameters.
public struct Challenge: Sendable, Hashable {
    public var scheme: String
    public var parameters: [(String, String)]

    public init(scheme: String, parameters: [(String, String)] = []) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// `Scheme name="value", ...`, with each value reduced to the characters RFC 6750 allows in a quoted string
    /// (printable ASCII without `"` and `\`).
    public var headerValue: String {
        guard !parameters.isEmpty else { return scheme }
        let rendered = parameters.map { name, value in
            let clean = String(value.unicodeScalars.map { scalar -> Character in
                let code = scalar.value
                if code >= 0x20 && code <= 0x7E && code != 0x22 && code != 0x5C { return Character(scalar) }
                return "?"
            })
            return "\(name)=\"\(clean)\""
        }
        return scheme + " " + rendered.joined(separator: ", ")
    }

    public static func == (lhs: Challenge, rhs: Challenge) -> Bool {
        lhs.scheme == rhs.scheme && lhs.parameters.elementsEqual(rhs.parameters, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scheme)
        for (name, value) in parameters {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}
