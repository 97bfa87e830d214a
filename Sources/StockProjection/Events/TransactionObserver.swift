/// Watches each source transaction as the projection applies it, and returns the records to store with it.
///
/// ``StockProjection`` calls the observer once per applied transaction, inside its writer lock, with the
/// projection just before and just after that transaction and the (variant, location) pairs whose figures the
/// transaction changed (kits included, through the reverse index). What the observer returns travels with the
/// transaction to the store and is written in the same write transaction as its rows and checkpoint, so a replay
/// after a crash produces the same records again, and only for transactions the store did not hold.
///
/// An observer must be deterministic: the same transaction on the same state must give the same records.
public protocol TransactionObserver: Sendable {
    /// Evaluates one applied transaction.
    ///
    /// - Parameters:
    ///   - transaction: The transaction just applied.
    ///   - before: The projection before it.
    ///   - after: The projection after it (locations and kits refreshed).
    ///   - changed: The (variant, location) pairs it changed, in the order they changed; may repeat.
    /// - Returns: The records and state changes to store with the transaction, in order.
    func transactionApplied(
        _ transaction: SourceTransaction, before: ProjectionSnapshot, after: ProjectionSnapshot, changed: [ChangedFigure]
    ) -> OutboxBatch
}

/// A variant's stock at a location changed.
public struct ChangedFigure: Hashable, Sendable {
    /// The variant (a kit when a component changed).
    public var variant: VariantID
    /// The location whose quants changed.
    public var location: LocationID

    /// Creates a pair.
    public init(variant: VariantID, location: LocationID) {
        self.variant = variant
        self.location = location
    }
}
