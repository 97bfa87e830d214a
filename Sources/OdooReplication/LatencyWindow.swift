/// The most recent latency samples (commit in PostgreSQL to visible in stockd), for percentiles.
public struct LatencyWindow: Sendable, Equatable {
    private var samples: [Int64] = []
    private var next = 0
    /// How many samples are kept.
    public let capacity: Int
    /// Samples recorded since start.
    public private(set) var count = 0

    /// Creates an empty window.
    public init(capacity: Int = 16_384) { self.capacity = max(1, capacity) }

    /// Records one latency in microseconds.
    public mutating func record(microseconds: Int64) {
        if samples.count < capacity {
            samples.append(microseconds)
        } else {
            samples[next] = microseconds
        }
        next = (next + 1) % capacity
        count += 1
    }

    /// The latency at a percentile (0...100) of the kept samples, in microseconds, or `nil` with no samples.
    public func percentile(_ p: Double) -> Int64? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
