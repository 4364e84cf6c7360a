import LMOSDescription

/// An LMOS search (PROTOCOL.md 3, `GET /search/lmos`): every given criterion must hold.
public struct DescriptionQuery: Sendable, Hashable {
    /// A type the description must have: `Agent` and `Tool` stand for `lmos:Agent` and `lmos:Tool`; any other
    /// value is compared with the `@type` entries as written.
    public var type: String?
    /// The id of a capability the description must list in `lmos:capabilities`.
    public var capability: String?
    /// Words that must all occur (as words or word prefixes, case-insensitively) in the title, description,
    /// capability names, capability descriptions or examples.
    public var text: String?

    public init(type: String? = nil, capability: String? = nil, text: String? = nil) {
        self.type = type
        self.capability = capability
        self.text = text
    }

    /// The `@type` value to look for (for store implementations).
    public var searchType: String? { typeValue }

    /// The lowercased words of `text` that every match must contain as words or word prefixes (for store
    /// implementations).
    public var searchWords: [String] { words }

    /// The `@type` value to look for.
    var typeValue: String? {
        guard let type else { return nil }
        switch type.lowercased() {
        case "agent": return Vocabulary.agentType
        case "tool": return Vocabulary.toolType
        default: return type
        }
    }

    /// The words of `text`, lowercased (see ``SearchText/words(_:)``); empty when there is no text.
    var words: [String] { text.map(SearchText.words) ?? [] }
}

/// A window into an ordered result: `offset` results skipped, at most `limit` returned (nil: all).
public struct PageRequest: Sendable, Hashable {
    public var offset: Int
    public var limit: Int?

    public init(offset: Int = 0, limit: Int? = nil) {
        self.offset = offset
        self.limit = limit
    }
}

/// A page of descriptions in ascending id order (Unicode code points), and how many match in all.
public struct DescriptionPage: Sendable {
    public var items: [StoredDescription]
    public var total: Int

    public init(items: [StoredDescription], total: Int) {
        self.items = items
        self.total = total
    }
}
