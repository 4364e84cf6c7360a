/// Random (version 4) UUIDs, RFC 9562 section 5.4, in their lowercase text form.
public enum UUIDv4 {
    /// A new random UUID, e.g. `9b2f0c3e-5d1a-4c8e-9f3b-2a7d6e1c0b4f`.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in stride(from: 0, to: 16, by: 8) {
            var word = generator.next()
            for offset in 0..<8 {
                bytes[index + offset] = UInt8(truncatingIfNeeded: word)
                word >>= 8
            }
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `urn:uuid:` followed by a new random UUID (RFC 4122 section 3), the form WoT Discovery recommends for
    /// the local identifiers of anonymous Thing Descriptions.
    public static func randomURN() -> String { "urn:uuid:" + random() }
}
