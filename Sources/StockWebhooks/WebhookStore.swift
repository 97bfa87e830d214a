public import StockProjection

/// What the webhook dispatcher needs of the store: the outbox to read, and a small key-value space for its own
/// durable state (cursors, dead letters, the audit log, disabled subscriptions). LMDB in production.
public protocol WebhookStore: Sendable {
    /// Outbox records after `key` (from the oldest kept when `nil`), in key order, at most `limit`.
    func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord]
    /// A state value.
    func eventStateValue(_ key: String) throws -> [UInt8]?
    /// Writes (or deletes, with `nil`) state values in one transaction.
    func writeEventState(_ values: [(key: String, value: [UInt8]?)]) throws
    /// The state values whose keys start with `prefix`, in key order, at most `limit`.
    func eventStateValues(prefix: String, limit: Int) throws -> [(key: String, value: [UInt8])]
}

/// The state keys the dispatcher writes, per subscription.
public enum WebhookStateKey {
    /// The key of the last event handled (delivered, dead-lettered or skipped): 12 bytes, ``OutboxKey/bytes``.
    public static func cursor(_ subscription: String) -> String { "wh/cursor/\(subscription)" }
    /// Why the subscription was disabled (a `410`), when it was.
    public static func disabled(_ subscription: String) -> String { "wh/disabled/\(subscription)" }
    /// The prefix of a subscription's dead letters; each key ends with the event id.
    public static func deadLetters(_ subscription: String) -> String { "wh/dead/\(subscription)/" }
    /// The prefix of a subscription's audit entries; each key ends with the time (ms, 13 digits) and a counter.
    public static func audit(_ subscription: String) -> String { "wh/audit/\(subscription)/" }
    /// A subscription created through the admin API (its JSON, secret included).
    public static func apiSubscription(_ subscription: String) -> String { "wh/sub/\(subscription)" }
    /// The prefix of the subscriptions created through the admin API.
    public static let apiSubscriptions = "wh/sub/"
    /// A mode set through the admin API (pause, resume) over the subscription's own.
    public static func modeOverride(_ subscription: String) -> String { "wh/mode/\(subscription)" }
    /// The prefix of the mode overrides.
    public static let modeOverrides = "wh/mode/"
    /// A replay asked for: the cursor to restart from (12 bytes, ``OutboxKey/bytes``; empty for the oldest event kept).
    public static func replay(_ subscription: String) -> String { "wh/replay/\(subscription)" }
    /// The prefix of a subscription's dead letters queued for redelivery; each key ends with
    /// ``redeliveryOrder(_:)`` of the event id, so that key order is outbox order.
    public static func redeliveries(_ subscription: String) -> String { "wh/redeliver/\(subscription)/" }

    /// The end of an event's key in the redelivery queue: its outbox key as 24 hex digits (an event id's decimal
    /// index would sort `_10` before `_2`); the id itself when it is not an event id.
    public static func redeliveryOrder(_ eventID: String) -> String {
        guard let key = OutboxKey(eventID: eventID) else { return eventID }
        let hex = String(key.position, radix: 16, uppercase: true)
        let index = String(key.index, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex + String(repeating: "0", count: 8 - index.count) + index
    }
}
