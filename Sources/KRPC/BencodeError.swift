/// Why bytes are not a well-formed bencoded value, with the byte offset where reading stopped.
public struct BencodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offset in the input where the problem was found.
    public let offset: Int
    /// What was wrong.
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "bencode: \(reason) at byte \(offset)" }
}
