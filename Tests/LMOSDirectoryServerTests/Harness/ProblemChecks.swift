import LMOSCore
import Testing

/// Checks that `answer` is an RFC 7807 problem (WoT Discovery `tdd-http-error-response`): the status code, the
/// `application/problem+json` Content-Type in UTF-8, and a body with `type`, `title`, `status` (equal to the status
/// code) and `detail`. Returns the body for further checks.
@discardableResult
func expectProblem(_ answer: HTTPAnswer, status: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
    #expect(answer.status == status, "\(answer.text)", sourceLocation: sourceLocation)
    #expect(Format.essence(answer.contentType) == "application/problem+json", sourceLocation: sourceLocation)
    // JSON is UTF-8 (RFC 8259); a charset parameter, when sent, must say so.
    let charset = Format.charset(answer.contentType)
    #expect(charset == nil || charset == "utf-8", sourceLocation: sourceLocation)
    let text = try #require(String(validating: answer.body, as: UTF8.self), "the problem is not UTF-8", sourceLocation: sourceLocation)
    let problem = try JSONValue(parsing: text)
    #expect(problem["type"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(problem["title"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(problem["status"] == .integer(Int64(status)), sourceLocation: sourceLocation)
    #expect(problem["detail"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    return problem
}

/// The `validationErrors` of a problem as (field, description) pairs; records an issue when a member is missing
/// or not a string (`tdd-validation-response`).
func validationErrors(_ problem: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> [(field: String, description: String)] {
    guard let errors = problem["validationErrors"]?.arrayValue else {
        Issue.record("no validationErrors array in \(problem.jsonString())", sourceLocation: sourceLocation)
        return []
    }
    return errors.compactMap { error in
        guard let field = error["field"]?.stringValue, let description = error["description"]?.stringValue else {
            Issue.record("a validation error without field or description: \(error.jsonString())", sourceLocation: sourceLocation)
            return nil
        }
        return (field, description)
    }
}
