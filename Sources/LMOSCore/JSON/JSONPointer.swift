/// A JSON Pointer (RFC 6901): the path of a value inside a document, such as `/actions/getWeather/forms/0/href`.
///
/// Validation errors and directory `validationErrors` name fields this way.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The reference tokens, unescaped.
    public var tokens: [String]

    /// The pointer to the whole document (`""`).
    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) { self.tokens = tokens }

    /// Parses the string form; `~1` is `/` and `~0` is `~`. A string that does not start with `/` (other than the
    /// empty root pointer) is read as a single token.
    public init(_ string: String) {
        guard !string.isEmpty else {
            tokens = []
            return
        }
        // Split on Unicode scalars, not Characters: a "/" followed by a combining mark is still a separator.
        let scalars = string.unicodeScalars
        let parts =
            scalars.first == "/"
            ? scalars.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { String(Substring($0)) }
            : [string]
        tokens = parts.map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// This pointer extended by a member name or array index.
    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }

    /// This pointer extended by an array index.
    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    /// The escaped string form.
    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }
}

extension JSONValue {
    /// The value that `pointer` names, or `nil` if there is none.
    public subscript(pointer pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(token), String(index) == token, array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }
}

extension String {
    /// Replaces every occurrence of `target`; a small stand-in for Foundation's method, which LMOSCore does not import.
    /// Matches Unicode scalars, not Characters, so a "~" or "/" followed by a combining mark is still found.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        let pattern = Array(target.unicodeScalars)
        let scalars = Array(unicodeScalars)
        guard !pattern.isEmpty, scalars.count >= pattern.count else { return self }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + pattern.count <= scalars.count, scalars[index..<(index + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }
}
