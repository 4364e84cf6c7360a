import LMOSCore

/// A node of a query result: where it is and what it holds.
public struct JSONPathNode: Sendable, Hashable, CustomStringConvertible {
    /// The Normalized Path of the node (RFC 9535 section 2.7), e.g. `$['store']['book'][0]`.
    public let location: String
    /// The value at that location.
    public let value: JSONValue

    public init(location: String, value: JSONValue) {
        self.location = location
        self.value = value
    }

    /// `location: value`.
    public var description: String { "\(location): \(value)" }
}
