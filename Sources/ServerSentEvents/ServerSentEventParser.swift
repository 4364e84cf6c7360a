/// One Server-Sent Event as a client receives it.
public struct ServerSentEventMessage: Sendable, Hashable {
    /// `event:` (nil: the default type `message`).
    public var event: String?
    /// `id:`, the value to send back as `Last-Event-ID`.
    public var id: String?
    /// The `data:` lines joined with newlines.
    public var data: String

    public init(event: String?, id: String?, data: String) {
        self.event = event
        self.id = id
        self.data = data
    }
}

/// Parses a text/event-stream byte stream as the HTML standard's event-stream interpretation (9.2.6) does:
/// lines end with CRLF, LF or CR; `:` starts a comment; a blank line dispatches the event; events without data
/// are not dispatched.
public struct ServerSentEventParser {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var event: String?
    private var id: String?
    private var data: [String] = []
    private var hasData = false
    private var first = true

    public init() {}

    /// Feeds bytes; returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEventMessage] {
        var events: [ServerSentEventMessage] = []
        for byte in bytes {
            if lastWasCR {
                lastWasCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                lastWasCR = byte == UInt8(ascii: "\r")
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> ServerSentEventMessage? {
        defer { line.removeAll(keepingCapacity: true) }
        if first {
            first = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty {
            defer {
                event = nil
                data = []
                hasData = false
            }
            guard hasData else { return nil }
            return ServerSentEventMessage(event: event, id: id, data: data.joined(separator: "\n"))
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let field: String
        var value: String
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: line[..<colon], as: UTF8.self)
            var rest = line[(colon + 1)...]
            if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
            value = String(decoding: rest, as: UTF8.self)
        } else {
            field = String(decoding: line, as: UTF8.self)
            value = ""
        }
        switch field {
        case "event": event = value
        case "data":
            data.append(value)
            hasData = true
        case "id": if !value.contains("\u{0}") { id = value }
        default: value = ""
        }
        return nil
    }
}
