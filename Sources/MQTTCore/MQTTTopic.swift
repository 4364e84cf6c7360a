/// Topic names and filters (section 4.7).
public enum MQTTTopic {
    /// Checks a topic name (what PUBLISH carries): 1 to 65,535 bytes, no wildcards `+` `#`, no U+0000.
    public static func validateName(_ topic: String) throws(MQTTError) {
        guard !topic.isEmpty else { throw .protocolError("empty topic name") }
        guard topic.utf8.count <= 65_535 else { throw .malformed("topic name longer than 65,535 bytes") }
        guard !topic.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 }) else {
            throw .init(reasonCode: 0x90, message: "topic name '\(topic)' contains a wildcard or U+0000")
        }
    }

    /// Checks a topic filter (what SUBSCRIBE carries): `+` fills a whole level, `#` only as the last level.
    public static func validateFilter(_ filter: String) throws(MQTTError) {
        guard !filter.isEmpty else { throw .protocolError("empty topic filter") }
        guard filter.utf8.count <= 65_535 else { throw .malformed("topic filter longer than 65,535 bytes") }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("\u{0}") { throw .init(reasonCode: 0x8F, message: "topic filter contains U+0000") }
            if level.contains("#"), level != "#" || index != levels.count - 1 {
                throw .init(reasonCode: 0x8F, message: "'#' must be a whole last level in '\(filter)'")
            }
            if level.contains("+"), level != "+" {
                throw .init(reasonCode: 0x8F, message: "'+' must be a whole level in '\(filter)'")
            }
        }
    }

    /// Whether `topic` matches `filter` (section 4.7), including the rule that filters starting with a wildcard do
    /// not match topics starting with `$`. Shared subscriptions (`$share/group/filter`) match by their filter.
    public static func matches(filter: String, topic: String) -> Bool {
        var filter = Substring(filter)
        if filter.hasPrefix("$share/") {
            let parts = filter.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return false }
            filter = parts[2]
        }
        if topic.hasPrefix("$"), filter.hasPrefix("+") || filter.hasPrefix("#") { return false }
        let filterLevels = filter.split(separator: "/", omittingEmptySubsequences: false)
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in filterLevels.enumerated() {
            if level == "#" { return true }
            guard index < topicLevels.count else { return false }
            if level != "+" && level != topicLevels[index] { return false }
        }
        return filterLevels.count == topicLevels.count
    }
}
