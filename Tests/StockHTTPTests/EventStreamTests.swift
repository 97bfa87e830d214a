import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// `GET /v1/events`: the pure parts (SSE framing, filters, the catch-up/live merge, the bounded buffer, resume
/// points) and the route's refusals. The stream end to end is `IntegrationTests/EventStreamTests`.
@Suite struct EventStreamTests {
    static func record(
        _ position: UInt64, _ index: UInt32 = 0, type: String = "out_of_stock", rule: String = "r", sku: String? = "A-1",
        warehouse: (Int, String)? = (1, "WH")
    ) -> OutboxRecord {
        let key = OutboxKey(position: position, index: index)
        let skuJSON = sku.map { "\"\($0)\"" } ?? "null"
        let scope = warehouse.map { "{\"kind\":\"warehouse\",\"warehouse_code\":\"\($0.1)\",\"warehouse_id\":\($0.0)}" } ?? "{\"kind\":\"total\"}"
        let json =
            "{\"id\":\"\(key)\",\"product\":{\"kit\":false,\"sku\":\(skuJSON),\"variant_id\":7},\"rule_id\":\"\(rule)\",\"scope\":\(scope),\"type\":\"\(type)\"}"
        return OutboxRecord(key: key, commitTime: 1, payload: Array(json.utf8))
    }

    static func event(_ position: UInt64, _ index: UInt32 = 0) -> StreamedEvent { StreamedEvent(record: record(position, index)) }

    // MARK: - Framing

    @Test func anEventIsIdTypeAndOneDataLinePerLine() {
        let bytes = ServerSentEvent.event(id: "evt_1_0", type: "out_of_stock", data: Array("{\"a\":1}".utf8))
        #expect(String(decoding: bytes, as: UTF8.self) == "id: evt_1_0\nevent: out_of_stock\ndata: {\"a\":1}\n\n")
        let multi = ServerSentEvent.event(id: nil, type: "x\ny", data: Array("a\nb\r\nc\rd".utf8))
        #expect(String(decoding: multi, as: UTF8.self) == "event: x y\ndata: a\ndata: b\ndata: c\ndata: d\n\n")
        #expect(String(decoding: ServerSentEvent.comment("keep-alive"), as: UTF8.self) == ": keep-alive\n\n")
        #expect(String(decoding: ServerSentEvent.retry(milliseconds: 2000), as: UTF8.self) == "retry: 2000\n\n")
    }

    @Test func aStreamedEventReadsTheFilteredMembersAndFramesThePayloadUnchanged() {
        let record = Self.record(0x1B83D98, 2, type: "back_in_stock", rule: "restocked", sku: "LAMP", warehouse: (2, "WH2"))
        let event = StreamedEvent(record: record)
        #expect(event.id == "evt_0000000001b83d98_2")
        #expect(event.type == "back_in_stock" && event.ruleID == "restocked" && event.sku == "LAMP")
        #expect(event.warehouseID == 2 && event.warehouseCode == "WH2")
        let text = String(decoding: event.frame, as: UTF8.self)
        #expect(text == "id: evt_0000000001b83d98_2\nevent: back_in_stock\ndata: \(String(decoding: record.payload, as: UTF8.self))\n\n")
    }

    // MARK: - Filters

    static func filter(_ query: String, max: Int = 100) throws(APIProblem) -> EventStreamFilter {
        try EventStreamFilter(query: QueryParameters(query, allowed: EventStreamFilter.parameters), maxValues: max)
    }

    @Test func filtersAreAlternativesWithinAParameterAndAllMustHold() throws {
        let soldOutWH2 = try Self.filter("type=out_of_stock&type=back_in_stock&warehouse=WH2")
        #expect(soldOutWH2.matches(StreamedEvent(record: Self.record(1, warehouse: (2, "WH2")))))
        #expect(soldOutWH2.matches(StreamedEvent(record: Self.record(1, type: "back_in_stock", warehouse: (2, "WH2")))))
        #expect(!soldOutWH2.matches(StreamedEvent(record: Self.record(1, type: "changed", warehouse: (2, "WH2")))))
        #expect(!soldOutWH2.matches(StreamedEvent(record: Self.record(1, warehouse: (1, "WH")))))
        #expect(!soldOutWH2.matches(StreamedEvent(record: Self.record(1, warehouse: nil))), "a total event has no warehouse")
        let byID = try Self.filter("warehouse=2&sku=A-1&rule=r")
        #expect(byID.matches(StreamedEvent(record: Self.record(1, warehouse: (2, "WH2")))))
        #expect(!byID.matches(StreamedEvent(record: Self.record(1, sku: "B", warehouse: (2, "WH2")))))
        #expect(!byID.matches(StreamedEvent(record: Self.record(1, sku: nil, warehouse: (2, "WH2")))))
        #expect(!byID.matches(StreamedEvent(record: Self.record(1, rule: "other", warehouse: (2, "WH2")))))
        #expect(try Self.filter("").matches(StreamedEvent(record: Self.record(1, warehouse: nil))))
        let code = try Self.filter("warehouse=1A&warehouse=W%20H")
        #expect(code.warehouseCodes == ["1A", "W H"] && code.warehouseIDs.isEmpty)
    }

    @Test(arguments: [
        "type=sold_out", "type=", "warehouse=0", "warehouse=01", "warehouse=99999999999", "sku=", "rule=",
        "rule=\(String(repeating: "é", count: 257))",
    ])
    func badFilterValuesAreRefused(query: String) {
        #expect(throws: APIProblem.self) { try Self.filter(query) }
    }

    @Test func tooManyFilterValuesAre422() {
        do {
            _ = try Self.filter("sku=a&sku=b&sku=c", max: 2)
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .tooManyIdentifiers)
        }
    }

    // MARK: - Catch-up and live merge

    @Test func catchUpThenLiveHasNoGapAndNoDuplicate() {
        // Resumed after (10,0); the outbox holds 10..14; 13 and 14 were committed after the subscription, so they are
        // queued live as well; then 15 comes live.
        var cursor = EventStreamCursor(resumeAfter: OutboxKey(position: 10, index: 0), filter: EventStreamFilter())
        let page = (10...14).map { Self.event(UInt64($0)) }
        #expect(cursor.outboxRead(page).map(\.key.position) == [11, 12, 13, 14])
        #expect(cursor.liveReceived([Self.event(13), Self.event(14), Self.event(15)]).map(\.key.position) == [15])
        #expect(cursor.liveReceived([Self.event(15)]).isEmpty)
        #expect(cursor.lastDelivered == OutboxKey(position: 15, index: 0))
    }

    @Test func catchUpSkipsFilteredEventsButMovesPastThem() throws {
        var cursor = EventStreamCursor(resumeAfter: OutboxKey(position: 1, index: 0), filter: try Self.filter("type=back_in_stock"))
        let page = [StreamedEvent(record: Self.record(2)), StreamedEvent(record: Self.record(3, type: "back_in_stock"))]
        #expect(cursor.outboxRead(page).map(\.key.position) == [3])
        #expect(cursor.outboxRead([StreamedEvent(record: Self.record(4))]).isEmpty)
        #expect(cursor.position == OutboxKey(position: 4, index: 0))
        #expect(cursor.lastDelivered == OutboxKey(position: 3, index: 0), "resume from what was sent")
    }

    @Test func aLiveStartDeliversEverythingQueued() {
        var cursor = EventStreamCursor(resumeAfter: nil, filter: EventStreamFilter())
        #expect(cursor.liveReceived([Self.event(5, 0), Self.event(5, 1)]).count == 2)
        #expect(cursor.lastDelivered == OutboxKey(position: 5, index: 1))
    }

    // MARK: - The bounded buffer

    @Test func aLiveClientWhoseBufferOverflowsIsDroppedAndItsBufferReleased() {
        var queue = EventStreamQueue(capacity: 2, catchingUp: false)
        #expect(queue.offer(Self.event(1)) == .queued)
        #expect(queue.offer(Self.event(2)) == .queued)
        #expect(queue.offer(Self.event(3)) == .dropped)
        #expect(queue.pending.isEmpty)
        #expect(queue.offer(Self.event(4)) == .ignored)
        guard case .dropped = queue.take() else {
            Issue.record("not dropped")
            return
        }
    }

    @Test func aClientThatReadsKeepsUpWithinItsBuffer() {
        var queue = EventStreamQueue(capacity: 2, catchingUp: false)
        for position in 1...10 as ClosedRange<UInt64> {
            #expect(queue.offer(Self.event(position)) == .queued)
            #expect(queue.take() == .events([Self.event(position)]))
        }
        #expect(queue.take() == .wait)
        queue.keepAlive()
        #expect(queue.take() == .keepAlive)
        queue.finish()
        #expect(queue.take() == .finished)
    }

    @Test func anOverflowWhileCatchingUpDiscardsAndMakesTheCatchUpReadAgain() {
        var queue = EventStreamQueue(capacity: 2, catchingUp: true)
        let before = queue.overflowsWhileCatchingUp
        _ = queue.offer(Self.event(1))
        _ = queue.offer(Self.event(2))
        #expect(queue.offer(Self.event(3)) == .discardedWhileCatchingUp)
        #expect(queue.pending.isEmpty)
        let wentLive = queue.goLive(ifNoOverflowSince: before)
        #expect(!wentLive, "events were discarded: read the outbox again")
        let now = queue.overflowsWhileCatchingUp
        #expect(queue.offer(Self.event(4)) == .queued)
        let live = queue.goLive(ifNoOverflowSince: now)
        #expect(live)
        #expect(queue.phase == .live)
        #expect(queue.take() == .events([Self.event(4)]))
    }

    // MARK: - Resume points

    @Test func resumePoints() {
        let oldest = OutboxKey(position: 10, index: 0)
        let newest = OutboxKey(position: 20, index: 3)
        #expect(
            EventResumePoint(key: OutboxKey(position: 12, index: 0), found: true, oldest: oldest, newest: newest)
                == .resumable(OutboxKey(position: 12, index: 0)))
        #expect(EventResumePoint(key: OutboxKey(position: 9, index: 0), found: false, oldest: oldest, newest: newest) == .expired(oldest: oldest))
        #expect(EventResumePoint(key: OutboxKey(position: 12, index: 7), found: false, oldest: oldest, newest: newest) == .unknown)
        // Ahead of this instance (from another instance further on): resumes.
        #expect(
            EventResumePoint(key: OutboxKey(position: 21, index: 0), found: false, oldest: oldest, newest: newest)
                == .resumable(OutboxKey(position: 21, index: 0)))
        #expect(EventResumePoint(key: oldest, found: false, oldest: nil, newest: nil) == .expired(oldest: nil))
    }

    // MARK: - The hub

    /// An outbox in memory: the hub's catch-up reads it (the LMDB outbox is exercised by the integration test).
    final class MemoryOutbox: EventOutboxReader {
        let records = Mutex<[OutboxRecord]>([])
        func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] {
            records.withLock { Array($0.filter { record in key.map { record.key > $0 } ?? true }.prefix(limit)) }
        }
        func outboxBounds() throws -> (oldest: OutboxKey?, newest: OutboxKey?) { records.withLock { ($0.first?.key, $0.last?.key) } }
    }

    @Test func theHubQueuesMatchingEventsDropsAnOverflowingClientAndRefusesBeyondTheLimit() async throws {
        let metrics = RecordingMetricsFactory()
        let hub = EventStreamHub(
            outbox: MemoryOutbox(), settings: .init(bufferCapacity: 3, maxClients: 2, keepAliveInterval: .seconds(60)), metricsFactory: metrics)
        let all = try hub.subscribe(filter: EventStreamFilter(), catchingUp: false)
        let backInStock = try hub.subscribe(filter: try Self.filter("type=back_in_stock"), catchingUp: false)
        #expect(throws: EventStreamHub.Refusal.full) { try hub.subscribe(filter: EventStreamFilter(), catchingUp: false) }
        #expect(metrics.counts(label: EventStreamMetrics.rejectedLabel)[""] == 1)
        #expect(metrics.lastValue(label: EventStreamMetrics.clientsLabel) == 2)
        hub.publish([Self.record(1), Self.record(2, type: "back_in_stock")])
        #expect(await hub.next(all) == .events([Self.event(1), StreamedEvent(record: Self.record(2, type: "back_in_stock"))]))
        #expect(await hub.next(backInStock) == .events([StreamedEvent(record: Self.record(2, type: "back_in_stock"))]))
        // `all` stops reading: the fourth event overflows its buffer of three.
        hub.publish((3...6).map { Self.record(UInt64($0)) })
        guard case .dropped = await hub.next(all) else {
            Issue.record("the overflowing client was not dropped")
            return
        }
        #expect(metrics.counts(label: EventStreamMetrics.droppedLabel)["buffer_full"] == 1)
        #expect(metrics.lastValue(label: EventStreamMetrics.bufferedLabel) == 0, "the dropped client's buffer is released")
        hub.unsubscribe(all)
        #expect(hub.clientCount == 1)
        // A waiting client is woken by a publish, and ended by shutdown.
        async let woken = hub.next(backInStock)
        try await Task.sleep(for: .milliseconds(20))
        hub.publish([Self.record(7, type: "back_in_stock")])
        #expect(await woken == .events([StreamedEvent(record: Self.record(7, type: "back_in_stock"))]))
        async let ended = hub.next(backInStock)
        try await Task.sleep(for: .milliseconds(20))
        hub.shutdown()
        #expect(await ended == .finished)
        #expect(throws: EventStreamHub.Refusal.shuttingDown) { try hub.subscribe(filter: EventStreamFilter(), catchingUp: false) }
    }

    @Test func aStreamEndedByItsMaximumDurationFinishes() async throws {
        let hub = EventStreamHub(outbox: MemoryOutbox(), settings: .init(bufferCapacity: 4))
        let id = try hub.subscribe(filter: EventStreamFilter(), catchingUp: false)
        hub.publish([Self.record(1)])
        hub.end(id)
        #expect(await hub.next(id) == .finished, "what was queued is released, not written")
        hub.unsubscribe(id)
        #expect(hub.clientCount == 0)
    }

    // MARK: - The route

    @Test func theRouteRefusesBadParametersAndIdsWithProblems() async throws {
        let outbox = MemoryOutbox()
        outbox.records.withLock { $0 = [Self.record(10), Self.record(12), Self.record(14)] }
        let hub = EventStreamHub(outbox: outbox, settings: .init(maxClients: 1))
        var configuration = StockHTTPConfiguration()
        configuration.eventStream = hub
        try await withAPI(projection: HTTPFixtures.projection(), configuration: configuration) { client in
            try await client.execute(uri: "/v1/events?type=nope", method: .get).problem(.badRequest, slug: "malformed-parameter")
            try await client.execute(uri: "/v1/events?skus=A", method: .get).problem(.badRequest, slug: "unknown-parameter")
            try await client.execute(uri: "/v1/events?since=yesterday", method: .get).problem(.badRequest, slug: "malformed-parameter")
            try await client.execute(uri: "/v1/events?last_event_id=evt_x", method: .get).problem(.badRequest, slug: "malformed-parameter")
            try await client.execute(uri: "/v1/events", method: .get, headers: [.lastEventID: "evt_000000000000000b_0"]).problem(
                .badRequest, slug: "unknown-event")
            let gone = try await client.execute(uri: "/v1/events?last_event_id=evt_0000000000000009_0", method: .get).problem(
                .gone, slug: "event-expired")
            #expect(gone["oldest_event_id"]?.string == "evt_000000000000000a_0")
            // HEAD answers the stream's head without opening a stream (its body would never run to close one).
            let head = try await client.execute(uri: "/v1/events?last_event_id=evt_000000000000000c_0", method: .head)
            #expect(head.status == .ok && head.headers[.contentType] == "text/event-stream")
            #expect(hub.clientCount == 0)
            #expect(try await client.execute(uri: "/v1/events?type=nope", method: .head).status == .badRequest)
            // At the limit (one stream here), a new stream is refused before its head.
            let held = try hub.subscribe(filter: EventStreamFilter(), catchingUp: false)
            try await client.execute(uri: "/v1/events", method: .get).problem(.serviceUnavailable, slug: "too-many-streams")
            hub.unsubscribe(held)
        }
        #expect(configuration.eventStream?.clientCount == 0, "refused requests release their subscription")
    }
}
