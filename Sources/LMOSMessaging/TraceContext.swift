/// W3C Trace Context (Level 1): the `traceparent` and `tracestate` that messages and HTTP requests carry.
public struct TraceContext: Sendable, Hashable {
    /// `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, lower case.
    public let traceparent: String
    /// Vendor-specific entries, passed on unchanged.
    public var tracestate: String?

    /// Checks `traceparent` as section 3.2 says (version not `ff`, ids not all zeros, lower-case hex; a future
    /// version may be longer); `nil` when it is not valid, and then it is not propagated.
    public init?(traceparent: String, tracestate: String? = nil) {
        let bytes = Array(traceparent.utf8)
        guard bytes.count >= 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"),
            bytes[52] == UInt8(ascii: "-")
        else { return nil }
        func isHex(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        guard isHex(0..<2), isHex(3..<35), isHex(36..<52), isHex(53..<55) else { return nil }
        let version = bytes[0..<2]
        guard version != [0x66, 0x66] else { return nil }
        if version == [0x30, 0x30] {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 && bytes[55] != UInt8(ascii: "-") {
            return nil
        }
        guard !bytes[3..<35].allSatisfy({ $0 == 0x30 }), !bytes[36..<52].allSatisfy({ $0 == 0x30 }) else { return nil }
        self.traceparent = String(decoding: bytes[0..<55], as: UTF8.self)
        if let tracestate, !tracestate.isEmpty, tracestate.utf8.count <= 512 {
            self.tracestate = tracestate
        } else {
            self.tracestate = nil
        }
    }

    /// The 32-digit trace id.
    public var traceID: String { String(traceparent.dropFirst(3).prefix(32)) }
    /// The 16-digit id of the span that sent it.
    public var parentID: String { String(traceparent.dropFirst(36).prefix(16)) }
    /// Whether the caller records this trace.
    public var sampled: Bool { (UInt8(traceparent.suffix(2), radix: 16) ?? 0) & 1 == 1 }

    /// The same trace continued by a new span of ours: same trace id and flags, a new random parent id; version
    /// `00` (section 4.3: a newer version we received is answered with the version we know).
    public func child() -> TraceContext {
        let flags = String(traceparent.suffix(2))
        return TraceContext(unchecked: "00-\(traceID)-\(Self.randomHex(bytes: 8))-\(flags)", tracestate: tracestate)
    }

    /// A new trace, sampled.
    public static func newTrace() -> TraceContext {
        TraceContext(unchecked: "00-\(randomHex(bytes: 16))-\(randomHex(bytes: 8))-01", tracestate: nil)
    }

    private init(unchecked traceparent: String, tracestate: String?) {
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        repeat {
            text.removeAll(keepingCapacity: true)
            for _ in 0..<count {
                let byte = UInt8.random(in: 0...255, using: &generator)
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
        } while text.allSatisfy { $0 == 0x30 }
        return String(decoding: text, as: UTF8.self)
    }
}
