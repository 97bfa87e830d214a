/// The text framing of Server-Sent Events (the WHATWG HTML "server-sent events" format), as `GET /v1/events`
/// writes it.
///
/// An event is `id:`, `event:` and one `data:` line per line of its data, then a blank line; a comment is a line
/// starting with `:` (clients ignore it; proxies see traffic). Field values never contain a line break: one in
/// `id` or `event` is replaced by a space, and data is split into several `data:` lines, which clients join
/// with `\n` again.
enum ServerSentEvent {
    /// One event's bytes.
    ///
    /// - Parameters:
    ///   - id: The `id:` field (what the client sends back as `Last-Event-ID`), or `nil` for none.
    ///   - type: The `event:` field (the listener's name in a browser's `EventSource`).
    ///   - data: The payload (UTF-8 text, here one JSON document).
    /// - Returns: The framed event, ending with the blank line that dispatches it.
    static func event(id: String?, type: String, data: some Collection<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 64)
        append(into: &bytes, id: id, type: type, data: data)
        return bytes
    }

    /// Appends one event's bytes to a buffer (see ``event(id:type:data:)``).
    static func append(into bytes: inout [UInt8], id: String?, type: String, data: some Collection<UInt8>) {
        if let id {
            bytes.append(contentsOf: "id: ".utf8)
            appendSingleLine(id, into: &bytes)
            bytes.append(newline)
        }
        bytes.append(contentsOf: "event: ".utf8)
        appendSingleLine(type, into: &bytes)
        bytes.append(newline)
        var lineStart = data.startIndex
        var index = data.startIndex
        func flush(_ end: some Collection<UInt8>) {
            bytes.append(contentsOf: "data: ".utf8)
            bytes.append(contentsOf: end)
            bytes.append(newline)
        }
        while index != data.endIndex {
            let byte = data[index]
            if byte == newline || byte == carriageReturn {
                flush(data[lineStart..<index])
                var next = data.index(after: index)
                // CRLF is one line break.
                if byte == carriageReturn, next != data.endIndex, data[next] == newline { next = data.index(after: next) }
                lineStart = next
                index = next
            } else {
                index = data.index(after: index)
            }
        }
        flush(data[lineStart..<data.endIndex])
        bytes.append(newline)
    }

    /// A comment line (`: text`), ignored by clients; sent as a keep-alive.
    static func comment(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: ":"), UInt8(ascii: " ")]
        appendSingleLine(text, into: &bytes)
        bytes.append(newline)
        bytes.append(newline)
        return bytes
    }

    /// The `retry:` field alone: how long a browser waits before it reconnects, in milliseconds.
    static func retry(milliseconds: Int) -> [UInt8] {
        Array("retry: \(max(0, milliseconds))\n\n".utf8)
    }

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private static func appendSingleLine(_ text: String, into bytes: inout [UInt8]) {
        for byte in text.utf8 { bytes.append(byte == newline || byte == carriageReturn ? UInt8(ascii: " ") : byte) }
    }
}
