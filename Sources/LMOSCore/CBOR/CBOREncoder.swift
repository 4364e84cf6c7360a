extension JSONValue {
    /// This value as CBOR (RFC 8949) with the core deterministic encoding requirements of section 4.2.1:
    /// shortest argument encodings, definite lengths only, map keys sorted by the bytewise order of their
    /// encodings, and each double in the shortest float (half, single or double precision) that keeps its value.
    ///
    /// Integers stay integers and doubles stay floats, so `1` and `1.0` remain distinct after a round trip.
    public func cborBytes() -> [UInt8] {
        var encoder = CBOREncoder()
        encoder.encode(self)
        return encoder.out
    }
}

/// Major types of RFC 8949 section 3.1.
enum CBORMajorType: UInt8 {
    case unsignedInteger = 0
    case negativeInteger = 1
    case byteString = 2
    case textString = 3
    case array = 4
    case map = 5
    case tag = 6
    case simpleOrFloat = 7
}

struct CBOREncoder {
    var out: [UInt8] = []

    init() { out.reserveCapacity(1024) }

    mutating func encode(_ value: JSONValue) {
        switch value {
        case .null: out.append(0xF6)
        case .bool(let bool): out.append(bool ? 0xF5 : 0xF4)
        case .integer(let integer):
            if integer >= 0 {
                appendHead(.unsignedInteger, UInt64(integer))
            } else {
                appendHead(.negativeInteger, UInt64(-1 - integer))
            }
        case .double(let double): appendFloat(double)
        case .string(let string): appendText(string)
        case .array(let elements):
            appendHead(.array, UInt64(elements.count))
            for element in elements { encode(element) }
        case .object(let object):
            appendHead(.map, UInt64(object.count))
            encodeMembers(object.storage)
        }
    }

    /// Deterministic order (RFC 8949 section 4.2.1): bytewise on the encoded keys, which for text keys means shorter
    /// first, then by UTF-8 bytes. Sorts indices in stack memory, and not at all when the keys are already in order
    /// (as in anything this decoder produced).
    mutating func encodeMembers(_ members: [JSONObject.Member]) {
        var sorted = true
        for index in members.indices.dropFirst() where !Self.precedes(members[index - 1].key, members[index].key) {
            sorted = false
            break
        }
        if sorted {
            for member in members {
                appendText(member.key)
                encode(member.value)
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: members.count) { buffer in
            var order = buffer
            for index in members.indices { order.initializeElement(at: index, to: index) }
            order.sort { Self.precedes(members[$0].key, members[$1].key) }
            for index in order {
                appendText(members[index].key)
                encode(members[index].value)
            }
        }
    }

    @inline(__always)
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let l = lhs.utf8.count
        let r = rhs.utf8.count
        if l != r { return l < r }
        return lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    mutating func appendText(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            appendHead(.textString, UInt64(bytes.count))
            out.append(contentsOf: bytes)
        }
    }

    /// The initial byte and argument in the shortest form (RFC 8949 section 4.2.1).
    mutating func appendHead(_ major: CBORMajorType, _ argument: UInt64) {
        let high = major.rawValue << 5
        switch argument {
        case 0..<24:
            out.append(high | UInt8(argument))
        case 24...0xFF:
            out.append(high | 24)
            out.append(UInt8(argument))
        case 0x100...0xFFFF:
            out.append(high | 25)
            appendBigEndian(argument, bytes: 2)
        case 0x1_0000...0xFFFF_FFFF:
            out.append(high | 26)
            appendBigEndian(argument, bytes: 4)
        default:
            out.append(high | 27)
            appendBigEndian(argument, bytes: 8)
        }
    }

    mutating func appendBigEndian(_ value: UInt64, bytes: Int) {
        for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// The shortest of half, single and double precision that represents `value` exactly; NaN as `0xf97e00`.
    mutating func appendFloat(_ value: Double) {
        if value.isNaN {
            out.append(contentsOf: [0xF9, 0x7E, 0x00])
            return
        }
        if let half = HalfFloat.bits(exactly: value) {
            out.append(0xF9)
            appendBigEndian(UInt64(half), bytes: 2)
            return
        }
        let single = Float(value)
        if Double(single) == value {
            out.append(0xFA)
            appendBigEndian(UInt64(single.bitPattern), bytes: 4)
            return
        }
        out.append(0xFB)
        appendBigEndian(value.bitPattern, bytes: 8)
    }
}

/// IEEE 754 binary16 conversions, written out so they work on every platform.
enum HalfFloat {
    /// The binary16 bit pattern of `value` if it has one that converts back to exactly `value`.
    static func bits(exactly value: Double) -> UInt16? {
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        let magnitude = value.magnitude
        if magnitude == 0 { return sign }
        if magnitude.isInfinite { return sign | 0x7C00 }
        // Normal halves: exponent -14...15, 10 fraction bits. Subnormal halves: multiples of 2^-24 below 2^-14.
        let exponent = Int(magnitude.exponent)
        if exponent > 15 || exponent < -24 { return nil }
        if exponent >= -14 {
            let significand = magnitude.significandBitPattern  // 52 bits
            guard significand & ((1 << 42) - 1) == 0 else { return nil }
            let fraction = UInt16(significand >> 42)
            return sign | UInt16(exponent + 15) << 10 | fraction
        }
        let scaled = magnitude * 16_777_216  // 2^24: subnormal halves are integers here
        guard scaled == scaled.rounded(.towardZero), scaled < 1024 else { return nil }
        return sign | UInt16(scaled)
    }

    /// The value of a binary16 bit pattern.
    static func value(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
