public import OdooReplication
public import StockHTTP
import StockProjection

#if canImport(Glibc)
import Glibc
#endif

/// Presents the replication feed's status to the HTTP API (`/readyz`, `/v1/status`, `as_of`), so the API does
/// not depend on the replication modules.
public struct FeedStatusAdapter: FeedStatusProvider {
    private let feed: ReplicationFeed

    /// Wraps a feed.
    public init(feed: ReplicationFeed) { self.feed = feed }

    public var httpStatus: FeedHTTPStatus {
        let status = feed.status
        let loaded = status.appliedLSN != nil && status.phase != .starting && status.phase != .snapshotting
        return FeedHTTPStatus(
            phase: status.phase.rawValue,
            isLoaded: loaded,
            lastCommitTimeMicros: status.appliedCommitTime,
            appliedLSN: status.appliedCheckpoint?.description,
            lagBytes: status.lagBytes,
            lagMilliseconds: Self.lagMilliseconds(status),
            slotState: status.phase == .slotLost ? "lost" : "ok",
            transactions: status.transactions,
            unexpectedRows: status.unexpectedRows,
            lastError: status.lastError,
            notReadyReason: status.phase == .slotLost ? "replication slot lost: run `stockd resync` or send SIGHUP" : nil
        )
    }

    /// How far behind the source the projection is: zero while streaming and caught up; otherwise the time
    /// since the last applied commit (or since the server was last heard from, when no commit arrived yet).
    static func lagMilliseconds(_ status: FeedStatus) -> Int64? {
        if status.phase == .streaming && status.lagBytes == 0 { return 0 }
        guard let reference = status.appliedCommitTime ?? status.lastMessageTime else { return nil }
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let now = Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
        return max(0, (now - reference) / 1_000)
    }
}
