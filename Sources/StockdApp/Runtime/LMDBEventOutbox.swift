import StockHTTP
import StockProjection
import StockStorage

/// The LMDB store's outbox as the event stream reads it.
///
/// Like ``LMDBWebhookStore`` it asks for the store in use on every call, since a resync swaps in a new store
/// (carrying the outbox over).
struct LMDBEventOutbox: EventOutboxReader {
    /// The store in use now.
    let current: @Sendable () -> LMDBProjectionStore?

    private func store() throws -> LMDBProjectionStore {
        guard let store = current() else { throw StoreError.storage("the feed's store is not an LMDB store; it has no outbox") }
        return store
    }

    func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] { try store().outboxRecords(after: key, limit: limit) }

    func outboxBounds() throws -> (oldest: OutboxKey?, newest: OutboxKey?) {
        let bounds = try store().outboxBounds()
        return (bounds.oldest, bounds.newest)
    }
}
