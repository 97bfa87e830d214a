public import Foundation
import StockEvents
public import StockProjection

/// What the admin API does with the webhooks: each subscription's state, its dead letters, redelivery and replay.
///
/// It works on the store the dispatcher works on and talks to it only through the state keys
/// (``WebhookStateKey``): a redelivery moves dead letters to ``WebhookStateKey/redeliveries(_:)``, a replay writes
/// ``WebhookStateKey/replay(_:)``; the subscription's task takes them up before its next event.
public struct WebhookAdministration: Sendable {
    /// The subscriptions.
    public let registry: SubscriptionRegistry
    /// The outbox and the dispatcher's state.
    public let store: any WebhookStore
    /// The outbox's age limit in seconds (`nil`: none), for refusing replays from before it.
    public let retentionMaxAgeSeconds: Int?
    /// How many outbox events a queue depth counts at most.
    public let queueScanLimit: Int

    /// Creates the administration.
    public init(registry: SubscriptionRegistry, store: any WebhookStore, retentionMaxAgeSeconds: Int?, queueScanLimit: Int = 10_000) {
        self.registry = registry
        self.store = store
        self.retentionMaxAgeSeconds = retentionMaxAgeSeconds
        self.queueScanLimit = queueScanLimit
    }

    /// Why an operation is refused.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// No subscription has this id.
        case notFound(String)
        /// The subscription has no dead letter with this event id.
        case noDeadLetter(String)
        /// The outbox no longer holds the event or time asked for (retention dropped it).
        case gone(String)
        /// The outbox has no event with this id.
        case noEvent(String)
        /// The event id is not `evt_<16 hex digits>_<index>`.
        case malformedEventID(String)

        public var description: String {
            switch self {
            case .notFound(let id): "no subscription has the id \(id)"
            case .noDeadLetter(let id): "the subscription has no dead letter for event \(id)"
            case .gone(let what): "\(what) is older than the outbox keeps (retention): it cannot be replayed"
            case .noEvent(let id): "the outbox has no event \(id)"
            case .malformedEventID(let id): "'\(id)' is not an event id (evt_<16 hex digits>_<index>)"
            }
        }
    }

    /// A subscription's state, as the admin API lists it.
    public struct Status: Encodable, Sendable {
        /// The id.
        public var id: String
        /// `file` or `api`.
        public var source: String
        /// The receiver's URL.
        public var url: String
        /// The rules it receives (empty: all).
        public var rules: [String]
        /// The mode in force (`live`, `shadow`, `paused`).
        public var mode: String
        /// The most events per request (1: one event per request, its object as the body).
        public var batchSize: Int
        /// Its own mode (the file's or the API's), before any pause or resume.
        public var ownMode: String
        /// Why it was disabled (a `410`), when it was.
        public var disabled: String?
        /// The last event handled (delivered, dead-lettered or skipped), when any.
        public var cursor: String?
        /// Events after the cursor that it receives, counted up to the scan limit.
        public var queueDepth: Int
        /// Whether the count stopped at the scan limit.
        public var queueDepthCapped: Bool
        /// The age of the oldest event waiting, in seconds, by commit time.
        public var oldestUndeliveredAgeSeconds: Double?
        /// The last delivery (audit entry), when the audit log holds one.
        public var lastSuccess: DeliveryAudit?
        /// The last failed attempt (audit entry), when the audit log holds one.
        public var lastError: DeliveryAudit?
        /// Dead letters held.
        public var deadLetters: Int
        /// Dead letters queued for redelivery.
        public var redeliveriesQueued: Int

        enum CodingKeys: String, CodingKey {
            case id, source, url, rules, mode, disabled, cursor
            case ownMode = "own_mode"
            case batchSize = "batch_size"
            case queueDepth = "queue_depth"
            case queueDepthCapped = "queue_depth_capped"
            case oldestUndeliveredAgeSeconds = "oldest_undelivered_age_seconds"
            case lastSuccess = "last_success"
            case lastError = "last_error"
            case deadLetters = "dead_letters"
            case redeliveriesQueued = "redeliveries_queued"
        }
    }

    /// Every subscription's state.
    public func statuses(now: Date = Date()) throws -> [Status] {
        try registry.all.map { try status($0.id, now: now) }
    }

    /// One subscription's state.
    ///
    /// - Throws: ``Refusal/notFound(_:)``, or the store's error.
    public func status(_ id: String, now: Date = Date()) throws -> Status {
        guard let entry = registry.subscription(id) else { throw Refusal.notFound(id) }
        let subscription = entry.subscription
        let cursor = try store.eventStateValue(WebhookStateKey.cursor(id)).flatMap { OutboxKey(bytes: $0) }
        var depth = 0
        var capped = false
        var oldest: Int64?
        var after = cursor
        scan: while true {
            let records = try store.outboxRecords(after: after, limit: 1024)
            for record in records {
                after = record.key
                guard let event = try? StockEvent.decode(record.payload), subscription.accepts(rule: event.ruleID) else { continue }
                if oldest == nil { oldest = record.commitTime }
                depth += 1
                if depth >= queueScanLimit {
                    capped = true
                    break scan
                }
            }
            if records.count < 1024 { break }
        }
        var lastSuccess: DeliveryAudit?
        var lastError: DeliveryAudit?
        for (_, value) in try store.eventStateValues(prefix: WebhookStateKey.audit(id), limit: .max) {
            guard let audit = try? JSONDecoder().decode(DeliveryAudit.self, from: Data(value)) else { continue }
            switch audit.outcome {
            case "delivered": lastSuccess = audit
            case "shadow": break
            default: lastError = audit
            }
        }
        return Status(
            id: id, source: entry.source.rawValue, url: subscription.url, rules: subscription.rules, mode: subscription.mode.rawValue,
            batchSize: subscription.batchSize, ownMode: entry.ownMode.rawValue,
            disabled: try store.eventStateValue(WebhookStateKey.disabled(id)).map { String(decoding: $0, as: UTF8.self) },
            cursor: cursor?.description, queueDepth: depth, queueDepthCapped: capped,
            oldestUndeliveredAgeSeconds: oldest.map { max(0, now.timeIntervalSince1970 - Double($0) / 1_000_000) },
            lastSuccess: lastSuccess, lastError: lastError,
            deadLetters: try store.eventStateValues(prefix: WebhookStateKey.deadLetters(id), limit: .max).count,
            redeliveriesQueued: try store.eventStateValues(prefix: WebhookStateKey.redeliveries(id), limit: .max).count)
    }

    /// A subscription's dead letters, in outbox order (the order of their events).
    ///
    /// The store keeps them by event id, whose index within a transaction is decimal, so its key order puts `_10`
    /// before `_2`: they are sorted by event (``precedes(_:_:)``) before the page is cut.
    ///
    /// - Parameters:
    ///   - id: The subscription.
    ///   - limit: The most to return.
    ///   - after: Return those after this event id, in outbox order (pagination).
    /// - Complexity: O(*n* log *n*) in the subscription's dead letters.
    public func deadLetters(_ id: String, limit: Int, after: String? = nil) throws -> [DeadLetter] {
        guard registry.subscription(id) != nil else { throw Refusal.notFound(id) }
        let prefix = WebhookStateKey.deadLetters(id)
        return try store.eventStateValues(prefix: prefix, limit: .max)
            .map { (eventID: String($0.key.dropFirst(prefix.count)), value: $0.value) }
            .sorted { Self.precedes($0.eventID, $1.eventID) }
            .lazy
            .filter { after == nil || Self.precedes(after!, $0.eventID) }
            .prefix(limit)
            .compactMap { try? JSONDecoder().decode(DeadLetter.self, from: Data($0.value)) }
    }

    /// Queues dead letters for redelivery: one (by event id) or all. The subscription's task sends them before
    /// its next event; one that fails again becomes a dead letter again.
    ///
    /// - Returns: The event ids queued.
    public func redeliver(_ id: String, eventID: String?) throws -> [String] {
        guard registry.subscription(id) != nil else { throw Refusal.notFound(id) }
        let prefix = WebhookStateKey.deadLetters(id)
        var letters = try store.eventStateValues(prefix: prefix, limit: .max)
        if let eventID {
            letters = letters.filter { $0.key == prefix + eventID }
            guard !letters.isEmpty else { throw Refusal.noDeadLetter(eventID) }
        }
        // Dead letters are kept by event id, and an id's index in its transaction is decimal (`_10` sorts before
        // `_2`): put them in outbox order, and key the queue so that its key order (the order the subscription's
        // task sends them in) is outbox order too.
        letters.sort { Self.precedes(String($0.key.dropFirst(prefix.count)), String($1.key.dropFirst(prefix.count))) }
        var writes: [(key: String, value: [UInt8]?)] = []
        for (key, value) in letters {
            let event = String(key.dropFirst(prefix.count))
            writes.append((key, nil))
            writes.append((WebhookStateKey.redeliveries(id) + WebhookStateKey.redeliveryOrder(event), value))
        }
        if !writes.isEmpty {
            try store.writeEventState(writes)
            registry.controlChanged()
        }
        return letters.map { String($0.key.dropFirst(prefix.count)) }
    }

    /// Whether one event id comes before another in the outbox (ids that are not event ids: by their text, after).
    static func precedes(_ first: String, _ second: String) -> Bool {
        switch (OutboxKey(eventID: first), OutboxKey(eventID: second)) {
        case (let a?, let b?): a < b
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): first < second
        }
    }

    /// Where a replay starts.
    public enum ReplayStart: Equatable, Sendable {
        /// From this event (included).
        case event(String)
        /// From the first event committed at or after this time (seconds since 1970).
        case time(Double)
    }

    /// Replays a subscription: its cursor goes back so that it sends again, in order, every event it receives from
    /// the start given (events still in the outbox only).
    ///
    /// - Returns: The first event to be sent again, or `nil` when the outbox holds none from there.
    /// - Throws: ``Refusal/gone(_:)`` when retention dropped the start, ``Refusal/noEvent(_:)``, ``Refusal/malformedEventID(_:)``.
    public func replay(_ id: String, from start: ReplayStart, now: Date = Date()) throws -> String? {
        guard registry.subscription(id) != nil else { throw Refusal.notFound(id) }
        let oldest = try store.outboxRecords(after: nil, limit: 1).first
        let first: OutboxRecord?
        switch start {
        case .event(let eventID):
            guard let key = OutboxKey(eventID: eventID) else { throw Refusal.malformedEventID(eventID) }
            guard let oldest, key >= oldest.key else { throw Refusal.gone("event \(eventID)") }
            let found = try store.outboxRecords(after: key.predecessor, limit: 1).first
            guard let found, found.key == key else { throw Refusal.noEvent(eventID) }
            first = found
        case .time(let seconds):
            if let maxAge = retentionMaxAgeSeconds, seconds < now.timeIntervalSince1970 - Double(maxAge) {
                throw Refusal.gone("time \(seconds)")
            }
            let micros = Int64(seconds * 1_000_000)
            var after: OutboxKey?
            var match: OutboxRecord?
            search: while true {
                let records = try store.outboxRecords(after: after, limit: 1024)
                for record in records where record.commitTime >= micros {
                    match = record
                    break search
                }
                guard let last = records.last, records.count == 1024 else { break }
                after = last.key
            }
            first = match
        }
        // No event from there: the cursor goes to the newest event, so nothing is sent again.
        let cursor: [UInt8]
        if let first {
            cursor = first.key.predecessor.map(\.bytes) ?? []
        } else {
            cursor = try newestKey()?.bytes ?? []
        }
        try store.writeEventState([(WebhookStateKey.replay(id), cursor)])
        registry.controlChanged()
        return first.flatMap { try? StockEvent.decode($0.payload).id } ?? first?.key.description
    }

    private func newestKey() throws -> OutboxKey? {
        var after: OutboxKey?
        while true {
            let records = try store.outboxRecords(after: after, limit: 4096)
            guard let last = records.last else { return after }
            after = last.key
            if records.count < 4096 { return after }
        }
    }
}

extension OutboxKey {
    /// Reads an event id, `evt_<commit LSN as 16 hex digits>_<index>`.
    public init?(eventID: String) {
        let parts = eventID.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "evt", parts[1].count == 16, let position = UInt64(parts[1], radix: 16),
            let index = UInt32(parts[2]), String(index) == parts[2]
        else { return nil }
        self.init(position: position, index: index)
    }

    /// The key just before this one (a cursor there makes this key the next one read); `nil` for the first possible.
    public var predecessor: OutboxKey? {
        if index > 0 { return OutboxKey(position: position, index: index - 1) }
        if position > 0 { return OutboxKey(position: position - 1, index: .max) }
        return nil
    }
}
