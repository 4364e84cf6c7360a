/// A resource record of the answer, authority or additional section (RFC 1035 section 4.1.3).
public struct ResourceRecord: Sendable, Hashable, CustomStringConvertible {
    /// The name the record belongs to.
    public var name: DomainName
    /// The record's class (without the cache-flush bit).
    public var recordClass: RecordClass
    /// The mDNS cache-flush bit: this record replaces every older record of its name, type and class in caches
    /// (RFC 6762 section 10.2). Top bit of the class field. Set on unique records only.
    public var cacheFlush: Bool
    /// Seconds the record may be cached; 0 in a goodbye (RFC 6762 section 10.1).
    public var ttl: UInt32
    /// The record data, which also gives the type.
    public var data: RecordData

    public init(name: DomainName, ttl: UInt32, data: RecordData, cacheFlush: Bool = false, recordClass: RecordClass = .internet) {
        self.name = name
        self.recordClass = recordClass
        self.cacheFlush = cacheFlush
        self.ttl = ttl
        self.data = data
    }

    /// The record's type.
    public var type: RecordType { data.type }

    /// Whether `other` is the same record apart from TTL and cache-flush bit: same name, class, type and data.
    public func hasSameData(as other: ResourceRecord) -> Bool {
        name == other.name && recordClass == other.recordClass && data == other.data
    }

    public var description: String {
        "\(name) \(ttl) \(recordClass)\(cacheFlush ? "(flush)" : "") \(type) \(data)"
    }
}
