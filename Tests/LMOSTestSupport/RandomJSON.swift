import LMOSCore

// Seeded random values for property tests and interop cases, shared by the test targets.

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so property tests are reproducible.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly random integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// `true` with the given probability.
    public mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    /// Random bytes, `count` of them.
    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// Generates random `JSONValue`s: every kind, nesting up to `maximumDepth`, strings with control characters,
/// escapes, combining marks and astral scalars, integers across `Int64`, doubles including subnormals.
public struct ValueGenerator {
    public var random: SplitMix64
    public var maximumDepth = 5

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    public mutating func value(depth: Int = 0) -> JSONValue {
        let containers = depth < maximumDepth && random.chance(depth == 0 ? 0.9 : 0.35)
        if containers {
            if random.chance(0.5) {
                return .array((0..<random.int(in: 0...4)).map { _ in value(depth: depth + 1) })
            }
            var object = JSONObject()
            for _ in 0..<random.int(in: 0...4) { object[string(maximumLength: 6)] = value(depth: depth + 1) }
            return .object(object)
        }
        switch random.int(in: 0...9) {
        case 0: return .null
        case 1: return .bool(random.chance(0.5))
        case 2, 3, 4: return .integer(integer())
        case 5, 6, 7: return .double(double())
        default: return .string(string(maximumLength: 12))
        }
    }

    public mutating func integer() -> Int64 {
        switch random.int(in: 0...5) {
        case 0: return Int64(random.int(in: -100...100))
        case 1:
            let boundaries: [Int64] = [.min, .max, 0, -1, 1 << 53, -(1 << 53), (1 << 53) + 1, 1 << 60]
            return boundaries[random.int(in: 0...7)]
        case 2: return Int64(random.int(in: -1_000_000_000...1_000_000_000))
        default: return Int64(bitPattern: random.next()) >> Int64(random.int(in: 0...63))
        }
    }

    public mutating func double() -> Double {
        switch random.int(in: 0...6) {
        case 0:
            let specials: [Double] = [
                0, -0.0, 1, -1, 0.5, 0.1, 1e21, 1e-7, 1e-6, 1e20, 123.0, 0x1p53, 0x1p60, -0x1p63, 65504,
                .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude,
                5.960464477539063e-8, 3.4028234663852886e+38, 333333333.33333329,
            ]
            return specials[random.int(in: 0...(specials.count - 1))]
        case 1:
            // Subnormal: exponent bits zero, random non-zero fraction.
            let fraction = max(1, random.next() & ((1 << 52) - 1))
            return Double(bitPattern: (random.chance(0.5) ? 1 << 63 : 0) | fraction)
        case 2: return Double(random.int(in: -1_000_000...1_000_000)) / 8
        case 3: return Double(random.int(in: -100_000...100_000))
        case 4:
            // Values that fit a half or single float (CBOR's shorter float encodings).
            if random.chance(0.5) {
                let scale = Double(sign: .plus, exponent: random.int(in: -35...5), significand: 1)
                return Double(random.int(in: -2047...2047)) * scale
            }
            while true {
                let single = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
                if single.isFinite { return Double(single) }
            }
        default:
            while true {
                let candidate = Double(bitPattern: random.next())
                if candidate.isFinite { return candidate }
            }
        }
    }

    public mutating func scalar() -> Unicode.Scalar {
        let code: UInt32
        switch random.int(in: 0...9) {
        case 0: code = UInt32(random.int(in: 0x00...0x1F))  // control characters
        case 1: code = [0x22, 0x5C, 0x2F, 0x7F, 0x2028, 0x2029, 0xFEFF][random.int(in: 0...6)]
        case 2: code = UInt32(random.int(in: 0x80...0x7FF))
        case 3: code = UInt32(random.int(in: 0x0300...0x036F))  // combining marks
        case 4: code = UInt32(random.int(in: 0x800...0xD7FF))
        case 5: code = UInt32(random.int(in: 0xE000...0xFFFD))
        case 6: code = UInt32(random.int(in: 0x1_0000...0x10_FFFF))
        default: code = UInt32(random.int(in: 0x20...0x7E))
        }
        return Unicode.Scalar(code)!
    }

    public mutating func string(maximumLength: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<random.int(in: 0...maximumLength) { scalars.append(scalar()) }
        return String(scalars)
    }
}
