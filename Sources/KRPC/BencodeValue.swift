/// A bencoded value (BEP 3): an integer, a byte string, a list or a dictionary with byte-string keys.
///
/// Dictionaries keep their members sorted by key as raw bytes, which is the order bencoding requires, so encoding
/// a value always gives the canonical bytes.
public indirect enum BencodeValue: Sendable, Hashable {
    case integer(Int64)
    case bytes([UInt8])
    case list([BencodeValue])
    case dictionary(BencodeDictionary)
    /// Bytes that are already bencoded, written verbatim by the encoder. The decoder never produces this case; it
    /// carries a BEP 44 value exactly as it was signed.
    case encoded([UInt8])

    /// A byte string of the UTF-8 bytes of `text`.
    public static func string(_ text: String) -> BencodeValue { .bytes(Array(text.utf8)) }

    /// The integer, when this is one.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The bytes, when this is a byte string.
    public var bytesValue: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    /// The bytes as UTF-8 text, when this is a byte string holding valid UTF-8.
    public var stringValue: String? {
        guard case .bytes(let value) = self else { return nil }
        return String(validating: value, as: UTF8.self)
    }

    /// The elements, when this is a list.
    public var listValue: [BencodeValue]? {
        if case .list(let value) = self { return value }
        return nil
    }

    /// The dictionary, when this is one.
    public var dictionaryValue: BencodeDictionary? {
        if case .dictionary(let value) = self { return value }
        return nil
    }

    /// The member named `key`, when this is a dictionary that has it.
    public subscript(key: String) -> BencodeValue? {
        dictionaryValue?[key]
    }
}

/// The members of a bencoded dictionary, sorted by key (raw bytes), keys unique.
public struct BencodeDictionary: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// One member.
    public struct Member: Sendable, Hashable {
        public var key: [UInt8]
        public var value: BencodeValue
    }

    /// The members in key order.
    public private(set) var members: [Member]

    /// An empty dictionary.
    public init() { members = [] }

    public init(dictionaryLiteral elements: (String, BencodeValue)...) {
        members = []
        for (key, value) in elements { self[key] = value }
    }

    /// Members already sorted and unique (the decoder checks this).
    init(sortedMembers: [Member]) { members = sortedMembers }

    public var count: Int { members.count }

    /// The value for a key given as raw bytes; setting `nil` removes it.
    public subscript(key: [UInt8]) -> BencodeValue? {
        get {
            let index = insertionIndex(of: key)
            guard index < members.count, members[index].key == key else { return nil }
            return members[index].value
        }
        set {
            let index = insertionIndex(of: key)
            let present = index < members.count && members[index].key == key
            switch (newValue, present) {
            case (let value?, true): members[index].value = value
            case (let value?, false): members.insert(Member(key: key, value: value), at: index)
            case (nil, true): members.remove(at: index)
            case (nil, false): break
            }
        }
    }

    /// The value for a key given as UTF-8 text.
    public subscript(key: String) -> BencodeValue? {
        get { self[Array(key.utf8)] }
        set { self[Array(key.utf8)] = newValue }
    }

    private func insertionIndex(of key: [UInt8]) -> Int {
        var low = 0
        var high = members.count
        while low < high {
            let middle = (low + high) / 2
            if members[middle].key.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
