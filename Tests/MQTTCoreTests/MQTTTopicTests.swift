import MQTTCore
import Testing

/// Topic names, filters and matching (section 4.7, with its examples).
@Suite struct MQTTTopicTests {
    @Test(arguments: [
        ("sport/tennis/player1/#", "sport/tennis/player1", true),
        ("sport/tennis/player1/#", "sport/tennis/player1/ranking", true),
        ("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true),
        ("sport/#", "sport", true),
        ("#", "sport/tennis", true),
        ("sport/tennis/+", "sport/tennis/player1", true),
        ("sport/tennis/+", "sport/tennis/player1/ranking", false),
        ("sport/+", "sport", false),
        ("sport/+", "sport/", true),
        ("+/+", "/finance", true),
        ("/+", "/finance", true),
        ("+", "/finance", false),
        ("#", "$SYS/broker", false),
        ("+/monitor/Clients", "$SYS/monitor/Clients", false),
        ("$SYS/#", "$SYS/monitor/Clients", true),
        ("$SYS/monitor/+", "$SYS/monitor/Clients", true),
        ("lmos/+/events/#", "lmos/urn:agent:1/events/said", true),
        ("lmos/+/events/#", "lmos/urn:agent:1/actions/chat", false),
        ("$share/group/a/+", "a/b", true),
        ("a/b", "a/b/c", false),
    ])
    func matching(filter: String, topic: String, expected: Bool) {
        #expect(MQTTTopic.matches(filter: filter, topic: topic) == expected)
    }

    @Test func filtersAndNames() {
        for filter in ["#", "+", "a/#", "+/+", "/+", "a/+/b", "sport/tennis/#", "$SYS/#"] {
            #expect(throws: Never.self, "\(filter)") { try MQTTTopic.validateFilter(filter) }
        }
        for filter in ["", "a#", "a/#/b", "a+", "a/b+/c", "#/a"] {
            #expect(throws: MQTTError.self, "\(filter)") { try MQTTTopic.validateFilter(filter) }
        }
        for name in ["a", "/", "a/b/c", "$SYS/x", "lmos/urn:x/events/e"] {
            #expect(throws: Never.self, "\(name)") { try MQTTTopic.validateName(name) }
        }
        for name in ["", "a/+", "#", "a\u{0}b"] {
            #expect(throws: MQTTError.self, "\(name)") { try MQTTTopic.validateName(name) }
        }
    }
}
