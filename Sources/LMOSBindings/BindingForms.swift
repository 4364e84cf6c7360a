import LMOSCore
import LMOSDescription

/// Where a server's bindings listen, as the forms of its descriptions name them.
public struct BindingEndpoints: Sendable, Hashable {
    /// The HTTP binding's origin, such as `http://127.0.0.1:8080` (nil: no HTTP forms).
    public var httpOrigin: String?
    /// The WebSocket endpoint, such as `ws://127.0.0.1:8080/ws` (nil: no WebSocket forms).
    public var webSocketURL: String?

    public init(httpOrigin: String?, webSocketURL: String?) {
        self.httpOrigin = httpOrigin.map { origin in
            var text = origin
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        self.webSocketURL = webSocketURL
    }

    /// The HTTP base of one thing: `{origin}/{percent-encoded id}/`, which its relative hrefs resolve against.
    public func thingBase(id: String) -> String? {
        httpOrigin.map { "\($0)/\(PercentEncoding.encodePathSegment(id))/" }
    }
}

extension ThingDescription {
    /// Gives every affordance the forms of the enabled bindings (replacing the forms it had), sets `base` to the
    /// thing's HTTP base, and adds the thing-level forms (all properties, all events).
    ///
    /// HTTP forms are relative to `base` (`properties/{name}`, `properties/{name}/observation` with subprotocol
    /// `sse`, `actions/{name}`, `events/{name}` with `sse`); WebSocket forms are absolute, with subprotocol
    /// `lmosprotocol`.
    public mutating func setBindingForms(_ endpoints: BindingEndpoints) {
        let thingID = id ?? ""
        base = endpoints.thingBase(id: thingID)
        let ws = endpoints.webSocketURL
        let http = endpoints.httpOrigin != nil
        let subprotocol = "lmosprotocol"
        properties = properties.map { property in
            var property = property
            var read = ["readproperty"]
            if !property.readOnly { read.append("writeproperty") }
            var forms: [Form] = []
            let name = PercentEncoding.encodePathSegment(property.name)
            if http {
                forms.append(Form(href: "properties/\(name)", op: read, contentType: "application/json"))
                if property.observable {
                    forms.append(
                        Form(
                            href: "properties/\(name)/observation", op: ["observeproperty", "unobserveproperty"],
                            contentType: "application/json", subprotocol: "sse"))
                }
            }
            if let ws {
                let observe = property.observable ? ["observeproperty", "unobserveproperty"] : []
                forms.append(Form(href: ws, op: read + observe, contentType: "application/json", subprotocol: subprotocol))
            }
            property.forms = forms
            return property
        }
        actions = actions.map { action in
            var action = action
            var forms: [Form] = []
            if http {
                forms.append(
                    Form(
                        href: "actions/\(PercentEncoding.encodePathSegment(action.name))", op: ["invokeaction"],
                        contentType: "application/json"))
            }
            if let ws {
                forms.append(
                    Form(
                        href: ws, op: ["invokeaction", "queryaction", "cancelaction"], contentType: "application/json",
                        subprotocol: subprotocol))
            }
            action.forms = forms
            return action
        }
        events = events.map { event in
            var event = event
            var forms: [Form] = []
            if http {
                forms.append(
                    Form(
                        href: "events/\(PercentEncoding.encodePathSegment(event.name))",
                        op: ["subscribeevent", "unsubscribeevent"], contentType: "application/json", subprotocol: "sse"))
            }
            if let ws {
                forms.append(
                    Form(
                        href: ws, op: ["subscribeevent", "unsubscribeevent"], contentType: "application/json",
                        subprotocol: subprotocol))
            }
            event.forms = forms
            return event
        }
        var thingForms: [Form] = []
        if http {
            if !properties.isEmpty {
                thingForms.append(
                    Form(href: "properties", op: ["readallproperties", "writemultipleproperties"], contentType: "application/json"))
            }
            if !events.isEmpty {
                thingForms.append(
                    Form(
                        href: "events", op: ["subscribeallevents", "unsubscribeallevents"], contentType: "application/json",
                        subprotocol: "sse"))
            }
        }
        if let ws {
            var operations: [String] = []
            if !properties.isEmpty { operations += ["readallproperties", "readmultipleproperties", "writemultipleproperties"] }
            if !events.isEmpty { operations += ["subscribeallevents", "unsubscribeallevents"] }
            if !operations.isEmpty {
                thingForms.append(Form(href: ws, op: operations, contentType: "application/json", subprotocol: subprotocol))
            }
        }
        forms = thingForms
    }
}
