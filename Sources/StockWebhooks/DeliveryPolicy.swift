/// Retries, timeouts and pacing of webhook deliveries.
public struct DeliveryPolicy: Hashable, Sendable {
    /// The most attempts per event, the first included, before it goes to the dead-letter queue.
    public var maxAttempts: Int
    /// The longest time from an event's first attempt to its last, in milliseconds.
    public var maxAgeMilliseconds: Int64
    /// The delay before the first retry, in milliseconds; each retry doubles it.
    public var initialBackoffMilliseconds: Int64
    /// The longest delay between attempts, in milliseconds.
    public var maxBackoffMilliseconds: Int64
    /// The longest `Retry-After` honoured, in milliseconds (a longer one is cut to this).
    public var maxRetryAfterMilliseconds: Int64
    /// How long a connection may take to open, in milliseconds.
    public var connectTimeoutMilliseconds: Int64
    /// How long a receiver may take to answer once connected, in milliseconds.
    public var responseTimeoutMilliseconds: Int64
    /// The longest pause between two reads of a subscription while the writer catches up a backlog, in
    /// milliseconds (0: never pause); see ``backlogLagMilliseconds``.
    public var maxBacklogPauseMilliseconds: Int64
    /// How old (since PostgreSQL's commit) the writer's newest event must be for the writer to count as catching up
    /// a backlog, in milliseconds: the subscriptions then read one message at a time with growing pauses, so that
    /// the writer gets the cores, and read on at full speed once the writer is idle or live again.
    public var backlogLagMilliseconds: Int64

    /// Creates a policy (defaults: 8 attempts within 24 hours, 500 ms doubling to 5 minutes, 2 s connect, 10 s response;
    /// pauses of up to 100 ms while the writer's newest event is over a second old).
    public init(
        maxAttempts: Int = 8, maxAgeMilliseconds: Int64 = 86_400_000, initialBackoffMilliseconds: Int64 = 500,
        maxBackoffMilliseconds: Int64 = 300_000, maxRetryAfterMilliseconds: Int64 = 3_600_000, connectTimeoutMilliseconds: Int64 = 2_000,
        responseTimeoutMilliseconds: Int64 = 10_000, maxBacklogPauseMilliseconds: Int64 = 100, backlogLagMilliseconds: Int64 = 1_000
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxAgeMilliseconds = maxAgeMilliseconds
        self.initialBackoffMilliseconds = max(1, initialBackoffMilliseconds)
        self.maxBackoffMilliseconds = max(initialBackoffMilliseconds, maxBackoffMilliseconds)
        self.maxRetryAfterMilliseconds = maxRetryAfterMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.responseTimeoutMilliseconds = responseTimeoutMilliseconds
        self.maxBacklogPauseMilliseconds = max(0, maxBacklogPauseMilliseconds)
        self.backlogLagMilliseconds = max(0, backlogLagMilliseconds)
    }
}
