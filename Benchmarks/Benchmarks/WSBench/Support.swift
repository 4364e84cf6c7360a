import Dispatch
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on standard error (standard output carries only the result).
func note(_ text: String) {
    FileHandle.standardError.write(Data("ws-bench: \(text)\n".utf8))
}

/// Command line: `WSBench [N] [M] [C] [--window W] [--deadline S] [--rounds R] [--open-parallel P] [--size B]
/// [--connections-to echo|hummingbird|agent] [--only echo|hummingbird|agent]`.
struct Options: Sendable {
    var roundTrips = 20_000
    var messages = 100_000
    var connections = 1000
    var window = 64
    var deadline = 120.0
    var rounds = 1
    var openParallel = 100
    var size = 200
    /// The server of the connections phase.
    var connectionsPeer = Peer.agent
    /// Only this server in the single-socket and own-client phases (profiling, memory); no ratios then.
    var only: Peer?

    init(_ arguments: [String]) throws {
        var positional: [Int] = []
        var index = 1
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchError("\(flag) needs a value") }
            return arguments[index]
        }
        func number<T: LosslessStringConvertible & Comparable & Numeric>(_ flag: String, _ text: String, _: T.Type) throws -> T {
            guard let number = T(text), number > 0 else { throw BenchError("\(flag): not a positive number: \(text)") }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--window": window = try number(argument, try value(argument), Int.self)
            case "--deadline": deadline = try number(argument, try value(argument), Double.self)
            case "--rounds": rounds = try number(argument, try value(argument), Int.self)
            case "--open-parallel": openParallel = try number(argument, try value(argument), Int.self)
            case "--size": size = try number(argument, try value(argument), Int.self)
            case "--connections-to":
                let name = try value(argument)
                guard let peer = Peer(rawValue: name) else {
                    throw BenchError("--connections-to: echo, hummingbird or agent, not \(name)")
                }
                connectionsPeer = peer
            case "--only":
                let name = try value(argument)
                guard let peer = Peer(rawValue: name) else { throw BenchError("--only: echo, hummingbird or agent, not \(name)") }
                only = peer
            case "-h", "--help":
                throw BenchError(
                    "usage: WSBench [N round trips] [M pipelined messages] [C connections] [--window W] "
                        + "[--deadline SECONDS] [--rounds R] [--open-parallel P] [--size BYTES] "
                        + "[--connections-to echo|hummingbird|agent] [--only echo|hummingbird|agent]")
            default:
                positional.append(try number("argument \(positional.count + 1)", argument, Int.self))
            }
            index += 1
        }
        guard positional.count <= 3 else { throw BenchError("at most three numbers: N M C") }
        if positional.count > 0 { roundTrips = positional[0] }
        if positional.count > 1 { messages = positional[1] }
        if positional.count > 2 { connections = positional[2] }
    }
}

/// Raises the soft limit of open files to the hard limit; returns both afterwards.
func raiseOpenFileLimit() -> (soft: UInt64, hard: UInt64) {
    var limit = rlimit()
    #if canImport(Glibc)
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    let resource = RLIMIT_NOFILE
    #endif
    guard getrlimit(resource, &limit) == 0 else { return (0, 0) }
    if limit.rlim_cur < limit.rlim_max {
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        if setrlimit(resource, &raised) == 0 { limit = raised }
    }
    return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
}

/// This process's resident set (`VmRSS` of /proc/self/status), in MiB; 0 where there is no /proc.
func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if fields.count >= 2, let kilobytes = Double(fields[1]) { return kilobytes / 1024 }
    }
    return 0
}

/// The 1-minute load average (how busy the machine was besides this run).
func loadAverage() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
        let first = text.split(separator: " ").first
    else { return 0 }
    return Double(first) ?? 0
}

/// Latency percentiles in microseconds.
struct Percentiles: Sendable {
    var p50 = 0.0
    var p99 = 0.0
    var max = 0.0

    init(nanoseconds values: [UInt64]) {
        guard !values.isEmpty else { return }
        let sorted = values.sorted()
        func at(_ fraction: Double) -> Double {
            Double(sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]) / 1000
        }
        p50 = at(0.5)
        p99 = at(0.99)
        self.max = Double(sorted[sorted.count - 1]) / 1000
    }

    var json: [String: Any] { ["p50_us": round1(p50), "p99_us": round1(p99), "max_us": round1(max)] }
}

func round1(_ value: Double) -> Double { (value * 10).rounded() / 10 }
func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Ends the process if the run hangs somewhere no phase deadline reaches (a backstop; each phase has its own).
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var item: DispatchWorkItem?

    func arm(seconds: Double, _ what: String) {
        let work = DispatchWorkItem {
            note("watchdog: \(what) did not end within \(Int(seconds)) s; exiting")
            exit(3)
        }
        lock.lock()
        item?.cancel()
        item = work
        lock.unlock()
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: work)
    }

    func disarm() {
        lock.lock()
        item?.cancel()
        item = nil
        lock.unlock()
    }
}

extension EventLoopFuture where Value: Sendable {
    /// Fails with `what` unless this completes by `deadline`.
    func bounded(by deadline: NIODeadline, _ what: String) -> EventLoopFuture<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        let timer = eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(BenchError("\(what): the phase deadline passed"))
        }
        whenComplete { result in
            timer.cancel()
            promise.completeWith(result)
        }
        return promise.futureResult
    }
}
