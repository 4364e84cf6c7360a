import LMOSCore

/// One problem found in a description: the JSON Pointer of the field and what is wrong with it.
///
/// The shape of a WoT Discovery directory's `validationErrors` entries: `{"field": ..., "description": ...}`.
public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
    /// The JSON Pointer (RFC 6901) of the offending member, such as `/actions/getWeather/forms/0/href`; empty for
    /// the document itself.
    public let field: String
    /// What is wrong, in words.
    public let description: String

    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }

    /// `{"field": ..., "description": ...}`.
    public var json: JSONValue { ["field": .string(field), "description": .string(description)] }

    /// `FIELD: DESCRIPTION` (the field shown as `/` for the document itself).
    public var summary: String { "\(field.isEmpty ? "/" : field): \(description)" }
}
