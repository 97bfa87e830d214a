import Foundation
import StockEvents
import StockProjection
import StockWebhooks
import Testing

/// The batching of a subscription's messages (``WebhookBatch``): how outbox records group into messages, the
/// bodies and the `webhook-id`s, and the `batch_size` setting.
@Suite struct WebhookBatchTests {
    /// Records at positions 1...n; `rules[i]` is record i's rule, `nil` for an unreadable payload.
    static func records(_ rules: [String?]) -> [OutboxRecord] {
        rules.enumerated().map { offset, rule in
            let key = OutboxKey(position: UInt64(offset + 1), index: 0)
            let payload = rule.map { #"{"id":"\#(key.description)","rule_id":"\#($0)"}"# } ?? "not json"
            return OutboxRecord(key: key, commitTime: 0, payload: Array(payload.utf8))
        }
    }

    /// Receives rule `a` only.
    static func event(_ record: OutboxRecord) -> WebhookBatch.Event? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(record.payload)) as? [String: String], object["rule_id"] == "a" else {
            return nil
        }
        return WebhookBatch.Event(id: object["id"]!, payload: record.payload)
    }

    static func key(_ position: UInt64) -> OutboxKey { OutboxKey(position: position, index: 0) }

    static func sent(_ steps: [WebhookBatch.Step]) -> [[String]] {
        steps.compactMap { step in
            if case .send(let batch, _) = step { return batch.events.map(\.id) }
            return nil
        }
    }

    @Test func batchSizeOneSendsEachEventAloneAndSkipsTheOthers() {
        let records = Self.records(["a", "b", "a", nil, "a", "b", "b"])
        let steps = WebhookBatch.plan(records, batchSize: 1, event: Self.event)
        #expect(
            steps == [
                .send(WebhookBatch(events: [Self.event(records[0])!], isArray: false), through: Self.key(1)),
                .send(WebhookBatch(events: [Self.event(records[2])!], isArray: false), through: Self.key(3)),
                .send(WebhookBatch(events: [Self.event(records[4])!], isArray: false), through: Self.key(5)),
                .skip(through: Self.key(7)),
            ])
    }

    @Test func batchesAreFullExceptTheLastAndCoverSkippedRecordsInOrder() {
        // 10 records, 7 of rule a: batches of 3, 3 and 1 (what waits is sent, not held back).
        let rules: [String?] = ["a", "b", "a", "a", "a", nil, "a", "a", "b", "a"]
        let records = Self.records(rules)
        let steps = WebhookBatch.plan(records, batchSize: 3, event: Self.event)
        #expect(Self.sent(steps) == [[1, 3, 4], [5, 7, 8], [10]].map { $0.map { Self.key($0).description } })
        let throughs = steps.map { step -> OutboxKey in
            switch step {
            case .send(_, let through), .skip(let through): through
            }
        }
        #expect(throughs == [Self.key(4), Self.key(8), Self.key(10)])
        #expect(steps.allSatisfy { if case .send(let batch, _) = $0 { batch.isArray } else { false } })
        // Every record of rule a is in exactly one message, in outbox order.
        #expect(Self.sent(steps).flatMap { $0 } == records.filter { Self.event($0) != nil }.map(\.key.description))
    }

    @Test func aRunWithNothingToSendIsOneSkipAndNoRecordsNoStep() {
        #expect(WebhookBatch.plan(Self.records(["b", nil, "b"]), batchSize: 100, event: Self.event) == [.skip(through: Self.key(3))])
        #expect(WebhookBatch.plan([], batchSize: 100, event: Self.event).isEmpty)
        // Trailing records of other rules are covered by the last message.
        let steps = WebhookBatch.plan(Self.records(["a", "b", "b"]), batchSize: 100, event: Self.event)
        #expect(steps.count == 1)
        if case .send(let batch, let through) = steps.first { #expect(batch.events.count == 1 && through == Self.key(3)) }
    }

    @Test func bodiesAndIDs() throws {
        let one = WebhookBatch.Event(id: "evt_0000000001A2B3C4_0", payload: Array(#"{"id":"evt_0000000001A2B3C4_0"}"#.utf8))
        let two = WebhookBatch.Event(id: "evt_0000000001A2B3D0_2", payload: Array(#"{"id":"evt_0000000001A2B3D0_2"}"#.utf8))
        // Single events: the object itself, the event id.
        let single = WebhookBatch(events: [one], isArray: false)
        #expect(single.id == one.id)
        #expect(single.body == one.payload)
        // Batches: a JSON array of the events, in order; an id from the first and last event ids.
        let batch = WebhookBatch(events: [one, two], isArray: true)
        #expect(batch.id == "batch_0000000001A2B3C4_0_0000000001A2B3D0_2")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(batch.body)) as? [[String: String]])
        #expect(array.map { $0["id"] } == [one.id, two.id])
        // A batch subscription's lone event is still an array, with an id of its own.
        let lone = WebhookBatch(events: [one], isArray: true)
        #expect(String(decoding: lone.body, as: UTF8.self) == "[" + String(decoding: one.payload, as: UTF8.self) + "]")
        #expect(lone.id == "batch_0000000001A2B3C4_0_0000000001A2B3C4_0")
        // The id does not change between attempts: it depends on the events only.
        #expect(WebhookBatch(events: [one, two], isArray: true).id == batch.id)
    }

    @Test func batchSizeSetting() throws {
        let base: [String: Any] = ["id": "shop", "url": "http://127.0.0.1:1/a", "secret": SubscriptionAdministrationTests.secret]
        #expect(try WebhookSettings.subscription(from: base).batchSize == 1)
        var fields = base
        fields["batch_size"] = 100
        #expect(try WebhookSettings.subscription(from: fields).batchSize == 100)
        fields["batch_size"] = 1000
        #expect(try WebhookSettings.subscription(from: fields).batchSize == 1000)
        for refused: Any in [0, 1001, 2.5, true, "10", -1] {
            fields["batch_size"] = refused
            #expect(throws: WebhookSettings.Problem.self, "batch_size \(refused)") { try WebhookSettings.subscription(from: fields) }
        }
        // Through the file too, and kept by the registry across a restart.
        let secret = SubscriptionAdministrationTests.secret
        let file = #"{"subscriptions": [{"id": "b", "url": "http://127.0.0.1:1/b", "secret": "\#(secret)", "batch_size": 50}]}"#
        #expect(try WebhookSettings.parse(Data(file.utf8)).subscriptions.map(\.batchSize) == [50])
        let store = MemoryWebhookStore()
        let registry = try SubscriptionRegistry(file: [], store: store)
        _ = try registry.create(WebhookSubscription(id: "api", url: "http://127.0.0.1:1/c", secret: secret, batchSize: 7))
        #expect(try SubscriptionRegistry(file: [], store: store).subscription("api")?.subscription.batchSize == 7)
    }
}

/// The dispatcher's wake-up: a notification wakes a waiting task, and one sent while the task was busy is kept for
/// its next wait (never lost). The waits are an hour long: only a notification ends them within the time limit.
@Suite(.timeLimit(.minutes(1))) struct WebhookWakeUpTests {
    @Test func aNotificationWakesAWaiterAndOneSentBeforeTheWaitIsKept() async throws {
        let wakeUp = WebhookWakeUp()
        let registry = try SubscriptionRegistry(file: [], store: MemoryWebhookStore(), wakeUp: wakeUp)
        let flag = wakeUp.flag()
        defer { flag.close() }
        // Whether the task waits already or not when the notification comes, its wait ends.
        let waiter = Task { await flag.wait(timeout: .seconds(3600)) }
        wakeUp.notify()
        await waiter.value
        // Raised while nobody waits: the next wait returns at once.
        wakeUp.notify()
        await flag.wait(timeout: .seconds(3600))
        // The admin API's changes notify too.
        _ = try registry.create(WebhookSubscription(id: "api", url: "http://127.0.0.1:1/c", secret: SubscriptionAdministrationTests.secret))
        await flag.wait(timeout: .seconds(3600))
        // Without a notification, the wait ends at its time-out (the slow poll).
        await flag.wait(timeout: .milliseconds(5))
    }
}
