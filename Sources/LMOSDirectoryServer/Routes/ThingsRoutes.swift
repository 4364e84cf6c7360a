import HTTPTypes
import Hummingbird
import LMOSCore
import LMOSDirectory

/// `/things` and `/things/{id}` (WoT Discovery 7.3.2.1: creation, retrieval, update, deletion, listing).
extension DirectoryResponder {
    func retrieve(_ request: Request, id: String) async throws -> Response {
        guard let description = try await directory.description(id: id) else { throw Problem(.notFound, "no description with id \(id)") }
        return try respond(json: description.json, request: request, jsonTypes: [MediaType.thingDescription, MediaType.json, MediaType.jsonLD])
    }

    func put(_ request: Request, id: String, requester: Requester) async throws -> Response {
        let document = try await readDocument(request)
        switch try await directory.put(id: id, document: document, requester: requester) {
        case .created:
            return Response(status: .created, headers: [.location: "/things/" + PercentEncoding.encodePathSegment(id)])
        case .replaced:
            return Response(status: .noContent)
        }
    }

    func createAnonymous(_ request: Request, requester: Requester) async throws -> Response {
        let document = try await readDocument(request)
        let id = try await directory.createAnonymous(document: document, requester: requester)
        // WoT Discovery's example and PROTOCOL.md 3: the Location of an anonymous TD is its generated id.
        return Response(status: .created, headers: [.location: id])
    }

    func patch(_ request: Request, id: String, requester: Requester) async throws -> Response {
        let patch = try await readDocument(request, allowed: [MediaType.mergePatch])
        try await directory.patch(id: id, patch: patch, requester: requester)
        return Response(status: .noContent)
    }

    func delete(id: String, requester: Requester) async throws -> Response {
        try await directory.delete(id: id, requester: requester)
        return Response(status: .noContent)
    }

    /// `GET /things?offset&limit&format`: descriptions in id order. With `limit` (or beyond the maximum page size) a
    /// page with `Link: next` and `canonical` (with the collection's `etag`); without, every description, streamed.
    func listThings(_ request: Request) async throws -> Response {
        let query = QueryParameters(request.uri.query)
        let offset = try query.integer("offset", minimum: 0).orBadRequest() ?? 0
        let limit = try query.integer("limit", minimum: 1).orBadRequest()
        let format = query["format"] ?? "array"
        guard format == "array" || format == "collection" else {
            throw Problem(.badRequest, "format must be array or collection, not '\(format)'")
        }
        let version = try await directory.collectionVersion()
        var headers: HTTPFields = [.eTag: "\"\(version)\""]
        let formatArgument = query["format"]
        headers.append(HTTPField(name: .link, value: LinkHeader.value("/things", relation: "canonical", parameters: [("etag", "\(version)")])))
        guard let chosen = ContentNegotiation.choose(
            accept: request.headers[.accept], offers: [MediaType.jsonLD, MediaType.json, MediaType.cbor])
        else { throw Problem(.notAcceptable, "listings are available as application/ld+json, application/json or application/cbor") }

        if limit == nil && offset == 0 && chosen != MediaType.cbor {
            return streamAll(format: format, version: version, headers: headers, contentType: chosen)
        }
        let pageSize = min(limit ?? configuration.maximumPageSize, configuration.maximumPageSize)
        let (items, total) = try await directory.list(PageRequest(offset: offset, limit: pageSize))
        let next: String?
        if offset + items.count < total {
            next = LinkHeader.url("/things", [("offset", "\(offset + items.count)"), ("limit", limit.map(String.init) ?? "\(pageSize)"), ("format", formatArgument)])
            headers.append(HTTPField(name: .link, value: LinkHeader.value(next ?? "", relation: "next")))
        } else {
            next = nil
        }
        var body = Self.jsonArray(items.map(\.json))
        if format == "collection" {
            let selfURL = LinkHeader.url("/things", [("offset", "\(offset)"), ("limit", limit.map(String.init)), ("format", "collection")])
            body = Self.collection(members: body, id: selfURL, total: total, next: next)
        }
        return try respond(json: body, request: request, jsonTypes: [chosen == MediaType.cbor ? MediaType.jsonLD : chosen], headers: headers)
    }

    /// The whole collection, written in batches as it is read (no page is held in memory).
    private func streamAll(format: String, version: Int64, headers: HTTPFields, contentType: String) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        let directory = self.directory
        let collection = format == "collection"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            if collection {
                let total = try await directory.list(PageRequest(offset: 0, limit: 1)).total
                let head = #"{"@context":"https://www.w3.org/2022/wot/discovery","@type":"ThingCollection","@id":"/things?format=collection","total":"#
                try await writer.write(ByteBuffer(bytes: Array((head + "\(total)," + #""members":["#).utf8)))
            } else {
                try await writer.write(ByteBuffer(bytes: [UInt8(ascii: "[")]))
            }
            var last: String?
            var first = true
            while true {
                let batch = try await directory.list(after: last, limit: 256)
                if batch.isEmpty { break }
                var buffer = ByteBuffer()
                for item in batch {
                    if !first { buffer.writeInteger(UInt8(ascii: ",")) }
                    first = false
                    buffer.writeBytes(item.json)
                }
                try await writer.write(buffer)
                last = batch.last?.id
            }
            try await writer.write(ByteBuffer(bytes: Array((collection ? "]}" : "]").utf8)))
            try await writer.finish(nil)
        })
    }

    static func jsonArray(_ items: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(items.reduce(2) { $0 + $1.count + 1 })
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += item
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// A `ThingCollection` (the directory Thing Model's verbose listing) around an already serialized array.
    static func collection(members: [UInt8], id: String, total: Int, next: String?) -> [UInt8] {
        var head: JSONObject = [
            "@context": .string("https://www.w3.org/2022/wot/discovery"), "@type": "ThingCollection", "@id": .string(id),
            "total": .integer(Int64(total)),
        ]
        if let next { head["next"] = .string(next) }
        var bytes = JSONValue.object(head).jsonBytes()
        bytes.removeLast()
        bytes += Array(#","members":"#.utf8)
        bytes += members
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}

extension Result where Failure == QueryError {
    /// The value, or a 400 problem naming the parameter.
    func orBadRequest() throws(Problem) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw Problem(.badRequest, error.message)
        }
    }
}
