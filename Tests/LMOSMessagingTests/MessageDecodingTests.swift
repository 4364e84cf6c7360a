import LMOSCore
import LMOSMessaging
import Testing

/// Messages as the two dialects write them (the LMOS Communication Protocol page and kotlin-wot), decoded and
/// written back.
@Suite("Message decoding")
struct MessageDecodingTests {
    static func decode(_ text: String) throws(MessageError) -> (Message, Dialect) {
        try Message.decode(Array(text.utf8))
    }

    @Test func readsTheLMOSPageReadPropertyExample() throws {
        let (message, dialect) = try Self.decode("""
            {"thingID": "urn:uuid:3f1d3a7a-4f97-2e6b-c45f-f3c2e1c84c77",
             "messageID": "c370da58-69ae-4e83-bb5a-ac6cfb2fed54", "messageType": "readProperty",
             "name": "modelConfiguration", "correlationID": "5afb752f-8be0-4a3c-8108-1327a6009cbd"}
            """)
        #expect(dialect == .lmos)
        #expect(message.thingID == "urn:uuid:3f1d3a7a-4f97-2e6b-c45f-f3c2e1c84c77")
        #expect(message.messageID == "c370da58-69ae-4e83-bb5a-ac6cfb2fed54")
        #expect(message.correlationID == "5afb752f-8be0-4a3c-8108-1327a6009cbd")
        #expect(message.body == .readProperty(name: "modelConfiguration"))
        #expect(message.replyCorrelationID == "5afb752f-8be0-4a3c-8108-1327a6009cbd")
    }

    @Test func readsKotlinWoTMessages() throws {
        let (read, readDialect) = try Self.decode(
            #"{"thingId": "urn:x", "messageId": "m1", "messageType": "readProperty", "property": "mode"}"#)
        #expect(readDialect == .kotlinWoT)
        #expect(read.body == .readProperty(name: "mode"))
        #expect(read.replyCorrelationID == "m1")

        let (write, _) = try Self.decode(
            #"{"thingId": "urn:x", "messageId": "m2", "messageType": "writeProperty", "property": "mode", "data": {"a": 1}}"#)
        #expect(write.body == .writeProperty(name: "mode", value: ["a": 1]))

        let (subscribe, subscribeDialect) = try Self.decode(
            #"{"thingId": "urn:x", "messageId": "m3", "messageType": "subscribeevent", "event": "e", "lastEvent": 1705187450.52}"#)
        #expect(subscribeDialect == .kotlinWoT)
        #expect(subscribe.body == .subscribeEvent(event: "e"))

        let (reading, _) = try Self.decode("""
            {"thingId": "urn:x", "messageId": "m4", "correlationId": "c", "messageType": "propertyReading",
             "property": "mode", "data": "on", "timestamp": 1705187450.52}
            """)
        #expect(reading.correlationID == "c")
        #expect(reading.body == .propertyReading(name: "mode", value: "on", timestamp: Timestamp(millisecondsSince1970: 1_705_187_450_520)))

        let (status, _) = try Self.decode("""
            {"thingId": "urn:x", "messageId": "m5", "correlationId": "c", "messageType": "actionStatus",
             "action": "chat", "status": "completed", "output": {"messages": []}}
            """)
        #expect(status.body == .actionStatus(ActionStatusReport(action: "chat", status: .completed, output: ["messages": []])))

        let (ack, _) = try Self.decode(
            #"{"thingId": "urn:x", "messageId": "m6", "messageType": "acknowledgement", "message": "Subscribed"}"#)
        #expect(ack.body == .acknowledgement(message: "Subscribed"))
    }

    @Test func readsEveryRequestType() throws {
        let cases: [(String, Message.Body)] = [
            (#""messageType": "invokeAction", "action": "chat", "input": {"q": 1}"#, .invokeAction(action: "chat", input: ["q": 1])),
            (#""messageType": "invokeAction", "action": "ping""#, .invokeAction(action: "ping", input: nil)),
            (#""messageType": "cancelAction", "action": "chat", "reason": "enough""#, .cancelAction(action: "chat", reason: "enough")),
            (#""messageType": "queryAction", "action": "chat""#, .queryAction(action: "chat")),
            (#""messageType": "readAllProperties""#, .readAllProperties),
            (#""messageType": "readMultipleProperties", "properties": ["a", "b"]"#, .readMultipleProperties(names: ["a", "b"])),
            (#""messageType": "writeMultipleProperties", "data": {"a": 1}"#, .writeMultipleProperties(values: ["a": 1])),
            (#""messageType": "observeProperty", "name": "a""#, .observeProperty(name: "a")),
            (#""messageType": "unobserveProperty", "name": "a""#, .unobserveProperty(name: "a")),
            (#""messageType": "subscribeEvent", "event": "e""#, .subscribeEvent(event: "e")),
            (#""messageType": "unsubscribeEvent", "event": "e""#, .unsubscribeEvent(event: "e")),
            (#""messageType": "subscribeAllEvents""#, .subscribeAllEvents),
            (#""messageType": "unsubscribeAllEvents""#, .unsubscribeAllEvents),
        ]
        for (members, body) in cases {
            let (message, _) = try Self.decode(#"{"thingID": "urn:x", "messageID": "m", "# + members + "}")
            #expect(message.body == body, "\(members)")
            #expect(message.body.isRequest)
        }
    }

    @Test func readsThingMessages() throws {
        let (event, _) = try Self.decode("""
            {"thingID": "urn:x", "messageID": "m", "correlationID": "s", "messageType": "event",
             "event": "userFeedbackReceived", "data": {"rating": 4}, "timestamp": "2025-01-20T19:00:00Z"}
            """)
        #expect(event.body == .event(event: "userFeedbackReceived", data: ["rating": 4], timestamp: Timestamp(rfc3339: "2025-01-20T19:00:00Z")))
        #expect(!event.body.isRequest)

        let (error, _) = try Self.decode("""
            {"thingId": "urn:x", "messageId": "m", "messageType": "error", "correlationId": "c",
             "type": "https://example.com/error-type", "title": "Failed to fetch weather data", "status": "500",
             "detail": "The weather service encountered an internal error.", "instance": "urn:uuid:abcd"}
            """)
        #expect(error.body == .error(ProblemDetails(
            type: "https://example.com/error-type", title: "Failed to fetch weather data", status: 500,
            detail: "The weather service encountered an internal error.", instance: "urn:uuid:abcd")))

        let (failed, _) = try Self.decode("""
            {"thingID": "urn:x", "messageID": "m", "messageType": "actionStatus", "action": "chat", "status": "failed",
             "error": {"type": "about:blank", "title": "Cancelled", "status": 409}}
            """)
        guard case .actionStatus(let report) = failed.body else { Issue.record("not a status"); return }
        #expect(report.status == .failed)
        #expect(report.error?.status == 409)
    }

    @Test func refusesWhatIsNotAMessage() {
        let cases: [(String, String)] = [
            ("not json", "not JSON"),
            ("[1]", "JSON object"),
            (#"{"messageID": "m", "messageType": "readProperty", "name": "a"}"#, "thingID"),
            (#"{"thingID": "urn:x", "messageType": "readProperty", "name": "a"}"#, "messageID"),
            (#"{"thingID": "urn:x", "messageID": "m"}"#, "messageType"),
            (#"{"thingID": "urn:x", "messageID": "m", "messageType": "dance"}"#, "not an LMOS message type"),
            (#"{"thingID": "urn:x", "messageID": "m", "messageType": "readProperty"}"#, "property name"),
            (#"{"thingID": 7, "messageID": "m", "messageType": "readProperty", "name": "a"}"#, "thingID must be a string"),
            (#"{"thingID": "urn:x", "messageID": "m", "messageType": "invokeAction", "action": 3}"#, "action must be a string"),
            (#"{"thingID": "urn:x", "messageID": "m", "messageType": "actionStatus", "action": "a", "status": "done"}"#, "not an action status"),
            (#"{"thingID": "urn:x", "messageID": "m", "messageType": "writeProperty", "name": "a"}"#, "new value"),
            (#"{"thingID": "urn:x", "messageID": "m", "messageType": "event", "event": "e", "timestamp": "yesterday"}"#, "RFC 3339"),
            (#"{"thingID": "urn:x", "messageID": "m", "messageType": "error", "status": "bad"}"#, "status"),
        ]
        for (text, reason) in cases {
            do throws(MessageError) {
                _ = try Self.decode(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.reason.contains(reason), "\(text): \(error.reason)")
            }
        }
    }

    @Test func anErrorKeepsTheIDsItCouldRead() {
        do throws(MessageError) {
            _ = try Self.decode(#"{"thingID": "urn:x", "messageID": "m", "correlationID": "c", "messageType": "nope"}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.thingID == "urn:x")
            #expect(error.messageID == "m")
            #expect(error.correlationID == "c")
        }
    }

    @Test func refusesOversizedMessages() {
        let big = #"{"thingID": "urn:x", "messageID": "m", "messageType": "invokeAction", "action": "a", "input": ""#
            + String(repeating: "x", count: 2000) + "\"}"
        #expect(throws: MessageError.self) { try Message.decode(Array(big.utf8), maximumSize: 1000) }
    }

    @Test func survivesRandomBytesAndMutations() {
        var generator = SystemRandomNumberGenerator()
        let seed = Array(#"{"thingID":"urn:x","messageID":"m","messageType":"invokeAction","action":"a","input":{"b":[1,2]}}"#.utf8)
        for _ in 0..<5000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? Message.decode(bytes)
        }
    }
}
