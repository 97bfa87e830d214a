/// One page of the change feed.
public struct ChangePage: Hashable, Sendable {
    /// A changed (variant, location) pair; its current figures are read from the same snapshot.
    public struct Change: Hashable, Sendable {
        /// The variant whose stock changed.
        public var variantID: VariantID
        /// The location where it changed.
        public var locationID: LocationID
    }

    /// Distinct pairs changed at or after the cursor, oldest change first.
    public var changes: [Change]
    /// The cursor to ask with next time.
    public var nextCursor: UInt64
    /// Whether more entries follow `nextCursor` already.
    public var hasMore: Bool
}

/// Why a change-feed cursor cannot be served.
public enum ChangeFeedError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The cursor is older than what the projection keeps (or predates a restart or a truncation):
    /// pull the full stock again, then follow the feed from ``ProjectionSnapshot/changeCursor``.
    case expired(oldestCursor: UInt64)
    /// The cursor is ahead of anything the projection has produced.
    case fromTheFuture(latestCursor: UInt64)

    public var description: String {
        switch self {
        case .expired(let oldest): "the cursor has expired; the oldest cursor kept is \(oldest): do a full pull"
        case .fromTheFuture(let latest): "the cursor is ahead of the latest position \(latest)"
        }
    }
}
