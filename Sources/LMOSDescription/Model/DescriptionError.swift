import LMOSCore

/// Why a document could not be read or used as a Thing Description.
public enum DescriptionError: Error, Sendable, CustomStringConvertible {
    /// The bytes are not valid JSON or CBOR; the underlying error has the line and column or byte offset.
    case unreadable(CoreError)
    /// The document is valid JSON but not an object.
    case notAnObject(found: String)
    /// The document is a Thing Description but not of the expected `@type` (`lmos:Agent` or `lmos:Tool`).
    case wrongType(expected: String, found: [String])
    /// The document breaks TD 1.1 or LMOS rules; each problem names its field.
    case invalid([ValidationError])

    public var description: String {
        switch self {
        case .unreadable(let error): return error.description
        case .notAnObject(let found): return "a Thing Description is a JSON object, found \(found)"
        case .wrongType(let expected, let found):
            let types = found.isEmpty ? "no @type" : "@type " + found.joined(separator: ", ")
            return "expected @type \(expected), found \(types)"
        case .invalid(let errors):
            return errors.map(\.description).joined(separator: "; ")
        }
    }
}
