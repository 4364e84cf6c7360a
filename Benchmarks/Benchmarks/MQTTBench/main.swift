// The Swift side of MQTT/mqtt-bench.sh: publishes through a mosquitto broker with our client, and measures an LMOS
// action round trip through the broker, next to the same broker round trip with no agent in between.
//
//   MQTTBench publish PORT COUNT QOS SIZE WINDOW [batch]   # COUNT messages of SIZE bytes to bench/q{QOS};
//                                                            # batch: WINDOW per publish(batch:) call
//   MQTTBench roundtrip PORT COUNT                 # COUNT sequential round trips: raw echo, then the agent's chat
import Foundation
import LMOSAgent
import LMOSBindings
import LMOSConsumer
import LMOSCore
import MQTTCore
import MQTTNIO

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let arguments = CommandLine.arguments
guard arguments.count >= 4, let port = Int(arguments[2]), let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: MQTTBench publish PORT COUNT QOS SIZE WINDOW | roundtrip PORT COUNT\n".utf8))
    exit(2)
}
let clock = ContinuousClock()

switch arguments[1] {
case "publish":
    let qos = MQTTQoS(rawValue: UInt8(arguments.count > 4 ? Int(arguments[4]) ?? 0 : 0)) ?? .atMostOnce
    let size = arguments.count > 5 ? Int(arguments[5]) ?? 100 : 100
    let window = arguments.count > 6 ? Int(arguments[6]) ?? 20 : 20
    let client = try await MQTTClient.connect(MQTTClientConfiguration(port: port, clientID: "bench-pub"))
    let payload = [UInt8](repeating: UInt8(ascii: "x"), count: size)
    let topic = "bench/q\(qos.rawValue)"
    let batched = arguments.count > 7 && arguments[7] == "batch"
    let start = clock.now
    if batched {
        // Bursts through publish(batch:): WINDOW messages per call (all acknowledged before the next burst).
        var sent = 0
        while sent < count {
            let size = min(window, count - sent)
            try await client.publish(batch: Array(repeating: MQTTPublish(topic: topic, payload: payload, qos: qos), count: size))
            sent += size
        }
    } else if qos == .atMostOnce {
        for _ in 0..<count { try await client.publish(topic, payload: payload) }
    } else {
        // WINDOW publications in flight, as mosquitto_pub's max_inflight (20) allows.
        try await withThrowingTaskGroup(of: Void.self) { group in
            var sent = 0
            while sent < min(window, count) {
                group.addTask { try await client.publish(topic, payload: payload, qos: qos) }
                sent += 1
            }
            while try await group.next() != nil {
                if sent < count {
                    group.addTask { try await client.publish(topic, payload: payload, qos: qos) }
                    sent += 1
                }
            }
        }
    }
    let elapsed = seconds(clock.now - start)
    await client.disconnect()
    print("published \(count) in \(String(format: "%.3f", elapsed)) s")

case "roundtrip":
    let broker = "mqtt://127.0.0.1:\(port)"
    // Baseline: the broker alone, a message to a topic we subscribe to ourselves and back.
    let echo = try await MQTTClient.connect(MQTTClientConfiguration(port: port, clientID: "bench-echo"))
    let messages = await echo.messages(matching: "bench/echo")
    try await echo.subscribe([MQTTSubscription(filter: "bench/echo", qos: .atLeastOnce)])
    var iterator = messages.makeAsyncIterator()
    var echoTimes: [Double] = []
    for _ in 0..<count {
        let start = clock.now
        try await echo.publish("bench/echo", payload: Array("{}".utf8), qos: .atLeastOnce)
        _ = await iterator.next()
        echoTimes.append(seconds(clock.now - start))
    }
    await echo.disconnect()
    // Ours: an LMOS invokeAction to the example agent exposed through the broker, request-response (MQTT 5).
    let agent = Agent.example(id: "urn:bench:agent", wordDelay: .zero)
    let server = AgentServer(agents: [agent], configuration: AgentServerConfiguration(port: 0, mqttBroker: broker))
    let (readiness, ready) = AsyncStream<AgentServer.Ready>.makeStream()
    let running = Task { try await server.run(handleSignals: false, onReady: { ready.yield($0) }) }
    var descriptionURL = ""
    for await state in readiness {
        descriptionURL = state.descriptionURLs[0]
        break
    }
    let thing = try await ConsumedThing.fetch(descriptionURL)
    let input: JSONValue = ["messages": [["role": "user", "content": "ping"]]]
    _ = try await thing.invokeAction("chat", input: input, via: .mqtt)
    var actionTimes: [Double] = []
    for _ in 0..<count {
        let start = clock.now
        _ = try await thing.invokeAction("chat", input: input, via: .mqtt)
        actionTimes.append(seconds(clock.now - start))
    }
    await thing.close()
    await server.shutdown()
    _ = try? await running.value
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    print(String(format: "echo p50 %.1f us, action p50 %.1f us", median(echoTimes) * 1e6, median(actionTimes) * 1e6))

default:
    FileHandle.standardError.write(Data("unknown mode \(arguments[1])\n".utf8))
    exit(2)
}
exit(0)
