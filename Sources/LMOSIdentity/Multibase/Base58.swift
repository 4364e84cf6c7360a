/// Base58 with the Bitcoin alphabet ("base58btc"), the encoding behind `z`-prefixed multibase values, did:key
/// identifiers and `publicKeyBase58`.
public enum Base58 {
    static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    static let decodeTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    /// 58^9: the largest power of 58 whose product with 256 still fits in a UInt64.
    static let limbBase: UInt64 = 7_427_658_739_644_928

    /// The base58btc text of `bytes` (leading zero bytes become leading `1`s).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix { $0 == 0 }.count
        // Base 256 to base 58^9, one input byte at a time (little-endian limbs), then each limb to 9 digits.
        var limbs: [UInt64] = []
        limbs.reserveCapacity(input.count / 6 + 1)
        for byte in input[zeros...] {
            var carry = UInt64(byte)
            for index in limbs.indices {
                let value = limbs[index] << 8 | carry
                limbs[index] = value % limbBase
                carry = value / limbBase
            }
            while carry > 0 {
                limbs.append(carry % limbBase)
                carry /= limbBase
            }
        }
        var digits: [UInt8] = []  // least significant first
        digits.reserveCapacity(limbs.count * 9)
        for (position, limb) in limbs.enumerated() {
            var value = limb
            let last = position == limbs.count - 1
            for _ in 0..<9 {
                if last && value == 0 { break }
                digits.append(UInt8(value % 58))
                value /= 58
            }
        }
        var text = [UInt8](repeating: alphabet[0], count: zeros)
        text.reserveCapacity(zeros + digits.count)
        for digit in digits.reversed() { text.append(alphabet[Int(digit)]) }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of base58btc `text`.
    public static func decode(_ text: String) throws(IdentityError) -> [UInt8] {
        let input = Array(text.utf8)
        guard input.count <= 1024 else { throw .invalidEncoding("base58 text longer than 1024 characters") }
        let zeros = input.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []
        for character in input[zeros...] {
            let value = decodeTable[Int(character)]
            guard value >= 0 else {
                throw .invalidEncoding("'\(Character(Unicode.Scalar(character)))' is not a base58btc character")
            }
            var carry = Int(value)
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}

/// Multibase (`z` + base58btc) values carrying a multicodec-prefixed key, as Multikey and did:key use them.
public enum Multibase {
    /// Multicodec `ed25519-pub` (0xed), as the varint 0xed 0x01.
    public static let ed25519PublicKeyPrefix: [UInt8] = [0xED, 0x01]
    /// Multicodec `ed25519-priv` (0x1300), as the varint 0x80 0x26.
    public static let ed25519PrivateKeyPrefix: [UInt8] = [0x80, 0x26]

    /// `z` followed by the base58btc text of `bytes`.
    public static func encodeBase58BTC(_ bytes: some Collection<UInt8>) -> String { "z" + Base58.encode(bytes) }

    /// The bytes of a `z`-prefixed multibase value.
    public static func decodeBase58BTC(_ text: String) throws(IdentityError) -> [UInt8] {
        guard text.first == "z" else {
            throw .invalidEncoding("multibase value must start with 'z' (base58btc), found \"\(text.prefix(8))\"")
        }
        return try Base58.decode(String(text.dropFirst()))
    }

    /// The 32-byte key inside a multibase value with the given multicodec prefix.
    static func decodeKey(_ text: String, prefix: [UInt8], what: String) throws(IdentityError) -> [UInt8] {
        let bytes = try decodeBase58BTC(text)
        guard bytes.count == prefix.count + 32, Array(bytes.prefix(prefix.count)) == prefix else {
            throw .invalidKey("\(what) must be multicodec \(prefix.map { String($0, radix: 16) }.joined(separator: " ")) followed by 32 bytes")
        }
        return Array(bytes.dropFirst(prefix.count))
    }
}
