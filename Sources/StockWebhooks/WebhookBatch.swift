public import StockProjection

/// One Standard Webhooks message of a subscription: one event, or up to its ``WebhookSubscription/batchSize``
/// events at once.
///
/// A subscription of batch size 1 sends each event alone: the body is the event's JSON object and the
/// `webhook-id` is the event id. A larger batch size sends a JSON array of the events, in outbox order (even when
/// only one is waiting, so a receiver always parses one shape), signed as one message whose `webhook-id` is
/// derived from the first and last event ids (``messageID(first:last:)``): the same for every attempt of the
/// batch, and the per-event ids stay in the array as each event's idempotency key.
public struct WebhookBatch: Hashable, Sendable {
    /// One event of the batch.
    public struct Event: Hashable, Sendable {
        /// The event id.
        public var id: String
        /// The event's JSON, as the outbox holds it.
        public var payload: [UInt8]

        /// Creates an event.
        public init(id: String, payload: [UInt8]) {
            self.id = id
            self.payload = payload
        }
    }

    /// The events, in outbox order (at least one).
    public var events: [Event]
    /// Whether the body is a JSON array (batch size above 1) rather than the single event's object.
    public var isArray: Bool

    /// Creates a message of these events.
    ///
    /// - Parameters:
    ///   - events: At least one event, in outbox order.
    ///   - isArray: Whether the subscription asks for batches (batch size above 1).
    public init(events: [Event], isArray: Bool) {
        precondition(!events.isEmpty, "a webhook message carries at least one event")
        precondition(isArray || events.count == 1, "a message of several events is an array")
        self.events = events
        self.isArray = isArray
    }

    /// The `webhook-id`: the event id alone, or ``messageID(first:last:)`` for an array.
    public var id: String { isArray ? Self.messageID(first: events[0].id, last: events[events.count - 1].id) : events[0].id }

    /// The request body: the event's JSON object, or `[` the events `]`.
    public var body: [UInt8] {
        guard isArray else { return events[0].payload }
        var body: [UInt8] = []
        body.reserveCapacity(events.reduce(2) { $0 + $1.payload.count + 1 })
        body.append(UInt8(ascii: "["))
        for (offset, event) in events.enumerated() {
            if offset > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: event.payload)
        }
        body.append(UInt8(ascii: "]"))
        return body
    }

    /// The `webhook-id` of a batch from its first to its last event: `batch_<first>_<last>`, each without its `evt_`
    /// prefix (e.g. `batch_0000000001A2B3C4_0_0000000001A2B3D0_2`).
    public static func messageID(first: String, last: String) -> String {
        func bare(_ id: String) -> Substring { id.hasPrefix("evt_") ? id.dropFirst(4) : Substring(id) }
        return "batch_\(bare(first))_\(bare(last))"
    }

    /// What a subscription does with a run of outbox records, in order.
    public enum Step: Hashable, Sendable {
        /// Send these events as one message; the cursor may then move to `through` (the last record the step
        /// covers, skipped ones included).
        case send(WebhookBatch, through: OutboxKey)
        /// Nothing to send: every record up to `through` is for other rules (or unreadable).
        case skip(through: OutboxKey)
    }

    /// Groups outbox records into the messages a subscription sends.
    ///
    /// Records the subscription does not receive (`event` returns `nil`) are covered by the step of the next event
    /// it receives, or by a final ``Step/skip(through:)``; every step but the last sends exactly `batchSize` events,
    /// and the last may send fewer (what is waiting is sent now, not held back for a fuller batch).
    ///
    /// - Parameters:
    ///   - records: Outbox records in key order.
    ///   - batchSize: The subscription's batch size (1 for single events).
    ///   - event: The event of a record that the subscription receives, or `nil`.
    /// - Returns: The steps, in order; together they cover every record.
    public static func plan(_ records: [OutboxRecord], batchSize: Int, event: (OutboxRecord) -> Event?) -> [Step] {
        plan(records, key: \.key, batchSize: batchSize, event: event)
    }

    /// Groups records that carry an outbox key into the messages a subscription sends, as
    /// ``plan(_:batchSize:event:)`` does for plain outbox records.
    ///
    /// - Parameters:
    ///   - records: Records in outbox key order.
    ///   - key: A record's outbox key.
    ///   - batchSize: The subscription's batch size (1 for single events).
    ///   - event: The event of a record that the subscription receives, or `nil`.
    /// - Returns: The steps, in order; together they cover every record.
    public static func plan<Record>(
        _ records: [Record], key: (Record) -> OutboxKey, batchSize: Int, event: (Record) -> Event?
    ) -> [Step] {
        let size = max(1, batchSize)
        var steps: [Step] = []
        var events: [Event] = []
        var covered: OutboxKey?
        for record in records {
            let recordKey = key(record)
            guard let next = event(record) else {
                covered = recordKey
                continue
            }
            events.append(next)
            covered = recordKey
            if events.count == size {
                steps.append(.send(WebhookBatch(events: events, isArray: size > 1), through: recordKey))
                events.removeAll(keepingCapacity: true)
                covered = nil
            }
        }
        if !events.isEmpty, let covered {
            steps.append(.send(WebhookBatch(events: events, isArray: size > 1), through: covered))
        } else if let covered {
            steps.append(.skip(through: covered))
        }
        return steps
    }
}
