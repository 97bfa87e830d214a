import StockProjection
import StockStorage
import StockWebhooks

/// The LMDB store as the webhook dispatcher's ``WebhookStore``: its outbox and its `event_state` database.
///
/// It reads the store the feed serves now, on every call: a resync swaps in a new store (carrying the outbox and
/// this state over), and a dispatcher that kept the old one would go on reading a removed store, silently
/// delivering nothing.
struct LMDBWebhookStore: WebhookStore {
    /// The store in use now.
    let current: @Sendable () -> LMDBProjectionStore?

    private func store() throws -> LMDBProjectionStore {
        guard let store = current() else { throw StoreError.storage("the feed's store is not an LMDB store; webhooks cannot read its outbox") }
        return store
    }

    func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] { try store().outboxRecords(after: key, limit: limit) }
    func eventStateValue(_ key: String) throws -> [UInt8]? { try store().eventStateValue(key) }
    func writeEventState(_ values: [(key: String, value: [UInt8]?)]) throws { try store().writeEventState(values) }
    func eventStateValues(prefix: String, limit: Int) throws -> [(key: String, value: [UInt8])] {
        try store().eventStateValues(prefix: prefix, limit: limit)
    }
}
