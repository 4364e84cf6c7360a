/// The Server-Sent Events wire format (HTML Living Standard 9.2.6): `event:`, `id:` and one `data:` line per line
/// of data, then a blank line.
public enum ServerSentEvent {
    public static func encode(event: String?, id: String?, data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 64)
        if let event { bytes += Array("event: \(event)\n".utf8) }
        if let id { bytes += Array("id: \(id)\n".utf8) }
        var lineStart = 0
        for index in 0...data.count {
            if index == data.count || data[index] == UInt8(ascii: "\n") {
                bytes += Array("data: ".utf8)
                var line = data[lineStart..<index]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                bytes += line
                bytes.append(UInt8(ascii: "\n"))
                lineStart = index + 1
            }
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// A comment line that keeps idle connections open through proxies.
    public static let heartbeat = Array(": heartbeat\n\n".utf8)
}
