/// A string compared as JSON compares strings: by its Unicode scalars (RFC 8259 section 8.3), not by Swift's
/// canonical equivalence, under which `"é"` and `"e\u{301}"` are equal. Two member names that differ only in
/// normalization are two members, and their signatures (JCS) differ.
public struct MemberName: Hashable, Sendable {
    /// The string.
    public let string: String

    public init(_ string: String) { self.string = string }

    public static func == (lhs: MemberName, rhs: MemberName) -> Bool { sameScalars(lhs.string, rhs.string) }

    public func hash(into hasher: inout Hasher) { MemberName.hashScalars(string, into: &hasher) }

    /// Whether `lhs` and `rhs` are the same sequence of Unicode scalars.
    @inline(__always)
    static func sameScalars(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// Hashes the UTF-8 bytes of `string`.
    static func hashScalars(_ string: String, into hasher: inout Hasher) {
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashed == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
        hasher.combine(string.utf8.count)
    }
}

/// Detects a repeated member name while an object is read: a linear scan while the object is small (the common
/// case, no allocation), a set once it grows. Shared by the JSON parser and the CBOR decoder.
struct DuplicateNameCheck {
    var seen: Set<MemberName>? = nil

    /// Whether `key` already names one of `members` (which are the object's members read so far).
    mutating func isDuplicate(_ key: String, in members: [JSONObject.Member]) -> Bool {
        if members.count < JSONObject.indexThreshold {
            return members.contains { MemberName.sameScalars($0.key, key) }
        }
        if seen == nil { seen = Set(members.map { MemberName($0.key) }) }
        return seen?.insert(MemberName(key)).inserted == false
    }
}
