public import StockProjection

/// What the event stream reads of the store: the outbox of stock events (LMDB in production).
public protocol EventOutboxReader: Sendable {
    /// Outbox records after `key` (from the oldest kept when `nil`), in key order, at most `limit`.
    func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord]
    /// The oldest and newest keys the outbox holds (`nil` when it is empty).
    func outboxBounds() throws -> (oldest: OutboxKey?, newest: OutboxKey?)
}

extension EventOutboxReader {
    /// Whether the outbox holds the record with this key.
    func contains(_ key: OutboxKey) throws -> Bool {
        let before: OutboxKey? =
            key.index > 0
            ? OutboxKey(position: key.position, index: key.index - 1)
            : (key.position > 0 ? OutboxKey(position: key.position - 1, index: .max) : nil)
        return try outboxRecords(after: before, limit: 1).first?.key == key
    }
}
