import LMOSCore
import LMOSMessaging
import Testing

@Suite("Message encoding")
struct MessageEncodingTests {
    @Test func writesEachDialect() {
        let message = Message(
            thingID: "urn:x", messageID: "m", correlationID: "c",
            body: .propertyReading(name: "mode", value: "on", timestamp: Timestamp(rfc3339: "2025-01-20T19:00:00Z")))
        #expect(message.jsonString(dialect: .lmos) == #"{"thingID":"urn:x","messageID":"m","messageType":"propertyReading","correlationID":"c","name":"mode","value":"on","timestamp":"2025-01-20T19:00:00Z"}"#)
        #expect(message.jsonString(dialect: .kotlinWoT) == #"{"thingId":"urn:x","messageId":"m","messageType":"propertyReading","correlationId":"c","property":"mode","data":"on","timestamp":"2025-01-20T19:00:00Z"}"#)
        let subscribe = Message(thingID: "urn:x", messageID: "m", body: .subscribeEvent(event: "e"))
        #expect(subscribe.json(dialect: .kotlinWoT)["messageType"] == "subscribeevent")
        #expect(subscribe.json(dialect: .lmos)["messageType"] == "subscribeEvent")
    }

    @Test func everyBodyRoundTripsInBothDialects() throws {
        let time = Timestamp(rfc3339: "2026-01-31T12:00:00.250Z")
        let bodies: [Message.Body] = [
            .invokeAction(action: "chat", input: ["messages": [["role": "user", "content": "hi"]]]),
            .invokeAction(action: "ping", input: nil),
            .cancelAction(action: "chat", reason: "enough"), .cancelAction(action: "chat", reason: nil),
            .queryAction(action: "chat"),
            .actionStatus(ActionStatusReport(action: "chat", status: .running, output: "tok", timeRequested: time)),
            .actionStatus(ActionStatusReport(action: "chat", status: .failed, error: .cancelled("stop"), timeRequested: time, timeEnded: time)),
            .readProperty(name: "a"), .readAllProperties, .readMultipleProperties(names: ["a", "b"]),
            .writeProperty(name: "a", value: [1, 2.5, nil]), .writeMultipleProperties(values: ["a": true]),
            .propertyReading(name: "a", value: "x", timestamp: time), .propertyReadings(values: ["a": 1], timestamp: time),
            .observeProperty(name: "a"), .unobserveProperty(name: "a"), .subscribeEvent(event: "e"),
            .unsubscribeEvent(event: "e"), .subscribeAllEvents, .unsubscribeAllEvents,
            .event(event: "e", data: ["k": "v"], timestamp: time),
            .error(ProblemDetails(type: "about:blank", title: "Not Found", status: 404, detail: "no", instance: "urn:i")),
            .acknowledgement(message: "ok"),
        ]
        let trace = TraceContext(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "congo=t61rcWkgMzE")
        for body in bodies {
            for dialect in [Dialect.lmos, .kotlinWoT] {
                let message = Message(thingID: "urn:x", correlationID: "c", trace: trace, body: body)
                let (decoded, readDialect) = try Message.decode(message.jsonBytes(dialect: dialect))
                #expect(decoded == message, "\(body) in \(dialect)")
                #expect(readDialect == dialect)
            }
        }
    }

    @Test func aReplyIsCorrelatedAsThePageSays() {
        let withCorrelation = Message(thingID: "urn:x", messageID: "m", correlationID: "c", body: .readProperty(name: "a"))
        let reply = withCorrelation.reply(.propertyReading(name: "a", value: 1, timestamp: nil))
        #expect(reply.correlationID == "c")
        #expect(reply.thingID == "urn:x")
        #expect(reply.messageID != "m")
        let without = Message(thingID: "urn:x", messageID: "m", body: .readProperty(name: "a"))
        #expect(without.reply(.propertyReading(name: "a", value: 1, timestamp: nil)).correlationID == "m")
    }

    @Test func newMessageIDsAreUUIDv4() {
        let id = Message(thingID: "urn:x", body: .subscribeAllEvents).messageID
        let bytes = Array(id.utf8)
        #expect(bytes.count == 36)
        #expect(bytes[14] == UInt8(ascii: "4"))
        #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
    }
}
