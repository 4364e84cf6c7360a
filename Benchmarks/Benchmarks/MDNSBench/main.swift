// The Swift side of LocalDiscovery/mdns-bench.sh: how long until a browser sees an advertised service, until it
// drops one that said goodbye, and until it has resolved many at once. Prints one JSON object. Run it only inside
// a private network namespace (scripts/netns-run); it refuses otherwise.
import Foundation
import LMOSLocalDiscovery

@main
struct MDNSBench {
    static func main() async throws {
        guard ProcessInfo.processInfo.environment["LMOS_NETNS"] == "1" else {
            FileHandle.standardError.write(Data("mdns-bench: run me through scripts/netns-run\n".utf8))
            exit(2)
        }
        let arguments = CommandLine.arguments
        let runs = arguments.count > 1 ? Int(arguments[1]) ?? 20 : 20
        let bulk = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200

        let browserNode = try await MulticastDNS.start(interfaces: .named(["lo"]))
        let responder = try await MulticastDNS.start(interfaces: .named(["lo"]))
        let events = await browserNode.browse(.wot)
        let watcher = Watcher()
        let reader = Task {
            for await event in events { await watcher.record(event) }
        }

        var seen: [Double] = []
        var removed: [Double] = []
        for run in 0..<runs {
            let name = "Bench Swift \(run)"
            let start = ContinuousClock.now
            let advertisement = try await responder.advertise(.wot(name: name, port: 9000, descriptionPath: "/td"))
            await watcher.wait(for: name, added: true)
            seen.append(Self.milliseconds(ContinuousClock.now - start))
            let goodbye = ContinuousClock.now
            await responder.withdraw(advertisement)
            await watcher.wait(for: name, added: false)
            removed.append(Self.milliseconds(ContinuousClock.now - goodbye))
        }

        let bulkStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<bulk {
                group.addTask { _ = try await responder.advertise(.wot(name: "Bulk Swift \(index)", port: 9001, descriptionPath: "/td")) }
            }
            try await group.waitForAll()
        }
        for index in 0..<bulk { await watcher.wait(for: "Bulk Swift \(index)", added: true) }
        let bulkSeconds = Self.milliseconds(ContinuousClock.now - bulkStart) / 1000
        let resolved = await watcher.count(prefix: "Bulk Swift ")

        await responder.shutdown()
        reader.cancel()
        await browserNode.shutdown()
        let result: [String: Any] = [
            "implementation": "swift-lmos",
            "runs": runs,
            "advertise_to_seen_ms": Self.summary(seen),
            "goodbye_to_removed_ms": Self.summary(removed),
            "bulk_services": bulk,
            "bulk_resolved": resolved,
            "bulk_all_resolved_s": bulkSeconds,
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func summary(_ values: [Double]) -> [String: Double] {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))] }
        return ["p50": percentile(0.5), "p90": percentile(0.9), "max": sorted.last ?? 0]
    }
}

/// What the browser has seen, and waiting for a change.
actor Watcher {
    private var present: Set<String> = []
    private var waiters: [(name: String, added: Bool, continuation: CheckedContinuation<Void, Never>)] = []

    func record(_ event: BrowseEvent) {
        switch event {
        case .added(let service), .updated(let service): present.insert(service.name)
        case .removed(let service): present.remove(service.name)
        }
        waiters.removeAll { waiter in
            guard present.contains(waiter.name) == waiter.added else { return false }
            waiter.continuation.resume()
            return true
        }
    }

    func wait(for name: String, added: Bool) async {
        if present.contains(name) == added { return }
        await withCheckedContinuation { waiters.append((name, added, $0)) }
    }

    func count(prefix: String) -> Int { present.filter { $0.hasPrefix(prefix) }.count }
}
