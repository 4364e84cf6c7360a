import LMOSCore
import LMOSMessaging
import NIOCore

/// The request every phase sends: one LMOS `invokeAction` of `echo` as JSON text, the same bytes for both servers
/// except the correlation id, a fixed-width decimal number (`wsb-000000000042`), so that every request has the same
/// length and every invocation its own id (the agent answers a reused id with 409).
struct RequestTemplate: Sendable {
    static let idPrefix = "wsb-"
    static let idDigits = 12

    /// The text before and after the id's digits.
    let prefix: [UInt8]
    let suffix: [UInt8]
    /// The action's input, which the agent's `completed` status carries back as `output`.
    let input: JSONValue
    let thingID: String

    /// The length of every request.
    var size: Int { prefix.count + Self.idDigits + suffix.count }

    /// Pads the input so that a request is `targetSize` bytes (at least the size of an empty input).
    init(thingID: String, targetSize: Int = 200) {
        let marker = String(repeating: "Z", count: Self.idDigits)
        func request(padding: Int) -> (text: String, input: JSONValue) {
            let input: JSONValue = ["text": .string(String(repeating: "x", count: padding)), "n": 42]
            let message = Message(
                thingID: thingID, messageID: "6f1c2a9e-4b7d-4e0a-9c3f-2d8e5a7b1c04",
                correlationID: Self.idPrefix + marker, body: .invokeAction(action: "echo", input: input))
            return (message.jsonString(), input)
        }
        let bare = request(padding: 0).text.utf8.count
        let (text, input) = request(padding: max(0, targetSize - bare))
        let bytes = Array(text.utf8)
        let markerBytes = Array(marker.utf8)
        guard let at = Self.find(markerBytes, in: bytes) else { preconditionFailure("no id marker in \(text)") }
        prefix = Array(bytes[..<at])
        suffix = Array(bytes[(at + markerBytes.count)...])
        self.input = input
        self.thingID = thingID
    }

    /// The request with correlation id number `id`, written at the end of `buffer`.
    func write(id: Int, into buffer: inout ByteBuffer) {
        buffer.writeBytes(prefix)
        let start = buffer.writerIndex
        buffer.writeRepeatingByte(UInt8(ascii: "0"), count: Self.idDigits)
        var value = id
        var position = Self.idDigits - 1
        while value > 0, position >= 0 {
            buffer.setInteger(UInt8(ascii: "0") + UInt8(value % 10), at: start + position)
            value /= 10
            position -= 1
        }
        buffer.writeBytes(suffix)
    }

    /// The correlation id text of request `id`.
    static func correlationID(_ id: Int) -> String {
        let digits = String(id)
        return idPrefix + String(repeating: "0", count: max(0, idDigits - digits.count)) + digits
    }

    /// Whether `reply` is request `id`, byte for byte (what the echo server must send back).
    func isEcho(_ reply: ByteBuffer, of id: Int) -> Bool {
        guard reply.readableBytes == size else { return false }
        return reply.withUnsafeReadableBytes { bytes in
            for index in prefix.indices where bytes[index] != prefix[index] { return false }
            var value = id
            for position in stride(from: prefix.count + Self.idDigits - 1, through: prefix.count, by: -1) {
                guard bytes[position] == UInt8(ascii: "0") + UInt8(value % 10) else { return false }
                value /= 10
            }
            let offset = prefix.count + Self.idDigits
            for index in suffix.indices where bytes[offset + index] != suffix[index] { return false }
            return value == 0
        }
    }

    private static let correlationKey = Array("\"correlationID\":\"\(idPrefix)".utf8)
    private static let completedMember = Array("\"status\":\"completed\"".utf8)

    /// The id a reply of the agent answers and whether it says `completed`, by a scan of its text for the
    /// `correlationID` and `status` members (the encoder writes compact JSON); `nil` when it names no id of ours.
    static func scanAgentReply(_ reply: ByteBuffer) -> (id: Int, completed: Bool)? {
        reply.withUnsafeReadableBytes { bytes -> (Int, Bool)? in
            guard let at = find(correlationKey, in: bytes) else { return nil }
            let digitsStart = at + correlationKey.count
            guard digitsStart + idDigits < bytes.count, bytes[digitsStart + idDigits] == UInt8(ascii: "\"") else {
                return nil
            }
            var id = 0
            for index in digitsStart..<(digitsStart + idDigits) {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                id = id * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return (id, find(completedMember, in: bytes) != nil)
        }
    }

    /// Checks a reply of the agent completely: an `actionStatus` `completed` for request `id` whose output is the
    /// input sent. `nil` when it is right, else what is wrong.
    func verifyAgentReply(_ reply: ByteBuffer, of id: Int) -> String? {
        let message: Message
        do {
            (message, _) = try Message.decode(reply.readableBytesView)
        } catch {
            return "reply to \(Self.correlationID(id)) is not an LMOS message: \(error.reason)"
        }
        guard message.correlationID == Self.correlationID(id) else {
            return "reply has correlationID \(message.correlationID ?? "none"), expected \(Self.correlationID(id))"
        }
        guard case .actionStatus(let report) = message.body else {
            return "reply to \(Self.correlationID(id)) is \(message.body.messageType), not actionStatus"
        }
        guard report.status == .completed, report.action == "echo" else {
            return "reply to \(Self.correlationID(id)) has status \(report.status.rawValue) of \(report.action)"
        }
        guard report.output == input else { return "reply to \(Self.correlationID(id)) has another output" }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: some RandomAccessCollection<UInt8>) -> Int? {
        let count = haystack.count
        guard !needle.isEmpty, count >= needle.count else { return nil }
        let first = needle[0]
        var index = haystack.startIndex
        let last = haystack.index(haystack.startIndex, offsetBy: count - needle.count)
        while index <= last {
            if haystack[index] == first {
                var matched = true
                var probe = haystack.index(after: index)
                for byte in needle.dropFirst() {
                    if haystack[probe] != byte {
                        matched = false
                        break
                    }
                    probe = haystack.index(after: probe)
                }
                if matched { return haystack.distance(from: haystack.startIndex, to: index) }
            }
            index = haystack.index(after: index)
        }
        return nil
    }
}
