import LMOSCore
import LMOSMessaging
import Logging
import MQTTCore
import MQTTNIO

/// Exposes a host's things through an MQTT broker (WoT MQTT binding template, MQTT 5; `docs/bindings.md`):
/// - action requests arrive on `lmos/{thing}/actions/{action}` as LMOS messages with a Response Topic (and
///   Correlation Data, echoed); every reply (one final status, or the statuses of a streaming action) is published
///   there;
/// - each event occurrence is published as an LMOS `event` message on `lmos/{thing}/events/{event}`;
/// - each observable property's reading is published retained on `lmos/{thing}/properties/{name}`, at start and
///   on every change.
public actor MQTTThingExposer {
    private let host: ThingHost
    private let configuration: MQTTClientConfiguration
    private let logger: Logger
    private var client: MQTTClient?
    private var tasks: [Task<Void, Never>] = []

    public init(host: ThingHost, configuration: MQTTClientConfiguration, logger: Logger = Logger(label: "lmos.mqtt")) {
        self.host = host
        self.configuration = configuration
        self.logger = logger
    }

    /// The topic of an affordance: `lmos/{thing}/{kind}/{name}`, the id and name with `/`, `+`, `#` and `%`
    /// percent-encoded so that each stays one topic level.
    public static func topic(thing: String, kind: String, name: String) -> String {
        "lmos/\(escape(thing))/\(kind)/\(escape(name))"
    }

    static func escape(_ level: String) -> String {
        var text = ""
        for character in level {
            switch character {
            case "%": text += "%25"
            case "/": text += "%2F"
            case "+": text += "%2B"
            case "#": text += "%23"
            default: text.append(character)
            }
        }
        return text
    }

    /// Connects to the broker, subscribes to every thing's action topics and starts publishing events and
    /// readings.
    public func start() async throws(MQTTClientError) {
        var configuration = self.configuration
        configuration.version = .v5
        let client = try await MQTTClient.connect(configuration)
        self.client = client
        for id in host.thingIDs {
            guard let entry = host.entry(id: id) else { continue }
            let actions = "lmos/\(Self.escape(id))/actions/+"
            let requests = await client.messages(matching: actions)
            try await client.subscribe([MQTTSubscription(filter: actions, qos: .atLeastOnce)])
            tasks.append(Task { [host, logger] in
                for await request in requests {
                    // Each request is its own conversation: a long stream does not hold up the next request.
                    Task { await Self.answer(request, host: host, client: client, logger: logger) }
                }
            })
            for event in await entry.thing.eventNames() {
                guard let occurrences = try? await entry.thing.subscribeEvent(event) else { continue }
                let topic = Self.topic(thing: id, kind: "events", name: event)
                tasks.append(Task {
                    for await data in occurrences {
                        let message = Message(thingID: id, body: .event(event: event, data: data, timestamp: .now()))
                        _ = try? await client.publish(topic, payload: message.jsonBytes(dialect: .lmos), qos: .atLeastOnce)
                    }
                })
            }
            let description = await entry.thing.currentDescription()
            let context = InteractionContext(thingID: id, invocationID: nil, trace: nil, transport: .mqtt)
            for property in description.properties {
                let topic = Self.topic(thing: id, kind: "properties", name: property.name)
                let name = property.name
                if let value = try? await entry.thing.readProperty(name, context: context) {
                    try await Self.publishReading(thing: id, name: name, value: value, topic: topic, client: client)
                }
                guard property.observable, let changes = try? await entry.thing.observeProperty(name) else { continue }
                tasks.append(Task {
                    for await value in changes {
                        try? await Self.publishReading(thing: id, name: name, value: value, topic: topic, client: client)
                    }
                })
            }
        }
    }

    private static func publishReading(
        thing: String, name: String, value: JSONValue, topic: String, client: MQTTClient
    ) async throws(MQTTClientError) {
        let message = Message(thingID: thing, body: .propertyReading(name: name, value: value, timestamp: .now()))
        try await client.publish(topic, payload: message.jsonBytes(dialect: .lmos), qos: .atLeastOnce, retain: true)
    }

    /// One request: a conversation whose replies go to its Response Topic with its Correlation Data.
    private static func answer(_ request: MQTTPublish, host: ThingHost, client: MQTTClient, logger: Logger) async {
        guard let responseTopic = request.properties.responseTopic, (try? MQTTTopic.validateName(responseTopic)) != nil
        else {
            logger.debug("MQTT request without a usable response topic ignored", metadata: ["topic": "\(request.topic)"])
            return
        }
        var replyProperties = MQTTProperties()
        replyProperties.correlationData = request.properties.correlationData
        replyProperties.contentType = "application/json"
        let properties = replyProperties
        let session = MessageSession(host: host, transport: .mqtt, logger: logger) { text in
            try await client.publish(responseTopic, payload: Array(text.utf8), qos: .atLeastOnce, properties: properties)
        }
        await session.receive(request.payload)
        await session.finishForwarding()
    }

    /// Stops publishing and disconnects (the broker keeps the retained readings).
    public func stop() async {
        for task in tasks { task.cancel() }
        tasks = []
        await client?.disconnect()
        client = nil
    }
}
