import LMOSCore

/// An RFC 7807 problem: the members of an LMOS `error` message and of the HTTP binding's error bodies.
public struct ProblemDetails: Error, Sendable, Hashable, CustomStringConvertible {
    /// A URI reference naming the kind of problem (`about:blank` when only the status says it).
    public var type: String
    /// A short summary of the kind of problem.
    public var title: String
    /// The HTTP status code that fits the problem.
    public var status: Int
    /// What went wrong this time.
    public var detail: String?
    /// A URI reference to this occurrence.
    public var instance: String?

    public init(type: String = "about:blank", title: String, status: Int, detail: String? = nil, instance: String? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
    }

    public var description: String { detail.map { "\(title): \($0)" } ?? title }

    /// 400: the request is malformed.
    public static func badRequest(_ detail: String) -> ProblemDetails {
        ProblemDetails(title: "Bad Request", status: 400, detail: detail)
    }

    /// 404: no such thing or affordance.
    public static func notFound(_ detail: String) -> ProblemDetails {
        ProblemDetails(title: "Not Found", status: 404, detail: detail)
    }

    /// 405: the affordance does not allow the operation (writing a read-only property).
    public static func notAllowed(_ detail: String) -> ProblemDetails {
        ProblemDetails(title: "Method Not Allowed", status: 405, detail: detail)
    }

    /// 500: the handler failed.
    public static func internalError(_ detail: String) -> ProblemDetails {
        ProblemDetails(title: "Internal Server Error", status: 500, detail: detail)
    }

    /// An invocation that was cancelled before it ended.
    public static func cancelled(_ reason: String?) -> ProblemDetails {
        ProblemDetails(
            type: "https://eclipse.dev/lmos/protocol/v1/problems#cancelled", title: "Cancelled", status: 409,
            detail: reason ?? "the action was cancelled")
    }

    /// The members as a JSON object; `status` as a string when `statusAsString` (the LMOS message pages), else
    /// as a number (RFC 7807 and HTTP bodies).
    public func json(statusAsString: Bool) -> JSONObject {
        var object: JSONObject = [
            "type": .string(type), "title": .string(title),
            "status": statusAsString ? .string(String(status)) : .integer(Int64(status)),
        ]
        if let detail { object["detail"] = .string(detail) }
        if let instance { object["instance"] = .string(instance) }
        return object
    }

    /// Reads the members of `object`; `status` may be a number or a numeric string.
    public init?(json object: JSONObject) {
        let status: Int
        switch object["status"] {
        case .integer(let value)?: status = Int(clamping: value)
        case .string(let text)?: guard let value = Int(text) else { return nil }; status = value
        case nil: status = 500
        default: return nil
        }
        self.init(
            type: object["type"]?.stringValue ?? "about:blank", title: object["title"]?.stringValue ?? "Error",
            status: status, detail: object["detail"]?.stringValue, instance: object["instance"]?.stringValue)
    }
}
