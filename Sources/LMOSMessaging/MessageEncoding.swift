import LMOSCore

extension Message {
    /// The message as a JSON object in `dialect`. Timestamps are RFC 3339 text in both dialects (kotlin-wot reads
    /// them too).
    public func json(dialect: Dialect = .lmos) -> JSONValue {
        var object = JSONObject()
        object[dialect.thingIDKey] = .string(thingID)
        object[dialect.messageIDKey] = .string(messageID)
        object["messageType"] = .string(
            dialect == .kotlinWoT && body.messageType == "subscribeEvent" ? "subscribeevent" : body.messageType)
        if let correlationID { object[dialect.correlationIDKey] = .string(correlationID) }
        if let trace {
            object["traceparent"] = .string(trace.traceparent)
            if let state = trace.tracestate { object["tracestate"] = .string(state) }
        }
        switch body {
        case .invokeAction(let action, let input):
            object["action"] = .string(action)
            if let input { object["input"] = input }
        case .cancelAction(let action, let reason):
            object["action"] = .string(action)
            if let reason { object["reason"] = .string(reason) }
        case .queryAction(let action):
            object["action"] = .string(action)
        case .actionStatus(let report):
            object["action"] = .string(report.action)
            object["status"] = .string(report.status.rawValue)
            if let output = report.output { object["output"] = output }
            if let error = report.error { object["error"] = .object(error.json(statusAsString: false)) }
            if let time = report.timeRequested { object["timeRequested"] = .string(time.rfc3339) }
            if let time = report.timeEnded { object["timeEnded"] = .string(time.rfc3339) }
        case .readProperty(let name), .observeProperty(let name), .unobserveProperty(let name):
            object[dialect.propertyNameKey] = .string(name)
        case .readAllProperties, .subscribeAllEvents, .unsubscribeAllEvents:
            break
        case .readMultipleProperties(let names):
            object["properties"] = .array(names.map { .string($0) })
        case .writeProperty(let name, let value):
            object[dialect.propertyNameKey] = .string(name)
            object["data"] = value
        case .writeMultipleProperties(let values):
            object["data"] = .object(values)
        case .propertyReading(let name, let value, let timestamp):
            object[dialect.propertyNameKey] = .string(name)
            object[dialect.propertyValueKey] = value
            object["timestamp"] = .string((timestamp ?? .now()).rfc3339)
        case .propertyReadings(let values, let timestamp):
            object["data"] = .object(values)
            object["timestamp"] = .string((timestamp ?? .now()).rfc3339)
        case .subscribeEvent(let event), .unsubscribeEvent(let event):
            object["event"] = .string(event)
        case .event(let event, let data, let timestamp):
            object["event"] = .string(event)
            object["data"] = data ?? .null
            object["timestamp"] = .string((timestamp ?? .now()).rfc3339)
        case .error(let problem):
            for member in problem.json(statusAsString: true) { object[member.key] = member.value }
        case .acknowledgement(let message):
            object["message"] = .string(message)
        }
        return .object(object)
    }

    /// The message as UTF-8 JSON text in `dialect`.
    public func jsonBytes(dialect: Dialect = .lmos) -> [UInt8] { json(dialect: dialect).jsonBytes() }

    /// The message as JSON text in `dialect`.
    public func jsonString(dialect: Dialect = .lmos) -> String { json(dialect: dialect).jsonString() }
}
