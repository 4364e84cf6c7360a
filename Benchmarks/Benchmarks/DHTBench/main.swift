// The Swift side of DHT/dht-bench.sh: resolve-by-DID on a loopback Mainline DHT network of our nodes plus
// libtorrent nodes, next to libtorrent's own dht_get_item of the same pointer item on the same network in the same
// run; and lookup hops as the network grows. Loopback only; every phase has a deadline.
import Foundation
import KRPC
import LMOSCore
import LMOSDHT
import LMOSIdentity

struct Options {
    var nodes = 100
    var libtorrent = 10
    var rounds = 30
    var sizes = [50, 100, 200, 400]
    var script = ""
    var deadline = 300.0

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next() ?? ""
            switch argument {
            case "--nodes": nodes = Int(value) ?? nodes
            case "--libtorrent": libtorrent = Int(value) ?? libtorrent
            case "--rounds": rounds = Int(value) ?? rounds
            case "--sizes": sizes = value.split(separator: ",").compactMap { Int($0) }
            case "--lt-script": script = value
            case "--deadline": deadline = Double(value) ?? deadline
            default:
                FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// libtorrent's node in a Python process (Tests/LMOSDHTTests/Peers/lt_peer.py), one JSON line per command.
final class LibtorrentNode: @unchecked Sendable {
    let process = Process()
    let toPeer = Pipe()
    let fromPeer = Pipe()
    var pending = Data()
    var port = 0

    init(script: String, join ports: [Int]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--port", "0"] + ports.flatMap { ["--node", "127.0.0.1:\($0)"] }
        process.standardInput = toPeer
        process.standardOutput = fromPeer
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ready = try readLine()
        port = Int(ready["port"]?.integerValue ?? 0)
    }

    func readLine() throws -> JSONValue {
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                return try JSONValue(parsing: Array(line))
            }
            let chunk = fromPeer.fileHandleForReading.availableData
            if chunk.isEmpty { throw CocoaError(.fileReadUnknown) }
            pending.append(chunk)
        }
    }

    func ask(_ command: String) throws -> JSONValue {
        toPeer.fileHandleForWriting.write(Data((command + "\n").utf8))
        return try readLine()
    }

    func stop() {
        try? toPeer.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func format(_ value: Double) -> String { String(format: "%.2f", value) }

/// n of our nodes on 127.0.0.1, joined through the first, then joined again so early nodes learn of later ones.
func startNetwork(size: Int) async throws -> [DHTNode] {
    let configuration = DHTNodeConfiguration(host: "127.0.0.1", queryTimeout: 1)
    let first = try await DHTNode.start(configuration)
    let bootstrap = NodeEndpoint(address: 0x7F00_0001, port: UInt16(await first.port))
    var nodes = [first]
    var joining = configuration
    joining.bootstrap = [bootstrap]
    for _ in 1..<size { nodes.append(try await DHTNode.start(joining)) }
    for node in nodes { await node.join() }
    return nodes
}

func description(key: Ed25519KeyPair) throws -> JSONValue {
    let padding = String(repeating: "Answers billing and tariff questions for residential customers. ", count: 30)
    let text = """
        {"@context": ["https://www.w3.org/2022/wot/td/v1.1", {"lmos": "https://eclipse.dev/lmos/protocol/v1"}],
         "@type": "lmos:Agent", "id": "urn:bench:billing", "title": "Billing", "description": "\(padding)",
         "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}}, "security": "nosec_sc",
         "lmos:capabilities": [{"id": "urn:acme:capability:billing:view", "name": "Billing", "version": "1.0.0"}]}
        """
    return try EddsaJcs2022.sign(try JSONValue(parsing: text), with: key)
}

let options = Options(CommandLine.arguments)
let clock = ContinuousClock()

// Whole-run deadline: report and stop rather than hang.
let watchdog = Thread {
    Thread.sleep(forTimeInterval: options.deadline)
    FileHandle.standardError.write(Data("deadline of \(options.deadline) s reached; stopping\n".utf8))
    exit(3)
}
watchdog.start()

// Phase 1: resolve by DID next to libtorrent's dht_get_item.
let ours = options.nodes - (options.script.isEmpty ? 0 : options.libtorrent)
print("network: \(ours) of our nodes + \(options.script.isEmpty ? 0 : options.libtorrent) libtorrent nodes on 127.0.0.1")
let network = try await startNetwork(size: ours)
var peers: [LibtorrentNode] = []
if !options.script.isEmpty {
    for index in 0..<options.libtorrent {
        let a = Int(await network[(index * 7) % ours].port)
        let b = Int(await network[(index * 13 + 5) % ours].port)
        peers.append(try LibtorrentNode(script: options.script, join: [a, b]))
    }
    // Our nodes meet libtorrent's: they answered its queries; a join makes them ask it back.
    for node in network { await node.join() }
}
let key = Ed25519KeyPair()
let signed = try description(key: key)
let report = try await network[1].publish(signed, key: key)
print(
    "published \(report.did): pointer on \(report.pointerStored) nodes, \(report.chunkTargets.count) chunks "
        + "(\(try signed.canonicalJSON().count) bytes)")

let reader = network[ours / 2]
var pointerTimes: [Double] = []
var resolveTimes: [Double] = []
var hops: [Int] = []
var libtorrentTimes: [Double] = []
// Ours and libtorrent's alternate in blocks of 5 rounds, so that drift in the machine's load hits both alike.
var done = 0
while done < options.rounds {
    let block = min(5, options.rounds - done)
    for _ in 0..<block {
        let start = clock.now
        let (item, statistics) = await reader.getMutable(key: key.publicKey, salt: Array("lmos-td".utf8))
        pointerTimes.append(milliseconds(clock.now - start))
        if item == nil { print("pointer not found: \(statistics)") }
        hops.append(statistics.hops)
        let resolveStart = clock.now
        do {
            let resolved = try await reader.resolve(key.didKey.did)
            resolveTimes.append(milliseconds(clock.now - resolveStart))
            if resolved.document != signed { print("resolved another document") }
        } catch {
            print("resolve failed: \(error)")
        }
    }
    if let peer = peers.first {
        let answer = try peer.ask(
            #"{"op":"bench_get_mutable","key":"\#(hexString(key.publicKey))","salt":"lmos-td","rounds":\#(block)}"#)
        let times = (answer["times_ms"]?.arrayValue ?? []).compactMap(\.doubleValue)
        if times.isEmpty { print("libtorrent: \(answer)") }
        libtorrentTimes += times
    }
    done += block
}

print("")
print("| \(options.rounds) rounds, ms | p50 | p90 |")
print("|---|---|---|")
print("| ours: get pointer (BEP 44 mutable get) | \(format(median(pointerTimes))) | \(format(percentile(pointerTimes, 0.9))) |")
print("| ours: resolve DID (pointer + chunks + proof) | \(format(median(resolveTimes))) | \(format(percentile(resolveTimes, 0.9))) |")
if !libtorrentTimes.isEmpty {
    print("| libtorrent dht_get_item (same pointer) | \(format(median(libtorrentTimes))) | \(format(percentile(libtorrentTimes, 0.9))) |")
    print("")
    print("resolve / libtorrent get: \(format(median(resolveTimes) / median(libtorrentTimes)))x (target <= 1.5x)")
    print("get pointer / libtorrent get: \(format(median(pointerTimes) / median(libtorrentTimes)))x")
}
print("hops of the pointer lookups: median \(Int(median(hops.map(Double.init))))")
for peer in peers { peer.stop() }
for node in network { await node.stop() }

// Phase 2: hops as the network grows.
print("")
print("| nodes | hops (mean) | queries (mean) | get pointer p50 ms |")
print("|---|---|---|---|")
for size in options.sizes {
    let nodes = try await startNetwork(size: size)
    let owner = Ed25519KeyPair()
    let item = try DHTItem.signed(
        value: Bencode.encode(.string("hops")), key: owner, salt: Array("lmos-td".utf8), sequenceNumber: 1)
    let putReport = try await nodes[0].put(item)
    var misses = 0
    var sizeHops: [Double] = []
    var queries: [Double] = []
    var times: [Double] = []
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<40 {
        let node = nodes[Int.random(in: 0..<size, using: &generator)]
        let start = clock.now
        let (found, statistics) = await node.getMutable(key: owner.publicKey, salt: Array("lmos-td".utf8))
        times.append(milliseconds(clock.now - start))
        if found == nil {
            misses += 1
            print("miss from \(node.id): \(statistics), known \(await node.knownNodes.count), \(await node.statistics.counters)")
        }
        sizeHops.append(Double(statistics.hops))
        queries.append(Double(statistics.queries))
    }
    let meanHops = sizeHops.reduce(0, +) / Double(sizeHops.count)
    let meanQueries = queries.reduce(0, +) / Double(queries.count)
    if misses > 0 { print("(\(misses) of 40 lookups missed the item; stored on \(putReport.stored))") }
    print("| \(size) | \(format(meanHops)) | \(format(meanQueries)) | \(format(median(times))) |")
    for node in nodes { await node.stop() }
}
exit(0)
