import LMOSCore
import LMOSMessaging

/// An action status as the HTTP binding writes it: in status responses and in event streams of statuses.
public enum ActionStatusJSON {
    /// `{action, status, output?, error?, timeRequested?, timeEnded?, href?}`.
    public static func encode(_ report: ActionStatusReport, href: String?) -> JSONValue {
        var object: JSONObject = ["action": .string(report.action), "status": .string(report.status.rawValue)]
        if let output = report.output { object["output"] = output }
        if let error = report.error { object["error"] = .object(error.json(statusAsString: false)) }
        if let time = report.timeRequested { object["timeRequested"] = .string(time.rfc3339) }
        if let time = report.timeEnded { object["timeEnded"] = .string(time.rfc3339) }
        if let href { object["href"] = .string(href) }
        return .object(object)
    }

    /// Reads a status; `nil` when `value` is not one.
    public static func decode(_ value: JSONValue, action: String) -> (report: ActionStatusReport, href: String?)? {
        guard case .object(let object) = value, let text = object["status"]?.stringValue,
            let status = ActionState(rawValue: text.lowercased())
        else { return nil }
        let report = ActionStatusReport(
            action: object["action"]?.stringValue ?? action, status: status, output: object["output"],
            error: object["error"]?.objectValue.flatMap(ProblemDetails.init(json:)),
            timeRequested: object["timeRequested"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            timeEnded: object["timeEnded"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))
        return (report, object["href"]?.stringValue)
    }
}
