/// Where the projection makes applied transactions durable (LMDB in production).
///
/// ``StockProjection`` calls ``persist(_:checkpoint:changes:)`` once per group of transactions, after it
/// has applied them to a private copy and before it publishes that copy to readers. An implementation must write
/// every change and the checkpoint in one atomic transaction and return only once it is durable; if it throws,
/// the projection discards the copy, so memory and disk never disagree.
public protocol ProjectionStore {
    /// Writes the changes of `transactions`, the new checkpoint and the change log's new entries atomically.
    ///
    /// - Parameters:
    ///   - transactions: The transactions applied since the last call, in order; none is at or below the stored checkpoint.
    ///   - checkpoint: The checkpoint of the last transaction.
    ///   - changes: The change-feed entries these transactions produced, and the log's bounds after them.
    /// - Throws: Any storage error; nothing was written then.
    func persist(_ transactions: [SourceTransaction], checkpoint: Checkpoint, changes: ChangeLogSlice) throws

    /// Writes the same as ``persist(_:checkpoint:changes:)`` plus outbox records, all in one atomic transaction.
    ///
    /// A default implementation (see `OutboxRecord.swift`) accepts no records.
    func persist(_ transactions: [SourceTransaction], checkpoint: Checkpoint, changes: ChangeLogSlice, outbox: OutboxBatch) throws
}
