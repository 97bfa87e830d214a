import Foundation
import HTTPTypes
import HummingbirdTesting
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// Retention overtaking a resumed stream: the outbox drops its oldest events (as the store writer's retention
/// does under heavy volume) between two pages of a catch-up. A client must never miss events silently: when
/// events it has not been sent were dropped, the stream ends with `event: dropped` (`reason` `expired`), counted in
/// `stockd_event_stream_dropped_total{reason="expired"}`; when retention only dropped events it was sent, it
/// goes on.
@Suite struct EventStreamRetentionTests {
    /// An in-memory outbox whose retention drops its `count` oldest records once, just before the first read of
    /// the records after `trigger` (the request's own check of the id reads the outbox too, after another key).
    final class RetainingOutbox: EventOutboxReader {
        private struct State {
            var records: [OutboxRecord]
            var dropped = false
        }
        private let state: Mutex<State>
        let trigger: OutboxKey
        let count: Int

        init(_ records: [OutboxRecord], dropping count: Int, beforeReadingAfter trigger: OutboxKey) {
            state = Mutex(State(records: records))
            self.trigger = trigger
            self.count = count
        }

        func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] {
            state.withLock { state in
                if key == trigger && !state.dropped {
                    state.records.removeFirst(min(count, state.records.count))
                    state.dropped = true
                }
                return Array(state.records.filter { record in key.map { record.key > $0 } ?? true }.prefix(limit))
            }
        }

        func outboxBounds() throws -> (oldest: OutboxKey?, newest: OutboxKey?) { state.withLock { ($0.records.first?.key, $0.records.last?.key) } }
    }

    static func id(_ position: UInt64) -> String { OutboxKey(position: position, index: 0).description }

    /// Resumes after event 10 of 10...19, read in pages of 2, while retention drops the `count` oldest events
    /// just before the page after `trigger` is read; returns the stream's text and the metrics. Streams end after
    /// half a second (`maxDuration`) if nothing else ends them.
    static func resume(dropping count: Int, beforeReadingAfter trigger: UInt64) async throws -> Resumed {
        let outbox = RetainingOutbox(
            (10...19).map { EventStreamTests.record(UInt64($0)) }, dropping: count, beforeReadingAfter: OutboxKey(position: trigger, index: 0))
        let metrics = RecordingMetricsFactory()
        let hub = EventStreamHub(
            outbox: outbox, settings: .init(keepAliveInterval: .seconds(60), catchUpPageSize: 2, maxDuration: .milliseconds(500)),
            metricsFactory: metrics)
        var configuration = StockHTTPConfiguration()
        configuration.eventStream = hub
        let text = try await withAPI(projection: HTTPFixtures.projection(), configuration: configuration) { client in
            let response = try await client.execute(uri: "/v1/events", method: .get, headers: [.lastEventID: Self.id(10)])
            #expect(response.status == .ok)
            return response.text
        }
        return Resumed(text: text, metrics: metrics, hub: hub)
    }

    /// What ``resume(dropping:beforeReadingAfter:)`` returns.
    struct Resumed {
        var text: String
        var metrics: RecordingMetricsFactory
        var hub: EventStreamHub
    }

    /// The data of the stream's `event: dropped`, if there is one.
    static func dropped(_ text: String) throws -> [String: Any]? {
        guard let data = text.range(of: "event: dropped\ndata: ").map({ text[$0.upperBound...].prefix { $0 != "\n" } }) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
    }

    static func ids(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
    }

    @Test func eventsDroppedBeforeTheyWereSentEndTheStreamWithExpired() async throws {
        // Sent 11 and 12 from the first page; then retention drops 10...15: 13, 14 and 15 are gone unsent.
        let resumed = try await Self.resume(dropping: 6, beforeReadingAfter: 12)
        let (text, metrics, hub) = (resumed.text, resumed.metrics, resumed.hub)
        #expect(Self.ids(text) == [Self.id(11), Self.id(12)], "nothing after the gap is sent: \(text)")
        let object = try #require(try Self.dropped(text), "\(text)")
        #expect(object["reason"] as? String == "expired")
        #expect(object["last_event_id"] as? String == Self.id(12))
        #expect(object["oldest_event_id"] as? String == Self.id(16))
        #expect((object["detail"] as? String)?.contains("read the figures again") == true)
        #expect(!text.contains("stream ended by the server"), "ended by the gap, not by the maximum duration")
        #expect(metrics.counts(label: EventStreamMetrics.droppedLabel)["expired"] == 1)
        #expect(metrics.counts(label: EventStreamMetrics.droppedLabel)["buffer_full"] ?? 0 == 0)
        #expect(hub.clientCount == 0)
    }

    @Test func eventsDroppedBetweenTheRequestsCheckAndTheFirstPageEndTheStreamWithExpired() async throws {
        // The request found 10 kept; before the first page, retention drops 10 and 11.
        let resumed = try await Self.resume(dropping: 2, beforeReadingAfter: 10)
        let (text, metrics) = (resumed.text, resumed.metrics)
        #expect(Self.ids(text).isEmpty, "\(text)")
        let object = try #require(try Self.dropped(text), "\(text)")
        #expect(object["reason"] as? String == "expired")
        #expect(object["last_event_id"] as? String == Self.id(10))
        #expect(object["oldest_event_id"] as? String == Self.id(12))
        #expect(metrics.counts(label: EventStreamMetrics.droppedLabel)["expired"] == 1)
    }

    @Test func retentionOfEventsAlreadySentDoesNotEndTheStream() async throws {
        // After 11 and 12 were sent, retention drops 10 and 11, both behind the client (it stands on 12).
        let resumed = try await Self.resume(dropping: 2, beforeReadingAfter: 12)
        let (text, metrics) = (resumed.text, resumed.metrics)
        #expect(Self.ids(text) == (11...19).map { Self.id(UInt64($0)) })
        #expect(try Self.dropped(text) == nil)
        #expect(text.contains("stream ended by the server"), "live until the maximum duration")
        #expect(metrics.counts(label: EventStreamMetrics.droppedLabel)["expired"] ?? 0 == 0)
    }
}
