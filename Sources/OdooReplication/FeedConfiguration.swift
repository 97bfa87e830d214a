/// How the replication feed connects and batches.
public struct FeedConfiguration: Sendable {
    /// libpq connection string of Odoo's database.
    public var dsn: String
    /// The replication slot's name.
    public var slot: String
    /// The publication's name.
    public var publication: String
    /// The most transactions grouped into one LMDB commit.
    public var maxGroupSize: Int
    /// How often to send a standby status update when nothing else prompts one, in milliseconds.
    public var statusIntervalMilliseconds: Int
    /// The first reconnection delay, in milliseconds; it doubles up to ``maxBackoffMilliseconds``.
    public var initialBackoffMilliseconds: Int
    /// The longest reconnection delay, in milliseconds.
    public var maxBackoffMilliseconds: Int

    /// Creates a configuration.
    public init(
        dsn: String,
        slot: String = "stockd",
        publication: String = "stockd",
        maxGroupSize: Int = 512,
        statusIntervalMilliseconds: Int = 1_000,
        initialBackoffMilliseconds: Int = 200,
        maxBackoffMilliseconds: Int = 30_000
    ) {
        self.dsn = dsn
        self.slot = slot
        self.publication = publication
        self.maxGroupSize = max(1, maxGroupSize)
        self.statusIntervalMilliseconds = max(10, statusIntervalMilliseconds)
        self.initialBackoffMilliseconds = max(1, initialBackoffMilliseconds)
        self.maxBackoffMilliseconds = max(initialBackoffMilliseconds, maxBackoffMilliseconds)
    }
}
