import StockProjection
import StockStorage
import StockWebhooks

/// The LMDB store as the webhook dispatcher's ``WebhookStore``: its outbox and its `event_state` database.
struct LMDBWebhookStore: WebhookStore {
    let store: LMDBProjectionStore

    func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] { try store.outboxRecords(after: key, limit: limit) }
    func eventStateValue(_ key: String) throws -> [UInt8]? { try store.eventStateValue(key) }
    func writeEventState(_ values: [(key: String, value: [UInt8]?)]) throws { try store.writeEventState(values) }
    func eventStateValues(prefix: String, limit: Int) throws -> [(key: String, value: [UInt8])] {
        try store.eventStateValues(prefix: prefix, limit: limit)
    }
}
