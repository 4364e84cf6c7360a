/// A 160-bit DHT identifier (BEP 5): a node id, an info-hash, or a BEP 44 target. Distance is XOR, compared as an
/// unsigned 160-bit integer.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Bits 159...96, 95...32 and 31...0.
    var high: UInt64
    var middle: UInt64
    var low: UInt32

    /// The identifier of exactly 20 bytes, big-endian.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        var high: UInt64 = 0
        var middle: UInt64 = 0
        var low: UInt32 = 0
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 0..<8: high = high << 8 | UInt64(byte)
            case 8..<16: middle = middle << 8 | UInt64(byte)
            default: low = low << 8 | UInt32(byte)
            }
        }
        self.init(high: high, middle: middle, low: low)
    }

    /// The identifier of a hash's first 20 bytes (zero-padded if shorter): SHA-1 digests and the like.
    public init(digest: some Sequence<UInt8>) {
        var high: UInt64 = 0
        var middle: UInt64 = 0
        var low: UInt32 = 0
        var index = 0
        for byte in digest {
            switch index {
            case 0..<8: high = high << 8 | UInt64(byte)
            case 8..<16: middle = middle << 8 | UInt64(byte)
            case 16..<20: low = low << 8 | UInt32(byte)
            default: break
            }
            index += 1
            if index == 20 { break }
        }
        // Left-align short input.
        if index < 8 {
            high <<= UInt64(8 * (8 - index))
        } else if index < 16 {
            middle <<= UInt64(8 * (16 - index))
        } else if index < 20 {
            low <<= UInt32(8 * (20 - index))
        }
        self.init(high: high, middle: middle, low: low)
    }

    init(high: UInt64, middle: UInt64, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// The identifier written as 40 hexadecimal digits.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 40 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for index in stride(from: 0, to: 40, by: 2) {
            guard let high = hexDigit(utf8[index]), let low = hexDigit(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// A random identifier.
    public static func random() -> NodeID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A random identifier from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> NodeID {
        NodeID(high: generator.next(), middle: generator.next(), low: generator.next())
    }

    /// The 20 bytes, big-endian.
    public var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: 20)
        for index in 0..<8 {
            result[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
            result[8 + index] = UInt8(truncatingIfNeeded: middle >> UInt64(56 - 8 * index))
        }
        for index in 0..<4 { result[16 + index] = UInt8(truncatingIfNeeded: low >> UInt32(24 - 8 * index)) }
        return result
    }

    /// 40 lowercase hexadecimal digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(40)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    /// The XOR distance to `other`.
    public func distance(to other: NodeID) -> NodeID {
        NodeID(high: high ^ other.high, middle: middle ^ other.middle, low: low ^ other.low)
    }

    /// How many leading bits are zero (160 for the zero id): the length of the prefix shared with the id this is
    /// a distance from.
    public var leadingZeroBitCount: Int {
        if high != 0 { return high.leadingZeroBitCount }
        if middle != 0 { return 64 + middle.leadingZeroBitCount }
        return 128 + low.leadingZeroBitCount
    }

    /// The bit at `index` (0 = most significant).
    public func bit(_ index: Int) -> Bool {
        switch index {
        case 0..<64: return high >> UInt64(63 - index) & 1 == 1
        case 64..<128: return middle >> UInt64(127 - index) & 1 == 1
        default: return low >> UInt32(159 - index) & 1 == 1
        }
    }

    /// This id with the bits from `index` on replaced by random ones (for a bucket refresh target).
    public func randomized(from index: Int, using generator: inout some RandomNumberGenerator) -> NodeID {
        let random = NodeID.random(using: &generator)
        func mask64(_ start: Int) -> UInt64 {
            if start <= 0 { return 0 }
            if start >= 64 { return .max }
            return ~(UInt64.max >> UInt64(start))
        }
        let lowKeep: UInt32 = index - 128 <= 0 ? 0 : (index - 128 >= 32 ? .max : ~(UInt32.max >> UInt32(index - 128)))
        let highKeep = mask64(index)
        let middleKeep = mask64(index - 64)
        return NodeID(
            high: high & highKeep | random.high & ~highKeep,
            middle: middle & middleKeep | random.middle & ~middleKeep,
            low: low & lowKeep | random.low & ~lowKeep)
    }

    public static func < (left: NodeID, right: NodeID) -> Bool {
        (left.high, left.middle, left.low) < (right.high, right.middle, right.low)
    }
}

func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}

/// Lowercase hexadecimal text of bytes.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// The bytes of hexadecimal text, or `nil` when it is not an even number of hex digits.
public func bytes(hex: String) -> [UInt8]? {
    let utf8 = Array(hex.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    var result: [UInt8] = []
    result.reserveCapacity(utf8.count / 2)
    for index in stride(from: 0, to: utf8.count, by: 2) {
        guard let high = hexDigit(utf8[index]), let low = hexDigit(utf8[index + 1]) else { return nil }
        result.append(high << 4 | low)
    }
    return result
}
