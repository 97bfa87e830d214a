import Foundation
import StockEvents
import StockProjection
import StockWebhooks
import Synchronization
import Testing

/// A ``WebhookStore`` in memory, for the pure logic of the registry and the administration (the LMDB store is
/// exercised end to end by `IntegrationTests/AdminAPITests`).
final class MemoryWebhookStore: WebhookStore {
    let state = Mutex<(outbox: [OutboxRecord], values: [String: [UInt8]])>(([], [:]))

    func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] {
        state.withLock { state in Array(state.outbox.filter { key == nil || $0.key > key! }.prefix(limit)) }
    }
    func eventStateValue(_ key: String) throws -> [UInt8]? { state.withLock { $0.values[key] } }
    func writeEventState(_ values: [(key: String, value: [UInt8]?)]) throws {
        state.withLock { state in for (key, value) in values { state.values[key] = value } }
    }
    func eventStateValues(prefix: String, limit: Int) throws -> [(key: String, value: [UInt8])] {
        state.withLock { state in
            Array(state.values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.prefix(limit).map { ($0.key, $0.value) })
        }
    }

    func add(position: UInt64, index: UInt32 = 0, rule: String, commitTime: Int64) {
        let key = OutboxKey(position: position, index: index)
        let event =
            #"{"after":"2","before":"1","commit_lsn":"0/1","figure":"on_hand","id":"\#(key.description)","#
            + #""product":{"kit":false,"sku":"A","variant_id":1},"rule_id":"\#(rule)","scope":{"kind":"total"},"type":"changed"}"#
        #expect((try? StockEvent.decode(Array(event.utf8)))?.ruleID == rule)
        state.withLock { $0.outbox.append(OutboxRecord(key: key, commitTime: commitTime, payload: Array(event.utf8))) }
    }
}

@Suite struct SubscriptionAdministrationTests {
    static let secret = "whsec_c3RvY2tkLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk="
    static let file = WebhookSubscription(id: "shop", url: "http://127.0.0.1:1/a", secret: secret, rules: ["sold-out"])

    @Test(arguments: WebhookSubscription.Mode.allCases)
    func pauseAndResumeReturnToTheOwnMode(own: WebhookSubscription.Mode) {
        let paused = ModeControl.pause(own: own, current: own) ?? own
        #expect(paused == .paused)
        let resumed = ModeControl.resume(own: own, current: paused) ?? own
        #expect(resumed == (own == .paused ? .live : own))
    }

    @Test func fileSubscriptionsArePausableButNotEditableAndChangesSurviveARestart() throws {
        let store = MemoryWebhookStore()
        let registry = try SubscriptionRegistry(file: [Self.file], store: store)
        let api = WebhookSubscription(id: "erp", url: "https://erp.example/hooks", secret: Self.secret, mode: .shadow)
        _ = try registry.create(api)
        #expect(throws: SubscriptionRegistry.Refusal.exists("shop")) { try registry.create(Self.file) }
        #expect(throws: SubscriptionRegistry.Refusal.fileSubscription("shop")) { try registry.replace("shop", with: Self.file) }
        #expect(throws: SubscriptionRegistry.Refusal.fileSubscription("shop")) { try registry.delete("shop") }
        #expect(throws: SubscriptionRegistry.Refusal.notFound("nope")) { try registry.pause("nope") }
        #expect(try registry.pause("shop") == (before: .live, after: .paused))
        #expect(try registry.pause("erp") == (before: .shadow, after: .paused))
        try store.writeEventState([(WebhookStateKey.disabled("erp"), Array("gone".utf8))])
        #expect(try registry.resume("erp") == (before: .paused, after: .shadow))
        #expect(try store.eventStateValue(WebhookStateKey.disabled("erp")) == nil, "resume enables a subscription disabled by a 410")

        let restarted = try SubscriptionRegistry(file: [Self.file], store: store)
        #expect(restarted.all.map(\.id) == ["shop", "erp"])
        #expect(restarted.subscription("shop")?.subscription.mode == .paused)
        #expect(restarted.subscription("erp")?.subscription == api)
        #expect(restarted.subscription("erp")?.source == .api)
        _ = try restarted.delete("erp")
        #expect(try SubscriptionRegistry(file: [Self.file], store: store).all.map(\.id) == ["shop"])
    }

    /// Found by the conformance run: a mode that is not a string was taken as `live`.
    @Test func aMalformedModeIsRefused() throws {
        let fields: [String: Any] = ["id": "erp", "url": "https://erp.example/hooks", "secret": Self.secret, "mode": [String: Any]()]
        #expect(throws: WebhookSettings.Problem.self) { try WebhookSettings.subscription(from: fields, environment: [:]) }
        #expect(try WebhookSettings.subscription(from: ["id": "erp", "url": "https://erp.example/hooks", "secret": Self.secret]).mode == .live)
    }

    @Test func eventIDsAndCursors() {
        let key = OutboxKey(position: 0x1B83D98, index: 3)
        #expect(OutboxKey(eventID: key.description) == key)
        #expect(OutboxKey(position: 5, index: 0).predecessor == OutboxKey(position: 4, index: .max))
        #expect(key.predecessor == OutboxKey(position: 0x1B83D98, index: 2))
        #expect(OutboxKey(position: 0, index: 0).predecessor == nil)
        for bad in ["evt_1_0", "evt_000000001b83d98_x", "evt_000000001b83d98_01", "xyz_000000001b83d98_0", "evt_000000001b83d98"] {
            #expect(OutboxKey(eventID: bad) == nil, "\(bad)")
        }
    }

    @Test func replayAsksForTheCursorBeforeTheStartAndRefusesWhatRetentionDropped() throws {
        let store = MemoryWebhookStore()
        store.add(position: 0x10, rule: "sold-out", commitTime: 1_000_000_000)
        store.add(position: 0x20, rule: "sold-out", commitTime: 2_000_000_000)
        store.add(position: 0x20, index: 1, rule: "sold-out", commitTime: 2_000_000_000)
        let registry = try SubscriptionRegistry(file: [Self.file], store: store)
        let admin = WebhookAdministration(registry: registry, store: store, retentionMaxAgeSeconds: 600)
        let now = Date(timeIntervalSince1970: 2_100)
        let second = OutboxKey(position: 0x20, index: 0).description
        #expect(try admin.replay("shop", from: .event(second), now: now) == second)
        #expect(try store.eventStateValue(WebhookStateKey.replay("shop")) == OutboxKey(position: 0x1F, index: .max).bytes)
        #expect(try admin.replay("shop", from: .time(1_500), now: now) == second)
        #expect(throws: WebhookAdministration.Refusal.gone("event evt_0000000000000001_0")) {
            try admin.replay("shop", from: .event("evt_0000000000000001_0"), now: now)
        }
        #expect(throws: WebhookAdministration.Refusal.noEvent("evt_0000000000000015_0")) {
            try admin.replay("shop", from: .event("evt_0000000000000015_0"), now: now)
        }
        #expect(throws: WebhookAdministration.Refusal.gone("time 100.0")) { try admin.replay("shop", from: .time(100), now: now) }
        #expect(throws: WebhookAdministration.Refusal.notFound("nope")) { try admin.replay("nope", from: .time(2_000), now: now) }
        // The queue: events after the cursor that the subscription takes, and the oldest one's age.
        try store.writeEventState([(WebhookStateKey.cursor("shop"), OutboxKey(position: 0x10, index: 0).bytes)])
        let status = try admin.status("shop", now: now)
        #expect(status.queueDepth == 2 && !status.queueDepthCapped)
        #expect(status.oldestUndeliveredAgeSeconds == 100)
    }

    /// Dead letters are kept under their event ids, whose index within a transaction is decimal (`_10` sorts
    /// before `_2`); the redelivery queue, which the subscription's task sends in key order, must still be in
    /// outbox order, or a receiver gets the redelivered events of a large transaction out of order.
    @Test func redeliveryQueuesDeadLettersInOutboxOrder() throws {
        let store = MemoryWebhookStore()
        let registry = try SubscriptionRegistry(file: [Self.file], store: store)
        let admin = WebhookAdministration(registry: registry, store: store, retentionMaxAgeSeconds: nil)
        let inOrder = [
            "evt_00000000000000A9_0", "evt_00000000000000AA_2", "evt_00000000000000AA_9", "evt_00000000000000AA_10", "evt_00000000000000AB_0",
        ]
        for id in inOrder.reversed() {
            let letter = DeadLetter(eventID: id, reason: "500", attempts: 3, time: 1, event: "{}")
            try store.writeEventState([(WebhookStateKey.deadLetters("shop") + id, Array(try JSONEncoder().encode(letter)))])
        }
        #expect(try admin.redeliver("shop", eventID: nil) == inOrder)
        let queued = try store.eventStateValues(prefix: WebhookStateKey.redeliveries("shop"), limit: .max).map {
            try JSONDecoder().decode(DeadLetter.self, from: Data($0.value)).eventID
        }
        #expect(queued == inOrder, "the redelivery queue is read in key order: it must be outbox order")
    }

    /// The admin API lists dead letters by event, in outbox order: an id's index within its transaction is
    /// decimal, so the store's key order puts `_10` before `_2`; the listing and its pages (`after`) must not.
    @Test func deadLettersAreListedAndPagedInOutboxOrder() throws {
        let store = MemoryWebhookStore()
        let registry = try SubscriptionRegistry(file: [Self.file], store: store)
        let admin = WebhookAdministration(registry: registry, store: store, retentionMaxAgeSeconds: nil)
        let inOrder = ["evt_00000000000000A9_3"] + (0...11).map { "evt_00000000000000AA_\($0)" } + ["evt_00000000000000AB_0"]
        for id in inOrder.shuffled() {
            let letter = DeadLetter(eventID: id, reason: "500", attempts: 3, time: 1, event: "{}")
            try store.writeEventState([(WebhookStateKey.deadLetters("shop") + id, Array(try JSONEncoder().encode(letter)))])
        }
        #expect(try admin.deadLetters("shop", limit: 100).map(\.eventID) == inOrder)
        #expect(try admin.deadLetters("shop", limit: 3).map(\.eventID) == Array(inOrder[0..<3]))
        #expect(try admin.deadLetters("shop", limit: 3, after: "evt_00000000000000AA_9").map(\.eventID) == Array(inOrder[11..<14]))
        // Page through two at a time: every letter once, in order.
        var paged: [String] = []
        while let page = Optional(try admin.deadLetters("shop", limit: 2, after: paged.last)), !page.isEmpty {
            paged += page.map(\.eventID)
        }
        #expect(paged == inOrder)
    }

    @Test func redeliveryMovesDeadLettersToTheRedeliveryQueue() throws {
        let store = MemoryWebhookStore()
        let registry = try SubscriptionRegistry(file: [Self.file], store: store)
        let admin = WebhookAdministration(registry: registry, store: store, retentionMaxAgeSeconds: nil)
        for id in ["evt_a", "evt_b"] {
            let letter = DeadLetter(eventID: id, reason: "500", attempts: 3, time: 1, event: "{}")
            try store.writeEventState([(WebhookStateKey.deadLetters("shop") + id, Array(try JSONEncoder().encode(letter)))])
        }
        #expect(throws: WebhookAdministration.Refusal.noDeadLetter("evt_c")) { try admin.redeliver("shop", eventID: "evt_c") }
        #expect(try admin.redeliver("shop", eventID: "evt_b") == ["evt_b"])
        #expect(try admin.deadLetters("shop", limit: 10).map(\.eventID) == ["evt_a"])
        #expect(try admin.redeliver("shop", eventID: nil) == ["evt_a"])
        #expect(try admin.deadLetters("shop", limit: 10).isEmpty)
        #expect(
            try store.eventStateValues(prefix: WebhookStateKey.redeliveries("shop"), limit: .max).map(\.key) == [
                "wh/redeliver/shop/evt_a", "wh/redeliver/shop/evt_b",
            ])
    }
}
