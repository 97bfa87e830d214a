/// Retries and timeouts of webhook deliveries.
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

    /// Creates a policy (defaults: 8 attempts within 24 hours, 500 ms doubling to 5 minutes, 2 s connect, 10 s response).
    public init(
        maxAttempts: Int = 8, maxAgeMilliseconds: Int64 = 86_400_000, initialBackoffMilliseconds: Int64 = 500,
        maxBackoffMilliseconds: Int64 = 300_000, maxRetryAfterMilliseconds: Int64 = 3_600_000, connectTimeoutMilliseconds: Int64 = 2_000,
        responseTimeoutMilliseconds: Int64 = 10_000
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxAgeMilliseconds = maxAgeMilliseconds
        self.initialBackoffMilliseconds = max(1, initialBackoffMilliseconds)
        self.maxBackoffMilliseconds = max(initialBackoffMilliseconds, maxBackoffMilliseconds)
        self.maxRetryAfterMilliseconds = maxRetryAfterMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.responseTimeoutMilliseconds = responseTimeoutMilliseconds
    }
}
