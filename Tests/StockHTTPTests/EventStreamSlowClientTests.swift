import Foundation
import StockProjection
import Testing

@testable import StockHTTP

/// A slow client on a real socket: the server (built as `stockd serve` builds it) drops it when its buffer
/// overflows, and once the client reads again it gets every event written before the drop, then a final
/// `event: dropped` naming the last of them, so it can resume from there.
@Suite(.serialized) struct EventStreamSlowClientTests {
    /// An event whose JSON carries a 64 KiB padding member, so a few of them fill the sockets' buffers.
    static func bigRecord(_ position: UInt64) -> OutboxRecord {
        let key = OutboxKey(position: position, index: 0)
        let pad = String(repeating: "x", count: 64 * 1024)
        let json = "{\"id\":\"\(key)\",\"pad\":\"\(pad)\",\"rule_id\":\"r\",\"type\":\"changed\"}"
        return OutboxRecord(key: key, commitTime: 1, payload: Array(json.utf8))
    }

    @Test func aClientThatFallsBehindIsDroppedWithTheLastIdItGot() async throws {
        let metrics = RecordingMetricsFactory()
        let hub = EventStreamHub(
            outbox: EventStreamTests.MemoryOutbox(), settings: .init(bufferCapacity: 4, keepAliveInterval: .seconds(60)), metricsFactory: metrics)
        var configuration = StockHTTPConfiguration()
        configuration.eventStream = hub
        let router = try ConnectionLimitTests.router(configuration: configuration)
        let connections = StockHTTPConfiguration.Connections(writeTimeout: .seconds(120))
        try await ConnectionLimitTests.withServer(router: router, connections: connections) { port in
            let client = try RawConnection(port: port, receiveBuffer: 4096)
            try client.send("GET /v1/events HTTP/1.1\r\nHost: stockd\r\n\r\n")
            let clock = ContinuousClock()
            let start = clock.now
            while hub.clientCount == 0 && clock.now - start < .seconds(30) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(hub.clientCount == 1)
            // The client does not read; events come one by one until its buffer overflows.
            var position: UInt64 = 1
            while (metrics.counts(label: EventStreamMetrics.droppedLabel)["buffer_full"] ?? 0) == 0 && position < 2_000
                && clock.now - start < .seconds(60)
            {
                hub.publish([Self.bigRecord(position)])
                position += 1
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(metrics.counts(label: EventStreamMetrics.droppedLabel)["buffer_full"] == 1, "dropped after \(position - 1) events")
            #expect(metrics.lastValue(label: EventStreamMetrics.bufferedLabel) == 0, "its buffer is released at the drop")
            // It reads again: what was written before the drop, then the final `dropped` event, then the end.
            // Chunk-size lines end with CRLF, which Swift's String treats as one Character: make every break a LF.
            let text = try await Self.readUntilEnd(client, within: .seconds(60)).replacingOccurrences(of: "\r\n", with: "\n")
            let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
            try #require(!ids.isEmpty)
            #expect(ids == (1...UInt64(ids.count)).map { OutboxKey(position: $0, index: 0).description }, "in order, none skipped")
            #expect(ids.count < Int(position - 1), "events after the drop are not written")
            let dropped = try #require(text.range(of: "event: dropped\ndata: ").map { text[$0.upperBound...].prefix { $0 != "\n" } })
            let object = try JSONSerialization.jsonObject(with: Data(dropped.utf8)) as? [String: Any]
            #expect(object?["reason"] as? String == "buffer_full")
            #expect(object?["last_event_id"] as? String == ids.last, "resume from the last event delivered")
            #expect(hub.clientCount == 0, "the stream is closed")
        }
    }

    /// Reads until the chunked response's last chunk; returns what arrived as text.
    static func readUntilEnd(_ client: RawConnection, within limit: Duration) async throws -> String {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < limit {
            _ = client.hasBeenClosed()
            let text = String(decoding: client.received, as: UTF8.self)
            if text.hasSuffix("\r\n0\r\n\r\n") { return text }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RawConnection.Failure(description: "the stream did not end within \(limit)")
    }
}
