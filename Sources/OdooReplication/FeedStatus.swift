public import StockProjection

/// What the replication feed is doing, for `/readyz`, `/v1/status` and logs.
public struct FeedStatus: Sendable, Equatable {
    /// The feed's phase.
    public enum Phase: String, Sendable, Equatable {
        /// Not started yet.
        case starting
        /// Copying the initial snapshot.
        case snapshotting
        /// Following the stream.
        case streaming
        /// Waiting to reconnect after a failure.
        case reconnecting
        /// The slot is gone or invalidated (e.g. past `max_slot_wal_keep_size`): run `stockd resync`.
        case slotLost = "slot_lost"
        /// Stopped.
        case stopped
    }

    /// The current phase.
    public var phase: Phase = .starting
    /// The last error, if the feed is reconnecting or stopped by one.
    public var lastError: String?
    /// The end LSN of the last applied transaction (the store's checkpoint).
    public var appliedLSN: UInt64?
    /// The commit time of the last applied transaction, in microseconds since 1970.
    public var appliedCommitTime: Int64?
    /// The end LSN of the last transaction committed to LMDB (at most ``appliedLSN``).
    public var durableLSN: UInt64?
    /// The last flush position confirmed to PostgreSQL: everything the server wrote before it is applied.
    public var confirmedLSN: UInt64?
    /// The server's end of WAL, from the last message received.
    public var serverWALEnd: UInt64?
    /// When the feed last heard from the server, in microseconds since 1970.
    public var lastMessageTime: Int64?
    /// Transactions applied since start.
    public var transactions = 0
    /// Row changes applied since start.
    public var rowChanges = 0
    /// LMDB commits since start (each holds one or more transactions).
    public var commits = 0
    /// Rows that could not be mapped, or deletes of unknown rows: logged, counted, skipped.
    public var unexpectedRows = 0
    /// Rows of tables stockd does not mirror.
    public var ignoredRows = 0
    /// Reconnections since start.
    public var reconnects = 0
    /// Bytes of replication data received.
    public var bytesReceived = 0
    /// From COMMIT in PostgreSQL (its commit timestamp) to the transaction being visible in the projection.
    public var freshness = LatencyWindow()

    /// Creates an initial status.
    public init() {}

    /// WAL bytes the projection is behind the server (0 when caught up or unknown).
    ///
    /// Everything up to the confirmed position is applied (the feed confirms the server's WAL end only when it has
    /// nothing left to apply), so WAL that carries no published change does not count as lag.
    public var lagBytes: UInt64 {
        guard let end = serverWALEnd, let applied = appliedLSN else { return 0 }
        let caughtUp = max(applied, confirmedLSN ?? 0)
        return end > caughtUp ? end - caughtUp : 0
    }

    /// The checkpoint text of the applied position.
    public var appliedCheckpoint: Checkpoint? { appliedLSN.map { Checkpoint(position: $0, commitTime: appliedCommitTime) } }
}
