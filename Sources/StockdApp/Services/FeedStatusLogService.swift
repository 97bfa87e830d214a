public import Logging
public import OdooReplication
public import ServiceLifecycle
import StockProjection

/// Logs the feed's status (phase, position, lag, counts, freshness) every few seconds, the line operators grep.
public struct FeedStatusLogService: Service {
    let feed: ReplicationFeed
    let interval: Duration
    let logger: Logger

    /// Logs `feed`'s status every `interval` (never when it is zero) until the group shuts down.
    public init(feed: ReplicationFeed, interval: Duration, logger: Logger) {
        self.feed = feed
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        guard interval > .zero else { return }
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    log(feed.status)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    private func log(_ status: FeedStatus) {
        logger.info(
            "feed",
            metadata: [
                "phase": "\(status.phase.rawValue)", "replication.lsn": "\(status.appliedCheckpoint?.description ?? "-")",
                "lag_bytes": "\(status.lagBytes)", "transactions": "\(status.transactions)", "unexpected": "\(status.unexpectedRows)",
                "freshness_p50_ms": "\(Double(status.freshness.percentile(50) ?? 0) / 1000)",
                "freshness_p99_ms": "\(Double(status.freshness.percentile(99) ?? 0) / 1000)",
            ]
        )
    }
}
