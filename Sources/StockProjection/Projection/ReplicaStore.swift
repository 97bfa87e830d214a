/// What a replication feed needs of its durable store, beyond ``ProjectionStore``: the initial snapshot, the
/// session and confirmation records that make gaps detectable, explicit syncs, and a resync that fills a second
/// store while the first keeps serving.
///
/// The domain owns this port so that the feed (an adapter of the source) and the store (an adapter of the disk)
/// never depend on each other; the composition root hands the feed a concrete store (LMDB in production).
///
/// Positions are the source's log positions (PostgreSQL LSNs), as in ``Checkpoint/position``.
public protocol ReplicaStore: ProjectionStore, Sendable {
    /// Where the store lives, for logs and reports (a directory for LMDB).
    var location: String { get }

    /// Whether every ``persist(_:checkpoint:changes:)`` is on disk when it returns. When `false`, only what was
    /// committed before the last ``sync()`` is durable, and nothing later may be confirmed to the source.
    var syncsEveryCommit: Bool { get }

    /// Flushes every commit to disk.
    func sync() throws

    /// Loads the stored projection.
    ///
    /// - Parameter settings: The settings to compute figures with (configuration, not stored data).
    /// - Returns: The state at the stored checkpoint.
    func load(settings: ProjectionSettings) throws -> ProjectionState

    /// The checkpoint of the last committed transaction; `nil` for a store without one.
    func storedCheckpoint() throws -> Checkpoint?

    /// Whether the store holds rows but no checkpoint: an initial snapshot that did not finish.
    func hasIncompleteSnapshot() throws -> Bool

    /// Empties every table and forgets the checkpoint, so an initial snapshot can be written from scratch.
    func beginSnapshot() throws

    /// Writes rows of an initial snapshot (upserts), without a checkpoint.
    func writeSnapshotRows(_ changes: [StockChange]) throws

    /// Commits an initial snapshot: its checkpoint (the slot's consistent point) and its empty change log.
    func finishSnapshot(checkpoint: Checkpoint, changes: ChangeLogSlice) throws

    /// Marks the store as in use and says whether the previous session ended with ``closeSession()``.
    func openSession() throws -> Bool

    /// Marks the store as cleanly closed: everything the projection published is committed.
    func closeSession() throws

    /// Writes the change log's bounds alone (a new epoch, whose log is empty), dropping the stored entries.
    func resetChangeLog(_ slice: ChangeLogSlice) throws

    /// The highest position the store has covered: its checkpoint, or a later one recorded by
    /// ``recordConfirmed(_:)``; `nil` for a store without a checkpoint.
    func confirmedPosition() throws -> UInt64?

    /// Records, durably, that the feed is about to confirm `position` although no stored transaction ends there.
    func recordConfirmed(_ position: UInt64) throws

    /// Opens an empty store beside this one for a resync to fill while this one keeps serving (any earlier,
    /// unfinished one is discarded).
    func openStaging() throws -> any ReplicaStore

    /// Puts the staging store (committed and synced) in this store's place and returns the store now there.
    ///
    /// This store must not be used afterwards. If it throws, this store is still in place.
    func promoteStaging() throws -> any ReplicaStore
}
