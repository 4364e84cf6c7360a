import LMOSTestSupport
import MQTTCore
import MQTTNIO

extension Mosquitto {
    func configuration(_ clientID: String, version: MQTTProtocolVersion = .v5) -> MQTTClientConfiguration {
        MQTTClientConfiguration(port: port, version: version, clientID: clientID, connectTimeout: 3)
    }
}

/// The next message of a stream, or nil after `seconds`.
func next(_ stream: AsyncStream<MQTTPublish>, within seconds: Double = 5) async -> MQTTPublish? {
    await withTaskGroup(of: MQTTPublish?.self) { group in
        group.addTask {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
