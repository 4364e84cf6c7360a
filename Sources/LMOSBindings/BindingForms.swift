import LMOSCore
import LMOSDescription

/// Where a server's bindings listen, as the forms of its descriptions name them.
public struct BindingEndpoints: Sendable, Hashable {
    /// The HTTP binding's origin, such as `http://127.0.0.1:8080` (nil: no HTTP forms).
    public var httpOrigin: String?
    /// The WebSocket endpoint, such as `ws://127.0.0.1:8080/ws` (nil: no WebSocket forms).
    public var webSocketURL: String?
    /// The MQTT broker the things are exposed through, such as `mqtt://127.0.0.1:1883` (nil: no MQTT forms).
    public var mqttBroker: String?

    public init(httpOrigin: String?, webSocketURL: String?, mqttBroker: String? = nil) {
        self.mqttBroker = mqttBroker.map { broker in
            var text = broker
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
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
        let mqtt = endpoints.mqttBroker
        if mqtt != nil { declareMQTTVocabulary() }
        /// A form of the WoT MQTT binding: the broker URL with the topic as its path, and the `mqv` terms.
        func mqttForm(kind: String, name: String, op: [String], controlPacket: String, retain: Bool) -> Form? {
            guard let mqtt else { return nil }
            let topic = MQTTThingExposer.topic(thing: thingID, kind: kind, name: name)
            var form = Form(href: "\(mqtt)/\(topic)", op: op, contentType: "application/json")
            form.json["mqv:topic"] = .string(topic)
            form.json["mqv:controlPacket"] = .string(controlPacket)
            form.json["mqv:qos"] = "1"
            form.json["mqv:retain"] = .bool(retain)
            return form
        }
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
            if property.observable,
                let form = mqttForm(
                    kind: "properties", name: property.name, op: ["readproperty", "observeproperty", "unobserveproperty"],
                    controlPacket: "subscribe", retain: true)
            {
                forms.append(form)
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
            if let form = mqttForm(kind: "actions", name: action.name, op: ["invokeaction"], controlPacket: "publish", retain: false) {
                forms.append(form)
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
            if let form = mqttForm(
                kind: "events", name: event.name, op: ["subscribeevent", "unsubscribeevent"], controlPacket: "subscribe",
                retain: false)
            {
                forms.append(form)
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

extension ThingDescription {
    /// The namespace of the WoT MQTT binding template's terms (`mqv:topic`, `mqv:controlPacket`, `mqv:qos`,
    /// `mqv:retain`).
    public static let mqttVocabulary = "http://www.example.org/mqtt-binding#"

    /// Adds `"mqv": "http://www.example.org/mqtt-binding#"` to the `@context` object (creating one after the TD
    /// context when there is none).
    mutating func declareMQTTVocabulary() {
        var entries: [JSONValue]
        switch context {
        case .array(let list)?: entries = list
        case let single?: entries = [single]
        case nil: entries = [.string("https://www.w3.org/2022/wot/td/v1.1")]
        }
        if let index = entries.firstIndex(where: { if case .object = $0 { return true } else { return false } }),
            case .object(var prefixes) = entries[index]
        {
            prefixes["mqv"] = .string(Self.mqttVocabulary)
            entries[index] = .object(prefixes)
        } else {
            var prefixes = JSONObject()
            prefixes["mqv"] = .string(Self.mqttVocabulary)
            entries.append(.object(prefixes))
        }
        context = .array(entries)
    }
}
