import Foundation
import StockEvents
import StockProjection
import StockWebhooks
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A store that counts its outbox reads and can hold its first write until released.
final class CountingWebhookStore: WebhookStore {
    let inner = MemoryWebhookStore()
    let reads = Atomic<Int>(0)
    let holdFirstWrite: Bool
    let firstWriteEntered = Atomic<Bool>(false)
    let released = Atomic<Bool>(false)
    let writes = Atomic<Int>(0)

    init(holdFirstWrite: Bool = false) { self.holdFirstWrite = holdFirstWrite }

    func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] {
        reads.add(1, ordering: .relaxed)
        return try inner.outboxRecords(after: key, limit: limit)
    }
    func eventStateValue(_ key: String) throws -> [UInt8]? { try inner.eventStateValue(key) }
    func writeEventState(_ values: [(key: String, value: [UInt8]?)]) throws {
        if writes.add(1, ordering: .relaxed).newValue == 1 && holdFirstWrite {
            firstWriteEntered.store(true, ordering: .releasing)
            while !released.load(ordering: .acquiring) { usleep(1_000) }
        }
        try inner.writeEventState(values)
    }
    func eventStateValues(prefix: String, limit: Int) throws -> [(key: String, value: [UInt8])] {
        try inner.eventStateValues(prefix: prefix, limit: limit)
    }
}

@Suite struct OutboxWindowTests {
    static func key(_ position: UInt64) -> OutboxKey { OutboxKey(position: position, index: 0) }

    /// Ten subscriptions at the same cursor after one commit: one read of the store for all of them, each record
    /// decoded once; the next commit (a notification) costs one more read.
    @Test func subscriptionsFollowingLiveShareOneReadPerCommit() async throws {
        let store = CountingWebhookStore()
        let wakeUp = WebhookWakeUp()
        let window = OutboxWindow(store: store, wakeUp: wakeUp, maxAge: .seconds(600))
        for position in 1...5 { store.inner.add(position: UInt64(position), rule: position % 2 == 0 ? "even" : "odd", commitTime: 0) }
        wakeUp.notify()
        for _ in 0..<10 {
            let records = try await window.records(after: Self.key(2), limit: 100)
            #expect(records.map(\.record.key) == [Self.key(3), Self.key(4), Self.key(5)])
            #expect(records.map { $0.event?.ruleID } == ["odd", "even", "odd"])
            #expect(records.map { $0.event?.id } == [Self.key(3), Self.key(4), Self.key(5)].map(\.description))
        }
        #expect(await window.storeReads == 1)
        #expect(store.reads.load(ordering: .relaxed) == 1)
        // A commit that does not notify is not seen while the window is trusted; one that does is, with one read.
        store.inner.add(position: 6, rule: "even", commitTime: 0)
        #expect(try await window.records(after: Self.key(5), limit: 100).isEmpty)
        wakeUp.notify()
        for _ in 0..<10 { #expect(try await window.records(after: Self.key(5), limit: 100).map(\.record.key) == [Self.key(6)]) }
        #expect(store.reads.load(ordering: .relaxed) == 2)
    }

    /// A window past its maximum age reads the store again even without a notification (the poll fallback).
    @Test func aStaleWindowReadsAgainWithoutNotification() async throws {
        let store = CountingWebhookStore()
        let window = OutboxWindow(store: store, wakeUp: WebhookWakeUp(), maxAge: .zero)
        store.inner.add(position: 1, rule: "a", commitTime: 0)
        #expect(try await window.records(after: Self.key(0), limit: 10).map(\.record.key) == [Self.key(1)])
        store.inner.add(position: 2, rule: "a", commitTime: 0)
        #expect(try await window.records(after: Self.key(1), limit: 10).map(\.record.key) == [Self.key(2)])
    }

    /// Cursors before the window read the store themselves; limits and the capacity keep every answer exactly the
    /// store's.
    @Test func everyCursorGetsWhatTheStoreHolds() async throws {
        let store = CountingWebhookStore()
        let wakeUp = WebhookWakeUp()
        let window = OutboxWindow(store: store, wakeUp: wakeUp, capacity: 4, maxAge: .seconds(600))
        for position in 1...20 { store.inner.add(position: UInt64(position), index: 0, rule: "r", commitTime: 0) }
        store.inner.add(position: 20, index: 1, rule: "r", commitTime: 0)
        wakeUp.notify()
        for cursor in [nil, Self.key(0), Self.key(15), Self.key(3), Self.key(19), Self.key(12), Self.key(20), OutboxKey(position: 20, index: 1)] {
            for limit in [1, 3, 50] {
                let expected = try store.inner.outboxRecords(after: cursor, limit: limit).map(\.key)
                #expect(
                    try await window.records(after: cursor, limit: limit).map(\.record.key) == expected,
                    "after \(String(describing: cursor)), \(limit)")
            }
        }
    }

    /// The id and rule read from an event's bytes agree with a JSON decoder's, and what the byte search cannot
    /// read (an escape, another layout) goes to the decoder.
    @Test(arguments: [
        (
            #"{"after":"0","before":"1","id":"evt_00000000000000AA_10","product":{"sku":"X","variant_id":1},"rule_id":"sold-out","type":"out_of_stock"}"#,
            "evt_00000000000000AA_10", "sold-out"
        ),
        (#"{"rule_id" : "spaced", "id" : "evt_1"}"#, "evt_1", "spaced"),
        (#"{"id":"evt_2","rule_id":"quote\"d","product":{"sku":"rule_id"}}"#, "evt_2", "quote\"d"),
        (#"{"product":{"sku":"\"rule_id\":\"fake"},"id":"evt_3","rule_id":"real"}"#, "evt_3", "real"),
    ])
    func eventHeaderFromBytes(payload: String, id: String, rule: String) throws {
        let header = try #require(OutboxWindow.header(Array(payload.utf8)))
        #expect(header.id == id && header.ruleID == rule)
        let decoded = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
        #expect(decoded?["id"] as? String == header.id && decoded?["rule_id"] as? String == header.ruleID)
    }

    @Test func aPayloadThatIsNoEventHasNoHeader() {
        #expect(OutboxWindow.header(Array("not json".utf8)) == nil)
        #expect(OutboxWindow.header(Array(#"{"id":"evt_1"}"#.utf8)) == nil)
    }

    /// Writes handed in while a commit is under way go into the next commit together: ten subscriptions, two
    /// write transactions; every write lands.
    @Test func stateWritesArrivingTogetherShareOneCommit() async throws {
        let store = CountingWebhookStore(holdFirstWrite: true)
        let committer = WebhookStateCommitter(store: store)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await committer.write([("wh/cursor/s0", [0])]) }
            while !store.firstWriteEntered.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
            for number in 1..<10 { group.addTask { try await committer.write([("wh/cursor/s\(number)", [UInt8(number)])]) } }
            while committer.waiting < 9 { try await Task.sleep(for: .milliseconds(1)) }
            store.released.store(true, ordering: .releasing)
            try await group.waitForAll()
        }
        #expect(committer.commits == 2)
        for number in 0..<10 { #expect(try store.eventStateValue("wh/cursor/s\(number)") == [UInt8(number)]) }
    }
}
