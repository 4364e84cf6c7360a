import LMOSCore
import LMOSDescription

/// The directory's own Thing Description (WoT Discovery 7.3.2, the Thing Model `ThingDirectory` in
/// `wot-discovery-directory.tm.json`), served at `/.well-known/wot`: how to list, read, register, update, delete,
/// search and watch, with LMOS search as an extra action.
enum DirectoryThingDescription {
    static func document(base: String, title: String) -> JSONValue {
        func form(_ href: String, _ method: String, status: Int? = nil, contentType: String? = nil,
                  responseType: String? = nil, errors: [Int] = [400]) -> JSONValue {
            var form: JSONObject = ["href": .string(href), "htv:methodName": .string(method)]
            if let contentType { form["contentType"] = .string(contentType) }
            var response: JSONObject = ["description": "Success response"]
            if let status { response["htv:statusCodeValue"] = .integer(Int64(status)) }
            var additional: [JSONValue] = []
            if let responseType {
                response["contentType"] = .string(responseType)
                form["response"] = .object(response)
            } else {
                // TD 1.1 requires a `contentType` in `response`; a success without a body (201, 204) is described
                // as an additional response instead, so that this description stays valid.
                response["success"] = true
                additional.append(.object(response))
            }
            additional += errors.map { code in
                ["contentType": "application/problem+json", "htv:statusCodeValue": .integer(Int64(code)),
                 "description": .string(code == 404 ? "No description with this id" : "Invalid request or description")]
            }
            form["additionalResponses"] = .array(additional)
            return .object(form)
        }
        let idVariable: JSONValue = [
            "id": ["@type": "ThingID", "title": "Thing Description ID", "type": "string", "format": "iri-reference"]
        ]
        let anyObject: JSONValue = ["description": "The schema is implied by the content type", "type": "object"]
        func event(_ name: String, _ description: String) -> JSONValue {
            [
                "description": .string(description),
                "data": ["type": "object", "description": "The id of the description (the whole description or a merge patch with diff=true)"],
                "uriVariables": ["diff": ["type": "boolean", "description": "Include the description or the changed parts"]],
                "forms": [
                    [
                        "href": .string("/events/\(name){?diff}"), "subprotocol": "sse",
                        "contentType": "text/event-stream", "htv:methodName": "GET", "op": "subscribeevent",
                    ]
                ],
            ]
        }
        return [
            "@context": [
                .string(Vocabulary.thingDescriptionContext11), .string(Vocabulary.discoveryContext),
                ["lmos": .string(Vocabulary.lmosNamespace)],
            ],
            "@type": "ThingDirectory",
            "title": .string(title),
            "description": "A W3C WoT Thing Description Directory for Eclipse LMOS agents and tools",
            "version": ["instance": "1.0.0", "model": "1.0.0"],
            "base": .string(base),
            "securityDefinitions": ["nosec_sc": ["scheme": "nosec"]],
            "security": "nosec_sc",
            "properties": [
                "things": [
                    "description": "Retrieve all Thing Descriptions",
                    "type": "array", "items": ["type": "object"], "readOnly": true,
                    "uriVariables": [
                        "offset": ["title": "Number of TDs to skip before the page", "type": "number", "default": 0],
                        "limit": ["title": "Number of TDs in a page", "type": "number"],
                        "format": ["title": "Payload format", "type": "string", "enum": ["array", "collection"], "default": "array"],
                    ],
                    "forms": [form("/things{?offset,limit,format}", "GET", status: 200, responseType: "application/ld+json")],
                ]
            ],
            "actions": [
                "createThing": [
                    "description": "Create a Thing Description", "uriVariables": idVariable, "input": anyObject,
                    "forms": [form("/things/{id}", "PUT", status: 201, contentType: "application/td+json")],
                ],
                "createAnonymousThing": [
                    "description": "Create an anonymous Thing Description", "input": anyObject,
                    "output": ["type": "string", "description": "The system-generated id, also in the Location header"],
                    "forms": [form("/things", "POST", status: 201, contentType: "application/td+json")],
                ],
                "retrieveThing": [
                    "description": "Retrieve a Thing Description", "uriVariables": idVariable, "output": anyObject,
                    "safe": true, "idempotent": true,
                    "forms": [form("/things/{id}", "GET", status: 200, responseType: "application/td+json", errors: [404])],
                ],
                "updateThing": [
                    "description": "Update a Thing Description", "uriVariables": idVariable, "input": anyObject,
                    "forms": [form("/things/{id}", "PUT", status: 204, contentType: "application/td+json")],
                ],
                "partiallyUpdateThing": [
                    "description": "Partially update a Thing Description", "uriVariables": idVariable, "input": anyObject,
                    "forms": [form("/things/{id}", "PATCH", status: 204, contentType: "application/merge-patch+json", errors: [400, 404])],
                ],
                "deleteThing": [
                    "description": "Delete a Thing Description", "uriVariables": idVariable, "idempotent": true,
                    "forms": [form("/things/{id}", "DELETE", status: 204, errors: [404])],
                ],
                "searchJSONPath": [
                    "description": "JSONPath (RFC 9535) search over the array of all Thing Descriptions",
                    "uriVariables": ["query": ["type": "string", "title": "A JSONPath expression"]],
                    "output": ["type": "array"], "safe": true, "idempotent": true,
                    "forms": [form("/search/jsonpath{?query}", "GET", status: 200, responseType: "application/json")],
                ],
                "searchLMOS": [
                    "description": "LMOS search: agents and tools by type, capability and words (all optional, combined with AND)",
                    "uriVariables": [
                        "type": ["type": "string", "enum": ["Agent", "Tool"]],
                        "capability": ["type": "string", "title": "A capability id"],
                        "q": ["type": "string", "title": "Words in titles, descriptions and capabilities"],
                        "offset": ["type": "integer", "minimum": 0],
                        "limit": ["type": "integer", "minimum": 1],
                    ],
                    "output": ["type": "array"], "safe": true, "idempotent": true,
                    "forms": [form("/search/lmos{?type,capability,q,offset,limit}", "GET", status: 200, responseType: "application/ld+json")],
                ],
            ],
            "events": [
                "thingCreated": event("thing_created", "A Thing Description was registered"),
                "thingUpdated": event("thing_updated", "A Thing Description was updated"),
                "thingDeleted": event("thing_deleted", "A Thing Description was deleted or expired"),
            ],
        ]
    }
}
