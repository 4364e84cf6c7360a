import LMOSCore
import LMOSDescription

/// A description as the directory gives it out: an Enriched TD (WoT Discovery 7.2.2): the discovery context in
/// `@context`, the local `id` of an anonymous TD, and `registration` with `retrieved` set to the time of reading.
public struct EnrichedDescription: Sendable {
    /// The description's id.
    public let id: String
    /// The Enriched TD as compact JSON.
    public let json: [UInt8]

    /// The stored form with `retrieved` added to its `registration` (the last member of the stored JSON).
    init(_ record: StoredDescription, retrieved: Timestamp) {
        id = record.id
        json = Self.addingRetrieved(retrieved, to: record.document)
    }

    /// The description as a JSON value.
    public func value() throws(DirectoryError) -> JSONValue {
        do { return try JSONValue(parsing: json) } catch { throw .storage("stored description \(id) is not JSON: \(error)") }
    }

    /// Inserts `"retrieved"` as the last member of `registration`, the last member of the document: the stored
    /// JSON ends with the two closing braces of `registration` and of the document.
    static func addingRetrieved(_ time: Timestamp, to document: [UInt8]) -> [UInt8] {
        guard document.count >= 2, document[document.count - 1] == UInt8(ascii: "}"),
            document[document.count - 2] == UInt8(ascii: "}")
        else { return document }
        var result = [UInt8]()
        result.reserveCapacity(document.count + 40)
        result.append(contentsOf: document[..<(document.count - 2)])
        result.append(contentsOf: #","retrieved":""#.utf8)
        result.append(contentsOf: time.rfc3339.utf8)
        result.append(contentsOf: #""}}"#.utf8)
        return result
    }

    /// The stored form of a submitted description: with the discovery context appended to `@context`, and the
    /// registration information as last member.
    static func storedForm(of submitted: JSONObject, registration: RegistrationInfo) -> JSONObject {
        var object = submitted
        object["registration"] = nil
        switch object["@context"] {
        case .array(var entries)?:
            if !entries.contains(.string(Vocabulary.discoveryContext)) {
                entries.append(.string(Vocabulary.discoveryContext))
            }
            object["@context"] = .array(entries)
        case .string(let single)? where single != Vocabulary.discoveryContext:
            object["@context"] = .array([.string(single), .string(Vocabulary.discoveryContext)])
        default:
            break
        }
        object["registration"] = .object(registration.json)
        return object
    }

    /// A stored or enriched description without what the directory added (`registration`, the discovery
    /// context): what its producer submitted, apart from an anonymous TD's local `id`.
    static func submittedForm(of enriched: JSONObject) -> JSONObject {
        var object = enriched
        object["registration"] = nil
        if case .array(let entries)? = object["@context"], entries.contains(.string(Vocabulary.discoveryContext)) {
            let rest = entries.filter { $0 != .string(Vocabulary.discoveryContext) }
            object["@context"] = rest.count == 1 && rest[0].stringValue != nil ? rest[0] : .array(rest)
        }
        return object
    }
}
