/// Watches each source transaction as the projection applies it, and returns the records to store with it.
///
/// ``StockProjection`` calls the observer once per applied transaction, inside its writer lock, with the
/// projection just after that transaction, what it was just before, and the (variant, location) pairs whose
/// figures the transaction changed (kits included, through the reverse index). What the observer returns travels
/// with the transaction to the store and is written in the same write transaction as its rows and checkpoint, so a
/// replay after a crash produces the same records again, and only for transactions the store did not hold.
///
/// **What "before" costs.** Keeping the whole projection as it was before each transaction would make the writer
/// copy, for every transaction, each chunk and trie node the transaction then changes (the copy shares them with
/// the working state). So for the transactions that make up a live feed, those that only change quants and open
/// moves, the projection first works out, from the rows and the state, every pair the transaction can change, and
/// asks the observer to ``prepare(_:changing:before:)``:
/// read what it will need from the state as it stands, before the transaction. The observer then gets its
/// prepared reading back as ``StateBefore/prepared(_:)``. A transaction that changes anything else (products,
/// locations, BoMs, units, a truncate) can change figures anywhere; for those the observer gets the whole
/// projection before it, ``StateBefore/whole(_:)``, and `prepare` is not called.
///
/// An observer must be deterministic: the same transaction on the same state must give the same records, whichever
/// of the two forms "before" takes.
public protocol TransactionObserver: Sendable {
    /// What ``prepare(_:changing:before:)`` reads for one transaction.
    associatedtype Prepared

    /// Reads, before a transaction that only changes quants and open moves is applied, what evaluating it will
    /// need from the projection as it stands.
    ///
    /// - Parameters:
    ///   - transaction: The transaction about to be applied.
    ///   - pairs: Every (variant, location) pair the transaction can change (a superset of what it will change;
    ///     may repeat).
    ///   - before: The projection before the transaction. Do not keep it past the call: while it lives, the
    ///     writer's changes copy what they touch.
    /// - Returns: What ``transactionApplied(_:before:after:changed:)`` gets back as ``StateBefore/prepared(_:)``.
    func prepare(_ transaction: SourceTransaction, changing pairs: [ChangedFigure], before: ProjectionSnapshot) -> Prepared

    /// Evaluates one applied transaction.
    ///
    /// - Parameters:
    ///   - transaction: The transaction just applied.
    ///   - before: The projection before it: what ``prepare(_:changing:before:)`` read, or the whole projection.
    ///   - after: The projection after it (locations and kits refreshed).
    ///   - changed: The (variant, location) pairs it changed, in the order they changed; may repeat. When `before`
    ///     is `.prepared`, every pair is among those `prepare` was given.
    /// - Returns: The records and state changes to store with the transaction, in order.
    func transactionApplied(
        _ transaction: SourceTransaction, before: StateBefore<Prepared>, after: ProjectionSnapshot, changed: [ChangedFigure]
    ) -> OutboxBatch
}

/// The projection before a transaction, as a ``TransactionObserver`` gets it.
public enum StateBefore<Prepared> {
    /// What the observer's `prepare` read before the transaction (a transaction of quants and open moves only).
    case prepared(Prepared)
    /// The whole projection before the transaction (a transaction that changed the catalogue, locations or BoMs).
    case whole(ProjectionSnapshot)
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
