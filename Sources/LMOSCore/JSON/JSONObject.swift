/// The members of a JSON object: unique names, kept in insertion order.
///
/// Names are compared by their Unicode scalars, as JSON does: `"é"` and `"e\u{301}"` are two different names.
///
/// Lookups are linear for small objects (the common case in descriptions) and hashed once an object grows.
public struct JSONObject: Sendable {
    /// One `name: value` pair of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }

        /// Names compare by Unicode scalars, values as JSON values.
        public static func == (lhs: Member, rhs: Member) -> Bool {
            MemberName.sameScalars(lhs.key, rhs.key) && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            MemberName.hashScalars(key, into: &hasher)
            hasher.combine(value)
        }
    }

    /// Above this many members, a hash index is kept next to the ordered storage.
    static let indexThreshold = 12

    var storage: [Member]
    var index: [MemberName: Int]?

    /// An empty object.
    public init() {
        storage = []
        index = nil
    }

    /// An object from `(name, value)` pairs; a later duplicate name replaces the earlier value in place.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// Members known to have unique keys (the parser and decoder check this as they read).
    init(uniqueMembers: [Member]) {
        storage = uniqueMembers
        index = nil
        if storage.count > Self.indexThreshold { rebuildIndex() }
    }

    mutating func rebuildIndex() {
        var built = [MemberName: Int](minimumCapacity: storage.count)
        for (position, member) in storage.enumerated() { built[MemberName(member.key)] = position }
        index = built
    }

    func position(of key: String) -> Int? {
        if let index { return index[MemberName(key)] }
        return storage.firstIndex { MemberName.sameScalars($0.key, key) }
    }

    /// The number of members.
    public var count: Int { storage.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { storage.isEmpty }

    /// Member names in order.
    public var keys: [String] { storage.map(\.key) }

    /// Members in order.
    public var members: [Member] { storage }

    /// Whether a member named `key` exists (even if its value is `null`).
    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    /// The value of the member named `key`. Setting `nil` removes the member; setting `.null` keeps it as `null`.
    /// Setting a new name appends it; setting an existing name keeps its position.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return storage[position].value
        }
        set {
            if let position = position(of: key) {
                if let newValue {
                    storage[position].value = newValue
                } else {
                    storage.remove(at: position)
                    // Positions after the removed member shift: drop the index (lookups scan until the next
                    // append past the threshold rebuilds it) rather than rehash every name now.
                    index = nil
                }
            } else if let newValue {
                storage.append(Member(key: key, value: newValue))
                if index != nil {
                    index?[MemberName(key)] = storage.count - 1
                } else if storage.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    /// Removes the member named `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        let old = self[key]
        self[key] = nil
        return old
    }
}

extension JSONObject: Sequence {
    public func makeIterator() -> IndexingIterator<[Member]> { storage.makeIterator() }
}

extension JSONObject: Equatable {
    /// Objects are equal when they have the same names with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for member in lhs.storage {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }
}

extension JSONObject: Hashable {
    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine per-member hashes commutatively.
        var sum = 0
        for member in storage {
            var memberHasher = Hasher()
            MemberName.hashScalars(member.key, into: &memberHasher)
            memberHasher.combine(member.value)
            sum = sum &+ memberHasher.finalize()
        }
        hasher.combine(storage.count)
        hasher.combine(sum)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
