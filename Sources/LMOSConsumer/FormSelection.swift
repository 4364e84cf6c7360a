import LMOSBindings
import NIOSSL
import LMOSDescription

/// A form chosen for one operation: the transport and the absolute URL.
struct FormTarget: Sendable, Hashable {
    let transport: Transport
    /// The absolute URL (for MQTT: the broker, `mqtt://host:port`).
    let href: String
    /// The MQTT topic (`mqv:topic`, else the href's path).
    var topic: String? = nil
}

extension ConsumedThing {
    func target(action name: String, operation: String, via transport: Transport?) throws(BindingError) -> FormTarget {
        guard let action = description.action(name) else { throw BindingError("\(thingID) has no action \(name)") }
        return try choose(action.forms, operation: operation, defaults: ["invokeaction"], what: "action \(name)", via: transport)
    }

    func target(property name: String, operation: String, via transport: Transport?) throws(BindingError) -> FormTarget {
        guard let property = description.property(name) else { throw BindingError("\(thingID) has no property \(name)") }
        var defaults = ["readproperty"]
        if !property.readOnly { defaults.append("writeproperty") }
        return try choose(property.forms, operation: operation, defaults: defaults, what: "property \(name)", via: transport)
    }

    func target(event name: String, operation: String, via transport: Transport?) throws(BindingError) -> FormTarget {
        guard let event = description.event(name) else { throw BindingError("\(thingID) has no event \(name)") }
        return try choose(
            event.forms, operation: operation, defaults: ["subscribeevent", "unsubscribeevent"], what: "event \(name)",
            via: transport)
    }

    /// The first form (in the description's order) that has the operation (its `op`, or the TD defaults when it has
    /// none) over a transport we speak, or over `transport` when one is asked for.
    private func choose(_ forms: [Form], operation: String, defaults: [String], what: String, via transport: Transport?)
        throws(BindingError) -> FormTarget
    {
        var offered: [String] = []
        for form in forms {
            let operations = form.operations.isEmpty ? defaults : form.operations
            guard operations.contains(operation), let href = form.href else { continue }
            let absolute = URLReference.resolve(href, against: description.base ?? url ?? "")
            let scheme = absolute.prefix(while: { $0 != ":" }).lowercased()
            let kind: Transport
            switch scheme {
            case "ws", "wss":
                guard form.subprotocol == nil || form.subprotocol == ThingHost.webSocketSubprotocol else { continue }
                kind = .webSocket
            case "http", "https":
                guard form.subprotocol == nil || form.subprotocol == "sse" else { continue }
                kind = .http
            case "mqtt", "mqtts":
                let afterScheme = absolute.dropFirst(scheme.count + 3)
                let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
                let broker = scheme + "://" + afterScheme[..<authorityEnd]
                let path = afterScheme[authorityEnd...].dropFirst()
                guard let topic = form.json["mqv:topic"]?.stringValue ?? (path.isEmpty ? nil : String(path)) else {
                    continue
                }
                offered.append(Transport.mqtt.rawValue)
                if transport == nil || transport == .mqtt {
                    return FormTarget(transport: .mqtt, href: broker, topic: topic)
                }
                continue
            default:
                offered.append(scheme)
                continue
            }
            offered.append(kind.rawValue)
            if transport == nil || transport == kind { return FormTarget(transport: kind, href: absolute) }
        }
        if let transport {
            throw BindingError("the \(what) of \(thingID) has no \(transport) form for \(operation)"
                + (offered.isEmpty ? "" : " (it has: \(offered.joined(separator: ", ")))"))
        }
        throw BindingError("the \(what) of \(thingID) has no form for \(operation) over HTTP, WebSocket or MQTT")
    }
}

/// RFC 3986 reference resolution for the forms of descriptions: absolute references as they are, `/path` against
/// the base's origin, others against the base's directory (with `./` and `../` segments removed).
enum URLReference {
    static func resolve(_ reference: String, against base: String) -> String {
        if let colon = reference.firstIndex(of: ":"),
            reference[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }),
            reference.first?.isLetter == true
        {
            return reference
        }
        guard let schemeEnd = base.firstRange(of: "://") else { return reference }
        let afterScheme = base[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let origin = String(base[..<authorityEnd])
        if reference.hasPrefix("//") { return String(base[..<schemeEnd.upperBound]) + reference.dropFirst(2) }
        if reference.hasPrefix("/") { return origin + reference }
        var path = String(base[authorityEnd...].prefix(while: { $0 != "?" && $0 != "#" }))
        if let slash = path.lastIndex(of: "/") { path = String(path[...slash]) } else { path = "/" }
        var segments = (path + reference).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var output: [String] = []
        for (index, segment) in segments.enumerated() {
            if segment == "." { if index == segments.count - 1 { output.append("") }; continue }
            if segment == ".." {
                if output.count > 1 { output.removeLast() }
                if index == segments.count - 1 { output.append("") }
                continue
            }
            output.append(segment)
        }
        segments = output
        return origin + segments.joined(separator: "/")
    }
}

/// The WebSockets of one consumed thing: one per endpoint URL, opened on first use, reopened after a close.
/// One MQTT connection per broker, shared by the things of a consumer.
actor MQTTPool {
    private var connections: [String: MQTTBindingConnection] = [:]

    func connection(to broker: String) async throws(BindingError) -> MQTTBindingConnection {
        if let connection = connections[broker] { return connection }
        let connection = try await MQTTBindingConnection.connect(to: broker)
        connections[broker] = connection
        return connection
    }

    func closeAll() async {
        let all = connections.values
        connections = [:]
        for connection in all { await connection.close() }
    }
}

actor WebSocketPool {
    private var connections: [String: WebSocketConnection] = [:]
    let authorization: @Sendable (_ url: String) async throws(BindingError) -> RequestAuthorization
    let tlsConfiguration: TLSConfiguration?

    init(
        authorization: @escaping @Sendable (_ url: String) async throws(BindingError) -> RequestAuthorization,
        tlsConfiguration: TLSConfiguration?
    ) {
        self.authorization = authorization
        self.tlsConfiguration = tlsConfiguration
    }

    func connection(to url: String) async throws(BindingError) -> WebSocketConnection {
        if let connection = connections[url], await connection.isOpen { return connection }
        let connection = try await WebSocketConnection.connect(
            to: url, authorization: try await authorization(url), tlsConfiguration: tlsConfiguration)
        connections[url] = connection
        return connection
    }

    func closeAll() async {
        let all = connections.values
        connections = [:]
        for connection in all { await connection.close() }
    }
}
