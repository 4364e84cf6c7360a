import HTTPTypes
import Hummingbird
import LMOSCore
import LMOSDescription
import LMOSDirectory

/// An RFC 7807 problem: every 4xx and 5xx answer of the directory carries one as `application/problem+json` in
/// UTF-8 (WoT Discovery `tdd-http-error-response`), with `validationErrors` when a description is invalid
/// (`tdd-validation-response`).
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var detail: String
    var validationErrors: [ValidationError] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ detail: String, validationErrors: [ValidationError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.validationErrors = validationErrors
        self.headers = headers
    }

    /// The HTTP meaning of an engine error.
    init(_ error: DirectoryError) {
        switch error {
        case .unreadableDocument(let reason): self.init(.badRequest, reason)
        case .invalid(let errors):
            self.init(.badRequest, "the description is not valid: \(errors.count) error(s)", validationErrors: errors)
        case .invalidProof(let reason): self.init(.badRequest, "the description's proof does not verify: \(reason)")
        case .notFound(let id): self.init(.notFound, "no description with id \(id)")
        case .forbidden(let reason): self.init(.forbidden, reason)
        case .invalidQuery(let reason): self.init(.badRequest, reason)
        case .storage(let reason): self.init(.internalServerError, "the store failed: \(reason)")
        case .unavailable(let reason): self.init(.serviceUnavailable, reason)
        }
    }

    func response(instance: String?) -> Response {
        var body: JSONObject = [
            "type": "about:blank",
            "title": .string(status.reasonPhrase),
            "status": .integer(Int64(status.code)),
            "detail": .string(detail),
        ]
        if let instance { body["instance"] = .string(instance) }
        if !validationErrors.isEmpty { body["validationErrors"] = .array(validationErrors.map(\.json)) }
        var headers = self.headers
        headers[.contentType] = MediaType.problem + "; charset=utf-8"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONValue.object(body).jsonBytes())))
    }
}
