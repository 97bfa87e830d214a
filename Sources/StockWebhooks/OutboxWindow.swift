import Foundation
package import StockProjection

/// The newest outbox records, read from the store and decoded once for every subscription that follows live.
///
/// Without it each subscription read the outbox itself and decoded every record to learn its rule, so ten
/// subscriptions read and decoded each event ten times. The window holds a contiguous run of records, every
/// record of the outbox after a base key up to its last, each with its rule id decoded; a subscription whose cursor
/// falls inside it is served from memory, and only the records after the window's end are read from the store:
/// once per commit of the writer (``WebhookWakeUp/generation``), whichever subscription asks first. A
/// subscription whose cursor is before the window (far behind, a replay, a fresh cursor) reads the store itself,
/// as before, and leaves the window alone.
///
/// Records that retention drops while the window holds them may still be served: they were real events, and
/// delivery is at least once.
package actor OutboxWindow {
    /// An outbox record with what a subscription needs to route it.
    package struct Entry: Sendable {
        /// The record as the outbox holds it.
        package var record: OutboxRecord
        /// The event's id and rule, or `nil` when the payload is not a readable event.
        package var event: (id: String, ruleID: String)?
    }

    private let store: any WebhookStore
    private let wakeUp: WebhookWakeUp
    private let capacity: Int
    private let maxAge: Duration
    private let clock = ContinuousClock()
    /// Every outbox record after `base`, up to the last entry, in key order (`base` is `nil` until a subscription with a cursor first asks).
    private var base: OutboxKey?
    private var entries: [Entry] = []
    /// The wake-up generation observed before the last read that reached the outbox's end, and when.
    private var completeAt: (generation: UInt64, instant: ContinuousClock.Instant)?
    /// Reads of the store (for tests and the architecture notes: one per commit, not one per subscription).
    package private(set) var storeReads = 0

    /// Creates an empty window.
    ///
    /// - Parameters:
    ///   - store: The outbox.
    ///   - wakeUp: Notified by the writer after each commit that adds events; its generation says when the
    ///     window's end may be stale.
    ///   - capacity: The most records kept (the oldest go first).
    ///   - maxAge: How long the window's end is trusted without a notification (the dispatcher's poll interval:
    ///     a write that notifies nobody is still seen).
    package init(store: any WebhookStore, wakeUp: WebhookWakeUp, capacity: Int = 8_192, maxAge: Duration = .seconds(1)) {
        self.store = store
        self.wakeUp = wakeUp
        self.capacity = max(1, capacity)
        self.maxAge = maxAge
    }

    /// The outbox records after `cursor`, in key order, at most `limit`, each with its event decoded.
    ///
    /// - Parameters:
    ///   - cursor: The subscription's cursor (`nil`: from the oldest record kept, read from the store).
    ///   - limit: The most records to return.
    /// - Returns: The records.
    /// - Throws: The store's errors.
    package func records(after cursor: OutboxKey?, limit: Int) throws -> [Entry] {
        guard let cursor else { return try direct(after: nil, limit: limit) }
        let start = base ?? cursor
        base = start
        if cursor < start { return try direct(after: cursor, limit: limit) }
        if let last = end, cursor > last {
            // Ahead of the window (a direct read went past it): catch up, or start the window there.
            try extend(by: max(limit, 256))
            if let last = end, cursor > last {
                base = cursor
                entries.removeAll(keepingCapacity: true)
                completeAt = nil
            }
        }
        var served = slice(after: cursor, limit: limit)
        if served.count < limit && !isComplete {
            try extend(by: max(limit, 256))
            served = slice(after: cursor, limit: limit)
        }
        // The capacity dropped records this cursor still needs: read them.
        if let start = base, cursor < start { return try direct(after: cursor, limit: limit) }
        return served
    }

    private func direct(after cursor: OutboxKey?, limit: Int) throws -> [Entry] {
        try Self.decode(store.outboxRecords(after: cursor, limit: limit))
    }

    private var end: OutboxKey? { entries.last?.record.key ?? base }

    private var isComplete: Bool {
        guard let completeAt else { return false }
        return completeAt.generation == wakeUp.generation && clock.now - completeAt.instant < maxAge
    }

    private func slice(after cursor: OutboxKey, limit: Int) -> [Entry] {
        // The first entry after the cursor, by binary search.
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].record.key <= cursor { low = middle + 1 } else { high = middle }
        }
        return Array(entries[low..<min(entries.count, low + limit)])
    }

    /// Reads the records after the window's end and appends them, dropping the oldest beyond the capacity.
    private func extend(by count: Int) throws {
        // Observed before the read: a commit that notifies after it changes the generation, so it is read next time.
        let generation = wakeUp.generation
        let instant = clock.now
        let records = try store.outboxRecords(after: end, limit: count)
        storeReads += 1
        entries.append(contentsOf: Self.decode(records))
        completeAt = records.count < count ? (generation, instant) : nil
        let excess = entries.count - capacity
        if excess > 0 {
            base = entries[excess - 1].record.key
            entries.removeFirst(excess)
        }
    }

    private static func decode(_ records: [OutboxRecord]) -> [Entry] {
        records.map { record in Entry(record: record, event: header(record.payload)) }
    }

    /// The event's id and rule id: read straight from the bytes when they are as `StockEvent.encoded()` writes
    /// them (a top-level string field, no escape), else with a JSON decoder (and `nil` when that fails too).
    ///
    /// The byte search is safe because a quote inside a JSON string is always escaped: the text `"rule_id":"` can
    /// only be the key of a field, and the events have no nested field of that name (nor `id`).
    package static func header(_ payload: [UInt8]) -> (id: String, ruleID: String)? {
        if let id = stringField(idKey, in: payload), let rule = stringField(ruleKey, in: payload) { return (id, rule) }
        return (try? JSONDecoder().decode(EventHeader.self, from: Data(payload))).map { ($0.id, $0.ruleID) }
    }

    private static let idKey = Array(#""id":""#.utf8)
    private static let ruleKey = Array(#""rule_id":""#.utf8)

    /// The value of the string field whose `"key":"` opens at the first match, or `nil` (absent, or escaped).
    private static func stringField(_ opening: [UInt8], in payload: [UInt8]) -> String? {
        guard payload.count > opening.count else { return nil }
        var start = 0
        let last = payload.count - opening.count
        search: while start <= last {
            for offset in 0..<opening.count where payload[start + offset] != opening[offset] {
                start += 1
                continue search
            }
            let valueStart = start + opening.count
            var end = valueStart
            while end < payload.count {
                switch payload[end] {
                case UInt8(ascii: "\""): return String(decoding: payload[valueStart..<end], as: UTF8.self)
                case UInt8(ascii: "\\"): return nil
                default: end += 1
                }
            }
            return nil
        }
        return nil
    }

    /// The two fields of an event that routing needs.
    private struct EventHeader: Decodable {
        var id: String
        var ruleID: String

        enum CodingKeys: String, CodingKey {
            case id
            case ruleID = "rule_id"
        }
    }
}
