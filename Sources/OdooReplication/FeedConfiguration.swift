import LibPQ

/// How the replication feed connects, batches, confirms and recovers.
public struct FeedConfiguration: Sendable {
    /// libpq connection string of Odoo's database.
    public var dsn: String
    /// The replication slot's name.
    public var slot: String
    /// The publication's name.
    public var publication: String
    /// The most transactions grouped into one apply (one publish of the in-memory snapshot, one hand-over to the
    /// store writer) while the feed keeps up with the server.
    public var maxGroupSize: Int
    /// The most transactions grouped into one apply while the feed catches up: a group that fills while more data
    /// is waiting doubles the next one's limit up to this (see `TransactionGrouping`). 16,384 by default: at
    /// 500,000 variants one such group applies about 1.4 million changes/s in memory, against about 1 million for
    /// groups of 8,192 (`apply-16384-txns-in-one-group` in `Benchmarks/`).
    public var maxCatchUpGroupSize: Int
    /// How often to send a standby status update (asking the server for a reply), in milliseconds.
    public var statusIntervalMilliseconds: Int
    /// The first reconnection delay, in milliseconds; it doubles after each failure without progress, up to
    /// ``maxBackoffMilliseconds``.
    public var initialBackoffMilliseconds: Int
    /// The longest reconnection delay, in milliseconds.
    public var maxBackoffMilliseconds: Int
    /// Silence from the server longer than this while streaming counts as a stalled connection: the feed drops it
    /// and reconnects. The feed asks for a reply every status interval, so a live server is never silent that long.
    public var stallTimeoutMilliseconds: Int
    /// How often a lost slot is looked at again when ``autoResync`` is off, in milliseconds.
    public var slotLostPollMilliseconds: Int
    /// Whether a lost slot starts a resync by itself (the old figures serve meanwhile). A store found behind its
    /// slot is always resynced: streaming would skip the difference.
    public var autoResync: Bool
    /// With `store.durability` other than `full`: the longest time commits stay unsynced, in milliseconds. Only
    /// synced positions are confirmed to PostgreSQL.
    public var syncIntervalMilliseconds: Int
    /// The longest a single send to the server may block, in milliseconds.
    public var sendTimeoutMilliseconds: Int

    /// Creates a configuration.
    public init(
        dsn: String,
        slot: String = "stockd",
        publication: String = "stockd",
        maxGroupSize: Int = 512,
        maxCatchUpGroupSize: Int = 16_384,
        statusIntervalMilliseconds: Int = 1_000,
        initialBackoffMilliseconds: Int = 200,
        maxBackoffMilliseconds: Int = 30_000,
        stallTimeoutMilliseconds: Int = 10_000,
        slotLostPollMilliseconds: Int = 5_000,
        autoResync: Bool = true,
        syncIntervalMilliseconds: Int = 1_000,
        sendTimeoutMilliseconds: Int = 10_000
    ) {
        self.dsn = dsn
        self.slot = slot
        self.publication = publication
        self.maxGroupSize = max(1, maxGroupSize)
        self.maxCatchUpGroupSize = max(self.maxGroupSize, maxCatchUpGroupSize)
        self.statusIntervalMilliseconds = max(10, statusIntervalMilliseconds)
        self.initialBackoffMilliseconds = max(1, initialBackoffMilliseconds)
        self.maxBackoffMilliseconds = max(initialBackoffMilliseconds, maxBackoffMilliseconds)
        self.stallTimeoutMilliseconds = max(2 * self.statusIntervalMilliseconds, stallTimeoutMilliseconds)
        self.slotLostPollMilliseconds = max(100, slotLostPollMilliseconds)
        self.autoResync = autoResync
        self.syncIntervalMilliseconds = max(1, syncIntervalMilliseconds)
        self.sendTimeoutMilliseconds = max(100, sendTimeoutMilliseconds)
    }

    /// The connection parameters added to ``dsn`` unless it sets them: a bounded connect, and TCP keepalives with
    /// a user timeout, so a dead peer or path is noticed by the kernel even while libpq waits.
    public static let connectionDefaults: [(String, String)] = [
        ("connect_timeout", "10"),
        ("keepalives", "1"),
        ("keepalives_idle", "10"),
        ("keepalives_interval", "5"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "30000"),
    ]

    /// ``dsn`` with ``connectionDefaults`` added where it does not set them.
    public var connectionString: String { PostgresConnection.addingDefaults(dsn, Self.connectionDefaults) }

    /// The state machine's policy.
    var policy: FeedStateMachine.Policy {
        FeedStateMachine.Policy(
            initialBackoffMilliseconds: initialBackoffMilliseconds,
            maxBackoffMilliseconds: maxBackoffMilliseconds,
            slotLostPollMilliseconds: slotLostPollMilliseconds,
            stallTimeoutMilliseconds: stallTimeoutMilliseconds,
            autoResync: autoResync
        )
    }
}
