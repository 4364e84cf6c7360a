import HTTPTypes
import Hummingbird
import JSONPath
import LMOSCore
import LMOSDirectory

/// `/search/lmos` (PROTOCOL.md 3) and `/search/jsonpath` (RFC 9535 over the array of all descriptions).
extension DirectoryResponder {
    func searchLMOS(_ request: Request) async throws -> Response {
        let parameters = QueryParameters(request.uri.query)
        let offset = try parameters.integer("offset", minimum: 0).orBadRequest() ?? 0
        let limit = try parameters.integer("limit", minimum: 1).orBadRequest()
        let query = DescriptionQuery(
            type: parameters["type"].flatMap { $0.isEmpty ? nil : $0 },
            capability: parameters["capability"].flatMap { $0.isEmpty ? nil : $0 },
            text: parameters["q"].flatMap { $0.isEmpty ? nil : $0 })
        let pageSize = min(limit ?? configuration.maximumPageSize, configuration.maximumPageSize)
        let (items, hasMore) = try await directory.search(query, PageRequest(offset: offset, limit: pageSize))
        var headers: HTTPFields = [:]
        let arguments: [(String, String?)] = [("type", query.type), ("capability", query.capability), ("q", query.text)]
        headers.append(HTTPField(name: .link, value: LinkHeader.value(LinkHeader.url("/search/lmos", arguments), relation: "canonical",
            parameters: [("etag", "\(try await directory.collectionVersion())")])))
        if hasMore {
            let next = LinkHeader.url("/search/lmos", arguments + [("offset", "\(offset + items.count)"), ("limit", "\(limit ?? pageSize)")])
            headers.append(HTTPField(name: .link, value: LinkHeader.value(next, relation: "next")))
        }
        return try respond(json: Self.jsonArray(items.map(\.json)), request: request, jsonTypes: [MediaType.jsonLD, MediaType.json], headers: headers)
    }

    func searchJSONPath(_ request: Request) async throws -> Response {
        guard let text = QueryParameters(request.uri.query)["query"], !text.isEmpty else {
            throw Problem(.badRequest, "the query parameter 'query' (a JSONPath expression) is missing")
        }
        let query: JSONPathQuery
        do {
            query = try JSONPathQuery(text)
        } catch {
            throw Problem(.badRequest, "invalid JSONPath expression: \(error)")
        }
        var all: [JSONValue] = []
        var last: String?
        while true {
            let batch = try await directory.list(after: last, limit: 256)
            if batch.isEmpty { break }
            for item in batch { all.append(try item.value()) }
            if all.count > configuration.maximumJSONPathDescriptions {
                throw Problem(.contentTooLarge,
                    "JSONPath search looks at at most \(configuration.maximumJSONPathDescriptions) descriptions; use /search/lmos to narrow down")
            }
            last = batch.last?.id
        }
        let selected: [JSONValue]
        do {
            selected = try query.select(.array(all), workLimit: configuration.jsonPathWorkLimit)
        } catch {
            throw Problem(.unprocessableContent, "the JSONPath expression needs too much work over this directory: \(error)")
        }
        let result = JSONValue.array(selected)
        return try respond(json: result.jsonBytes(), request: request, jsonTypes: [MediaType.json])
    }
}
