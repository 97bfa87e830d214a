public import StockProjection

/// What the replication feed is doing, for `/readyz`, `/v1/status` and logs.
public struct FeedStatus: Sendable, Equatable {
    /// The feed's phase.
    public enum Phase: String, Sendable, Equatable, CaseIterable {
        /// Not started yet.
        case starting
        /// Copying the initial snapshot.
        case snapshotting
        /// Following the stream.
        case streaming
        /// Waiting to reconnect after a failure.
        case reconnecting
        /// Rebuilding the store from a fresh snapshot beside the serving one; the old figures keep serving.
        case resyncing
        /// The slot has confirmed a position past the store's checkpoint (the store lost commits, e.g. unsynced
        /// ones in a power cut): streaming would skip the difference, so the feed refuses and resyncs.
        case storeBehindSlot = "store_behind_slot"
        /// A mirrored table changed shape (a required column missing or renamed): the feed stops at that
        /// transaction, confirms nothing past it, and waits for an operator (fix the schema, then resync).
        case schemaMismatch = "schema_mismatch"
        /// The slot is gone or invalidated (e.g. past `max_slot_wal_keep_size`): run `stockd resync`.
        case slotLost = "slot_lost"
        /// Stopped.
        case stopped
    }

    /// The current phase.
    public var phase: Phase = .starting
    /// The last error, if the feed is reconnecting or stopped by one.
    ///
    /// Setting a new error also records it in ``recentErrors``.
    public var lastError: String? {
        didSet {
            if let lastError, lastError != oldValue { recentErrors.record(.replication, lastError, at: currentUnixMicroseconds()) }
        }
    }
    /// The end LSN of the last applied transaction (the store's checkpoint).
    public var appliedLSN: UInt64?
    /// The commit time of the last applied transaction, in microseconds since 1970.
    public var appliedCommitTime: Int64?
    /// The end LSN of the last transaction committed to LMDB (at most ``appliedLSN``).
    public var durableLSN: UInt64?
    /// The end LSN of the last transaction that is on disk for certain (synced): what may be confirmed.
    ///
    /// Equal to ``durableLSN`` with `store.durability: full`; behind it, by up to the sync interval, otherwise.
    public var syncedLSN: UInt64?
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
    /// `stock_move` rows outside the open states that the decode-time filter dropped, or reduced to a close by id,
    /// before mapping them.
    public var droppedMoveRows = 0
    /// Reconnections since start.
    public var reconnects = 0
    /// Connections given up because the server went silent for longer than the stall timeout.
    public var stalls = 0
    /// Times the store was found behind its slot (a gap the stream would have skipped).
    public var gapsDetected = 0
    /// Resyncs started since start (successful or not).
    public var resyncAttempts = 0
    /// Resyncs that failed (each is retried; the old figures keep serving).
    public var resyncFailures = 0
    /// Bytes of replication data received.
    public var bytesReceived = 0
    /// From COMMIT in PostgreSQL (its commit timestamp) to the transaction being visible in the projection.
    public var freshness = LatencyWindow()

    /// The last two minutes of counters and lag, one sample a second (see ``sampleIfDue(now:)``).
    public var history = FeedHistory()
    /// The most recent replication, mapping and anomaly errors.
    public var recentErrors = FeedErrorLog()

    /// Creates an initial status.
    public init() {}

    /// Records a sample of the counters and lag in ``history`` if a second has passed since the last one.
    ///
    /// The feed calls this after every status change, so samples keep coming while it streams (it sends a
    /// standby status update at least once a second).
    ///
    /// - Parameter now: The time in microseconds since 1970.
    public mutating func sampleIfDue(now: Int64) {
        if let latest = history.latest, now >= latest.time, now - latest.time < history.interval { return }
        history.record(
            FeedSample(time: now, transactions: transactions, rowChanges: rowChanges, lagBytes: lagBytes, lagMilliseconds: lagMilliseconds(now: now))
        )
    }

    /// Records rows that could not be mapped and changes that did not fit the projection, in ``recentErrors``.
    public mutating func recordProblems(mapping: [String], anomalies: [String], now: Int64) {
        for message in mapping { recentErrors.record(.mapping, message, at: now) }
        for message in anomalies { recentErrors.record(.anomaly, message, at: now) }
    }

    /// How far behind the source the projection may be, in milliseconds, never a constant:
    ///
    /// - streaming with nothing left to apply: the time since the server last said so (its last message; the feed
    ///   asks for one every status interval), so a silent connection shows as growing lag;
    /// - otherwise: the time since the last applied commit (or since the server was last heard from, when no
    ///   commit arrived yet);
    /// - `nil` when neither is known.
    ///
    /// - Parameter now: The time in microseconds since 1970.
    public func lagMilliseconds(now: Int64) -> Int64? {
        if phase == .streaming && lagBytes == 0 {
            guard let heard = lastMessageTime else { return nil }
            return max(0, (now - heard) / 1_000)
        }
        guard let reference = appliedCommitTime ?? lastMessageTime else { return nil }
        return max(0, (now - reference) / 1_000)
    }

    /// WAL bytes the projection is behind the server (0 when caught up or unknown).
    ///
    /// Everything up to the confirmed position is applied (the feed confirms the server's WAL end only when it has
    /// nothing left to apply), so WAL that carries no published change does not count as lag.
    public var lagBytes: UInt64 {
        guard let end = serverWALEnd, let applied = appliedLSN else { return 0 }
        let caughtUp = max(applied, confirmedLSN ?? 0)
        return end > caughtUp ? end - caughtUp : 0
    }

    /// This status without its sample buffers (the freshness window, the history, the recent errors): the
    /// counters, positions, phase and last error only.
    ///
    /// What the request path reads (``ReplicationFeed/summary``): a copy that kept the buffers would share them
    /// with the feed, whose next sample would then copy the whole 16,384-sample freshness window under its lock.
    public var withoutSampleBuffers: FeedStatus {
        var copy = self
        copy.freshness = LatencyWindow(capacity: freshness.capacity)
        copy.history = FeedHistory(capacity: history.capacity, interval: history.interval)
        copy.recentErrors = FeedErrorLog(capacity: recentErrors.capacity)
        return copy
    }

    /// The checkpoint text of the applied position.
    public var appliedCheckpoint: Checkpoint? { appliedLSN.map { Checkpoint(position: $0, commitTime: appliedCommitTime) } }
}
