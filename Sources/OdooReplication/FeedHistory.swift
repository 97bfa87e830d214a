/// One sample of the feed's counters and lag, taken about once a second while the feed runs.
public struct FeedSample: Sendable, Equatable {
    /// When the sample was taken, in microseconds since 1970-01-01 UTC.
    public var time: Int64
    /// Transactions applied since start, at ``time``.
    public var transactions: Int
    /// Row changes applied since start, at ``time``.
    public var rowChanges: Int
    /// WAL bytes the projection was behind the server.
    public var lagBytes: UInt64
    /// How far the projection was behind the source, in milliseconds, when known.
    public var lagMilliseconds: Int64?

    /// Creates a sample.
    public init(time: Int64, transactions: Int, rowChanges: Int, lagBytes: UInt64, lagMilliseconds: Int64?) {
        self.time = time
        self.transactions = transactions
        self.rowChanges = rowChanges
        self.lagBytes = lagBytes
        self.lagMilliseconds = lagMilliseconds
    }
}

/// A sample with the throughput since the sample before it, for sparklines and current rates.
public struct FeedRatePoint: Sendable, Equatable {
    /// The sample.
    public var sample: FeedSample
    /// Transactions applied per second since the previous sample.
    public var transactionsPerSecond: Double
    /// Row changes applied per second since the previous sample.
    public var rowChangesPerSecond: Double
}

/// The last few minutes of the feed, one sample per interval, in a ring buffer of fixed size.
///
/// The feed records a sample whenever its status changes (at least once a second while streaming, from the
/// standby status updates); samples closer than ``interval`` to the previous one are dropped, so the buffer
/// covers about `capacity × interval`.
public struct FeedHistory: Sendable, Equatable {
    private var ring: [FeedSample] = []
    private var next = 0
    /// How many samples are kept.
    public let capacity: Int
    /// The least time between two kept samples, in microseconds.
    public let interval: Int64

    /// Creates an empty history.
    ///
    /// - Parameters:
    ///   - capacity: Samples kept (default 120: two minutes at one a second).
    ///   - interval: The least time between samples in microseconds (default one second).
    public init(capacity: Int = 120, interval: Int64 = 1_000_000) {
        self.capacity = max(2, capacity)
        self.interval = max(1, interval)
    }

    /// The newest sample, if any.
    public var latest: FeedSample? { ring.isEmpty ? nil : ring[(next - 1 + ring.count) % ring.count] }

    /// Keeps `sample` if at least ``interval`` passed since the newest kept sample (or the clock went back).
    ///
    /// - Returns: Whether the sample was kept.
    @discardableResult
    public mutating func record(_ sample: FeedSample) -> Bool {
        if let latest, sample.time >= latest.time, sample.time - latest.time < interval { return false }
        if ring.count < capacity {
            ring.append(sample)
            next = ring.count % capacity
        } else {
            ring[next] = sample
            next = (next + 1) % capacity
        }
        return true
    }

    /// The kept samples, oldest first.
    public var samples: [FeedSample] {
        ring.count < capacity ? ring : Array(ring[next...] + ring[..<next])
    }

    /// The kept samples after the first, each with the rates since the one before it, oldest first.
    ///
    /// Counters that went down (a resync or restart resets them) give a rate of zero, never a negative one.
    public var ratePoints: [FeedRatePoint] {
        let ordered = samples
        guard ordered.count >= 2 else { return [] }
        return (1..<ordered.count).map { index in
            let before = ordered[index - 1]
            let now = ordered[index]
            return FeedRatePoint(
                sample: now,
                transactionsPerSecond: Self.rate(now.transactions - before.transactions, over: now.time - before.time),
                rowChangesPerSecond: Self.rate(now.rowChanges - before.rowChanges, over: now.time - before.time)
            )
        }
    }

    /// Transactions and row changes per second over the newest samples spanning at most `window` microseconds
    /// (at least two samples), or `nil` with fewer than two samples.
    public func rates(window: Int64 = 5_000_000) -> (transactionsPerSecond: Double, rowChangesPerSecond: Double)? {
        let ordered = samples
        guard let last = ordered.last, ordered.count >= 2 else { return nil }
        var first = ordered[ordered.count - 2]
        for sample in ordered.dropLast().reversed() where last.time - sample.time <= window { first = sample }
        let span = last.time - first.time
        return (Self.rate(last.transactions - first.transactions, over: span), Self.rate(last.rowChanges - first.rowChanges, over: span))
    }

    private static func rate(_ delta: Int, over microseconds: Int64) -> Double {
        guard delta > 0, microseconds > 0 else { return 0 }
        return Double(delta) * 1_000_000 / Double(microseconds)
    }
}
