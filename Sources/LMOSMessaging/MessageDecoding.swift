import LMOSCore

extension Message {
    /// The largest message accepted by default: 1 MiB.
    public static let defaultMaximumSize = 1 << 20

    /// Reads a message in either dialect from JSON bytes; returns it with the dialect it was written in, which
    /// replies should use.
    public static func decode(
        _ bytes: some Collection<UInt8>, maximumSize: Int = defaultMaximumSize
    ) throws(MessageError) -> (Message, Dialect) {
        guard bytes.count <= maximumSize else {
            throw MessageError("the message has \(bytes.count) bytes, more than the \(maximumSize) allowed")
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes, limits: DecodingLimits(maximumDepth: 128, maximumSize: maximumSize))
        } catch {
            throw MessageError("the message is not JSON: \(error)")
        }
        return try decode(value)
    }

    /// Reads a message in either dialect (PROTOCOL.md section 6): `thingID`/`thingId`, `messageID`/`messageId`,
    /// `correlationID`/`correlationId`, `name`/`property`, `value`/`data`, message types in any letter case,
    /// timestamps as RFC 3339 text or as numbers of seconds since 1970.
    public static func decode(_ value: JSONValue) throws(MessageError) -> (Message, Dialect) {
        guard case .object(let object) = value else { throw MessageError("a message is a JSON object") }
        let dialect: Dialect = object.contains("thingID") || object.contains("messageID") ? .lmos
            : object.contains("thingId") || object.contains("messageId") ? .kotlinWoT : .lmos
        var reader = MemberReader(object: object)
        let thingID = reader.string(["thingID", "thingId"])
        let messageID = reader.string(["messageID", "messageId"])
        let correlationID = reader.string(["correlationID", "correlationId"])
        func fail(_ reason: String) -> MessageError {
            MessageError(reason, thingID: thingID, messageID: messageID, correlationID: correlationID, dialect: dialect)
        }
        if let problem = reader.problem { throw fail(problem) }
        guard let thingID, !thingID.isEmpty else { throw fail("the message has no thingID") }
        guard let messageID, !messageID.isEmpty else { throw fail("the message has no messageID") }
        guard let typeName = reader.string(["messageType"]) else {
            throw fail(reader.problem ?? "the message has no messageType")
        }
        var trace: TraceContext?
        if let parent = reader.string(["traceparent"]) {
            trace = TraceContext(traceparent: parent, tracestate: reader.string(["tracestate"]))
        }
        let body: Body
        do throws(MessageError) {
            body = try Self.body(type: typeName, reader: &reader)
        } catch {
            throw fail(error.reason)
        }
        if let problem = reader.problem { throw fail(problem) }
        var detected = dialect
        if typeName == "subscribeevent" { detected = .kotlinWoT }
        return (
            Message(thingID: thingID, messageID: messageID, correlationID: correlationID, trace: trace, body: body),
            detected
        )
    }

    private static func body(type: String, reader: inout MemberReader) throws(MessageError) -> Body {
        func required(_ keys: [String], _ what: String) throws(MessageError) -> String {
            guard let text = reader.string(keys) else {
                throw MessageError(reader.problem ?? "a \(type) message needs \(what)")
            }
            return text
        }
        switch type.lowercased() {
        case "invokeaction":
            return .invokeAction(action: try required(["action"], "an action"), input: reader.object["input"])
        case "cancelaction":
            return .cancelAction(action: try required(["action"], "an action"), reason: reader.string(["reason"]))
        case "queryaction":
            return .queryAction(action: try required(["action"], "an action"))
        case "actionstatus":
            let action = try required(["action"], "an action")
            let statusText = reader.string(["status"]) ?? "completed"
            guard let status = ActionState(rawValue: statusText.lowercased()) else {
                throw MessageError("'\(statusText)' is not an action status (pending, running, completed, failed)")
            }
            var problem: ProblemDetails?
            if let error = reader.object["error"] {
                guard case .object(let members) = error, let details = ProblemDetails(json: members) else {
                    throw MessageError("an action status's error must be an RFC 7807 object")
                }
                problem = details
            }
            return .actionStatus(
                ActionStatusReport(
                    action: action, status: status, output: reader.object["output"], error: problem,
                    timeRequested: try reader.timestamp("timeRequested"), timeEnded: try reader.timestamp("timeEnded")))
        case "readproperty":
            return .readProperty(name: try required(["name", "property"], "a property name"))
        case "readallproperties":
            return .readAllProperties
        case "readmultipleproperties":
            guard case .array(let items)? = reader.object["properties"] ?? reader.object["names"],
                case let names = items.compactMap(\.stringValue), names.count == items.count
            else { throw MessageError("a readMultipleProperties message needs the property names as strings") }
            return .readMultipleProperties(names: names)
        case "writeproperty":
            let name = try required(["name", "property"], "a property name")
            guard let value = reader.object["data"] ?? reader.object["value"] else {
                throw MessageError("a writeProperty message needs the new value in data")
            }
            return .writeProperty(name: name, value: value)
        case "writemultipleproperties", "writeallproperties":
            guard case .object(let values)? = reader.object["data"] else {
                throw MessageError("a \(type) message needs data: an object of property names and values")
            }
            return .writeMultipleProperties(values: values)
        case "propertyreading":
            let name = try required(["name", "property"], "a property name")
            guard let value = reader.object["value"] ?? reader.object["data"] else {
                throw MessageError("a propertyReading message needs a value")
            }
            return .propertyReading(name: name, value: value, timestamp: try reader.timestamp("timestamp"))
        case "propertyreadings":
            guard case .object(let values)? = reader.object["data"] else {
                throw MessageError("a propertyReadings message needs data: an object of property values")
            }
            return .propertyReadings(values: values, timestamp: try reader.timestamp("timestamp"))
        case "observeproperty":
            return .observeProperty(name: try required(["name", "property"], "a property name"))
        case "unobserveproperty":
            return .unobserveProperty(name: try required(["name", "property"], "a property name"))
        case "subscribeevent":
            return .subscribeEvent(event: try required(["event", "name"], "an event name"))
        case "unsubscribeevent":
            return .unsubscribeEvent(event: try required(["event", "name"], "an event name"))
        case "subscribeallevents":
            return .subscribeAllEvents
        case "unsubscribeallevents":
            return .unsubscribeAllEvents
        case "event":
            return .event(
                event: try required(["event", "name"], "an event name"), data: reader.object["data"],
                timestamp: try reader.timestamp("timestamp"))
        case "error":
            guard let problem = ProblemDetails(json: reader.object) else {
                throw MessageError("an error message's status must be a number or a numeric string")
            }
            return .error(problem)
        case "acknowledgement":
            return .acknowledgement(message: reader.string(["message"]) ?? "")
        default:
            throw MessageError("'\(type)' is not an LMOS message type")
        }
    }
}

/// Reads members that may be spelled several ways, remembering the first member of the wrong type.
private struct MemberReader {
    let object: JSONObject
    var problem: String?

    init(object: JSONObject) { self.object = object }

    mutating func string(_ keys: [String]) -> String? {
        for key in keys {
            guard let value = object[key], !value.isNull else { continue }
            if let text = value.stringValue { return text }
            if problem == nil { problem = "\(key) must be a string, not \(value.typeName)" }
            return nil
        }
        return nil
    }

    func timestamp(_ key: String) throws(MessageError) -> Timestamp? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let time = Timestamp(rfc3339: text) else {
                throw MessageError("\(key) must be an RFC 3339 date-time, not '\(text)'")
            }
            return time
        case .integer(let seconds)?:
            return Timestamp(millisecondsSince1970: seconds.multipliedReportingOverflow(by: 1000).partialValue)
        case .double(let seconds)?:
            guard seconds.isFinite, abs(seconds) < 9e12 else { throw MessageError("\(key) is out of range") }
            return Timestamp(millisecondsSince1970: Int64((seconds * 1000).rounded()))
        case let other?:
            throw MessageError("\(key) must be a date-time, not \(other.typeName)")
        }
    }
}
