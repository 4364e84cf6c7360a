import LMOSMessaging

/// Why an interaction with a thing failed.
public struct BindingError: Error, Sendable, CustomStringConvertible {
    /// The thing's answer, when it answered with a problem (an `error` message, an HTTP problem, a failed action).
    public let problem: ProblemDetails?
    /// What went wrong, for people.
    public let reason: String

    public init(problem: ProblemDetails) {
        self.problem = problem
        self.reason = problem.description
    }

    public init(_ reason: String) {
        self.problem = nil
        self.reason = reason
    }

    public var description: String { reason }
}
