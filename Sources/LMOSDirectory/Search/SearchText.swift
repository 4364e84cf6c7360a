import LMOSCore
import LMOSDescription

/// How descriptions are made searchable, the same way in every store: words are runs of letters and digits,
/// compared lowercased, and a query word matches a word it is a prefix of.
enum SearchText {
    /// The lowercased words of `text` (letters, marks and numbers; everything else separates).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current).lowercased())
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current).lowercased()) }
        return words
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark,
            .privateUse:
            return true
        default:
            return false
        }
    }

    /// Whether every query word is a prefix of some word of `entry`.
    static func matches(_ queryWords: [String], _ entry: SearchIndexEntry) -> Bool {
        if queryWords.isEmpty { return true }
        let documentWords = Set(words(entry.title) + words(entry.summary) + words(entry.capabilityText))
        return queryWords.allSatisfy { query in documentWords.contains { $0.hasPrefix(query) } }
    }

    /// The search entry of a description.
    static func indexEntry(of description: ThingDescription) -> SearchIndexEntry {
        var capabilityIDs: [String] = []
        var lines: [String] = []
        for capability in description.capabilities {
            if let id = capability.id { capabilityIDs.append(id) }
            if let name = capability.name { lines.append(name) }
            if let text = capability.description { lines.append(text) }
            lines.append(contentsOf: capability.examples)
        }
        return SearchIndexEntry(
            types: description.types, capabilities: capabilityIDs, title: description.title ?? "",
            summary: description.description ?? "", capabilityText: lines.joined(separator: "\n"))
    }
}
