import LMOSCore

/// An action in a description builder.
///
/// ```swift
/// Action("chat", description: "Talk to the agent", input: .object(["message": .string()]), output: .string())
///     .form(Form(href: "wss://agent.example/ws", op: ["invokeaction"], subprotocol: "lmosprotocol"))
/// ```
public struct Action: DescriptionComponent {
    var affordance: ActionAffordance

    public init(
        _ name: String, title: String? = nil, description: String? = nil, input: DataSchema? = nil,
        output: DataSchema? = nil, safe: Bool? = nil, idempotent: Bool? = nil, synchronous: Bool? = nil,
        forms: [Form] = []
    ) {
        var json = JSONObject()
        if let title { json["title"] = .string(title) }
        if let description { json["description"] = .string(description) }
        if let input { json["input"] = .object(input.json) }
        if let output { json["output"] = .object(output.json) }
        if let safe { json["safe"] = .bool(safe) }
        if let idempotent { json["idempotent"] = .bool(idempotent) }
        if let synchronous { json["synchronous"] = .bool(synchronous) }
        if !forms.isEmpty { json["forms"] = .array(forms.map { .object($0.json) }) }
        affordance = ActionAffordance(name: name, json: json)
    }

    /// Adds a form.
    public func form(_ form: Form) -> Action {
        var copy = self
        copy.affordance.forms.append(form)
        return copy
    }

    public func apply(to description: inout ThingDescription) {
        var affordance = affordance
        if affordance.forms.isEmpty {
            affordance.forms = [Form(href: "actions/\(affordance.name)", op: ["invokeaction"], contentType: "application/json")]
        }
        description.actions.removeAll { $0.name == affordance.name }
        description.actions.append(affordance)
    }
}

/// A property in a description builder: a data schema plus forms.
public struct Property: DescriptionComponent {
    var affordance: PropertyAffordance

    public init(
        _ name: String, schema: DataSchema, title: String? = nil, description: String? = nil, readOnly: Bool = false,
        observable: Bool = false, forms: [Form] = []
    ) {
        var json = schema.json
        if let title { json["title"] = .string(title) }
        if let description { json["description"] = .string(description) }
        if readOnly { json["readOnly"] = true }
        if observable { json["observable"] = true }
        if !forms.isEmpty { json["forms"] = .array(forms.map { .object($0.json) }) }
        affordance = PropertyAffordance(name: name, json: json)
    }

    /// Adds a form.
    public func form(_ form: Form) -> Property {
        var copy = self
        copy.affordance.forms.append(form)
        return copy
    }

    public func apply(to description: inout ThingDescription) {
        var affordance = affordance
        if affordance.forms.isEmpty {
            var operations = ["readproperty"]
            if !affordance.readOnly { operations.append("writeproperty") }
            if affordance.observable { operations += ["observeproperty", "unobserveproperty"] }
            affordance.forms = [
                Form(href: "properties/\(affordance.name)", op: operations, contentType: "application/json")
            ]
        }
        description.properties.removeAll { $0.name == affordance.name }
        description.properties.append(affordance)
    }
}

/// An event in a description builder.
public struct Event: DescriptionComponent {
    var affordance: EventAffordance

    public init(
        _ name: String, data: DataSchema? = nil, title: String? = nil, description: String? = nil, forms: [Form] = []
    ) {
        var json = JSONObject()
        if let title { json["title"] = .string(title) }
        if let description { json["description"] = .string(description) }
        if let data { json["data"] = .object(data.json) }
        if !forms.isEmpty { json["forms"] = .array(forms.map { .object($0.json) }) }
        affordance = EventAffordance(name: name, json: json)
    }

    /// Adds a form.
    public func form(_ form: Form) -> Event {
        var copy = self
        copy.affordance.forms.append(form)
        return copy
    }

    public func apply(to description: inout ThingDescription) {
        var affordance = affordance
        if affordance.forms.isEmpty {
            affordance.forms = [
                Form(
                    href: "events/\(affordance.name)", op: ["subscribeevent", "unsubscribeevent"],
                    contentType: "application/json")
            ]
        }
        description.events.removeAll { $0.name == affordance.name }
        description.events.append(affordance)
    }
}
