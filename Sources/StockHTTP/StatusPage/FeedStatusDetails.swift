/// What `/v1/status` and the status page show beyond ``FeedHTTPStatus``: throughput, a short history of lag
/// and rates, recent errors and the store's size.
///
/// Read only by `/v1/status` (never on the data path), so a provider may take a little longer to build it (copy
/// a ring buffer, `stat` a file).
public struct FeedStatusDetails: Sendable, Hashable {
    /// One point of the history: lag and throughput at one time.
    public struct Point: Sendable, Hashable {
        /// When, in microseconds since 1970-01-01 UTC.
        public var timeMicros: Int64
        /// The lag in milliseconds then, when known.
        public var lagMilliseconds: Int64?
        /// The WAL bytes behind then.
        public var lagBytes: UInt64
        /// Transactions applied per second since the point before.
        public var transactionsPerSecond: Double
        /// Row changes applied per second since the point before.
        public var rowChangesPerSecond: Double

        /// Creates a point.
        public init(timeMicros: Int64, lagMilliseconds: Int64?, lagBytes: UInt64, transactionsPerSecond: Double, rowChangesPerSecond: Double) {
            self.timeMicros = timeMicros
            self.lagMilliseconds = lagMilliseconds
            self.lagBytes = lagBytes
            self.transactionsPerSecond = transactionsPerSecond
            self.rowChangesPerSecond = rowChangesPerSecond
        }
    }

    /// One recent error.
    public struct RecentError: Sendable, Hashable {
        /// When it last happened, in microseconds since 1970-01-01 UTC.
        public var timeMicros: Int64
        /// `replication`, `mapping` or `anomaly`.
        public var kind: String
        /// What happened.
        public var message: String
        /// How many times in a row it happened.
        public var count: Int

        /// Creates an entry.
        public init(timeMicros: Int64, kind: String, message: String, count: Int = 1) {
            self.timeMicros = timeMicros
            self.kind = kind
            self.message = message
            self.count = count
        }
    }

    /// Row changes applied since start.
    public var rowChanges: Int
    /// Transactions per second over the last few seconds, when known.
    public var transactionsPerSecond: Double?
    /// Row changes per second over the last few seconds, when known.
    public var rowChangesPerSecond: Double?
    /// Bytes of the store's data file on disk, when known.
    public var storeBytes: Int?
    /// The recent history, oldest first (about one point a second).
    public var history: [Point]
    /// The most recent errors, newest first.
    public var recentErrors: [RecentError]

    /// Creates details; by default nothing is known.
    public init(
        rowChanges: Int = 0,
        transactionsPerSecond: Double? = nil,
        rowChangesPerSecond: Double? = nil,
        storeBytes: Int? = nil,
        history: [Point] = [],
        recentErrors: [RecentError] = []
    ) {
        self.rowChanges = rowChanges
        self.transactionsPerSecond = transactionsPerSecond
        self.rowChangesPerSecond = rowChangesPerSecond
        self.storeBytes = storeBytes
        self.history = history
        self.recentErrors = recentErrors
    }
}
