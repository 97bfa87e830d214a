import Synchronization

/// How many stock events the outbox keeps: the newest `maxCount`, none older than `maxAgeSeconds`.
///
/// Retention runs in the same write transaction as the new records; what it drops is counted
/// (``LMDBProjectionStore/outboxDropped``) so that a subscriber that falls too far behind is visible.
public struct OutboxRetention: Hashable, Sendable {
    /// The most records kept.
    public var maxCount: Int
    /// The oldest record kept, by its commit time, in seconds; `nil` for no age limit.
    public var maxAgeSeconds: Int?

    /// Creates a retention policy (by default one million records, seven days).
    public init(maxCount: Int = 1_000_000, maxAgeSeconds: Int? = 7 * 24 * 3600) {
        self.maxCount = max(1, maxCount)
        self.maxAgeSeconds = maxAgeSeconds
    }
}

/// Counts outbox records dropped by retention.
final class OutboxDropCounter: Sendable {
    let value = Atomic<Int>(0)
}
