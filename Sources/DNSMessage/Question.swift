/// An entry of the question section (RFC 1035 section 4.1.2).
public struct Question: Sendable, Hashable, CustomStringConvertible {
    /// The name asked about.
    public var name: DomainName
    /// The type asked for, or ``RecordType/any``.
    public var type: RecordType
    /// The class asked for.
    public var recordClass: RecordClass
    /// The mDNS "QU" bit: the asker would like a unicast answer (RFC 6762 section 5.4). Top bit of the class field.
    public var unicastResponse: Bool

    public init(name: DomainName, type: RecordType, recordClass: RecordClass = .internet, unicastResponse: Bool = false) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.unicastResponse = unicastResponse
    }

    /// Whether `record` answers this question: same name (ignoring case), type and class, or `ANY`.
    public func isAnswered(by record: ResourceRecord) -> Bool {
        (type == .any || type == record.type) && (recordClass == .any || recordClass == record.recordClass)
            && name == record.name
    }

    public var description: String {
        "\(name) \(recordClass) \(type)\(unicastResponse ? " QU" : "")"
    }
}
