public import OdooReplication
public import StockHTTP
import StockProjection
import StockStorage

#if canImport(Glibc)
import Glibc
#endif

/// Presents the replication feed's status to the HTTP API (`/readyz`, `/v1/status`, `as_of`, the status page),
/// so the API does not depend on the replication modules.
public struct FeedStatusAdapter: FeedStatusProvider {
    private let feed: ReplicationFeed
    private let maxUnexpectedRows: Int

    /// Wraps a feed.
    ///
    /// - Parameters:
    ///   - feed: The replication feed.
    ///   - maxUnexpectedRows: Past this many source rows that could not be applied as given, `/readyz` fails.
    public init(feed: ReplicationFeed, maxUnexpectedRows: Int = StockdConfiguration.Readiness().maxUnexpectedRows) {
        self.feed = feed
        self.maxUnexpectedRows = maxUnexpectedRows
    }

    /// Read on every data request: the feed's summary (no sample buffers), so requests never make the feed copy them.
    public var httpStatus: FeedHTTPStatus { Self.httpStatus(of: feed.summary, now: Self.now(), maxUnexpectedRows: maxUnexpectedRows) }

    /// How the API reports a feed status: data endpoints answer whenever figures are loaded (the old ones keep
    /// serving through a resync, with their honest `as_of` and lag); readiness fails, with the reason, in every
    /// phase where the figures may not follow the source.
    static func httpStatus(of status: FeedStatus, now: Int64, maxUnexpectedRows: Int = .max) -> FeedHTTPStatus {
        // Figures exist once a checkpoint is applied, except while the very first snapshot is copied.
        let loaded = status.appliedLSN != nil && status.phase != .starting && status.phase != .snapshotting
        var http = FeedHTTPStatus(
            phase: status.phase.rawValue,
            isLoaded: loaded,
            lastCommitTimeMicros: status.appliedCommitTime,
            appliedLSN: status.appliedCheckpoint?.description,
            lagBytes: status.lagBytes,
            lagMilliseconds: status.lagMilliseconds(now: now),
            slotState: status.phase == .slotLost ? "lost" : "ok",
            transactions: status.transactions,
            unexpectedRows: status.unexpectedRows,
            lastError: status.lastError,
            notReadyReason: notReadyReason(status.phase, unexpectedRows: status.unexpectedRows, maxUnexpectedRows: maxUnexpectedRows)
        )
        // What the feed confirmed is applied (and, when idle, the server's WAL end with nothing left to apply).
        http.consistentLSN = status.confirmedLSN
        return http
    }

    /// Why the server should get no traffic, or `nil`: its phase, or too many rows that could not be applied.
    static func notReadyReason(_ phase: FeedStatus.Phase, unexpectedRows: Int, maxUnexpectedRows: Int) -> String? {
        var reasons: [String] = []
        if let reason = notReadyReason(phase) { reasons.append(reason) }
        if unexpectedRows > maxUnexpectedRows {
            reasons.append(
                "\(unexpectedRows) source rows could not be applied as given (over readiness.max_unexpected_rows = \(maxUnexpectedRows)): "
                    + "figures may be wrong; see recent errors, fix the source, then resync"
            )
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Why a phase keeps the server out of a balancer's rotation, or `nil`.
    static func notReadyReason(_ phase: FeedStatus.Phase) -> String? {
        switch phase {
        case .slotLost: "replication slot lost: the figures no longer follow the source; resync (automatic unless disabled, or SIGHUP)"
        case .resyncing: "resyncing: serving the figures as of the last checkpoint until the fresh snapshot is swapped in"
        case .storeBehindSlot: "the store is behind its replication slot (lost commits): resyncing"
        case .schemaMismatch: "a mirrored table cannot be mapped (schema changed): the feed is stopped; see last_error"
        case .stopped: "the replication feed is stopped"
        case .starting, .snapshotting, .streaming, .reconnecting: nil
        }
    }

    public var statusDetails: FeedStatusDetails {
        Self.details(of: feed.status, storeBytes: Self.dataFileSize(directory: feed.store.location))
    }

    /// The details of a feed status: its history with rates, current rates, recent errors.
    static func details(of status: FeedStatus, storeBytes: Int?) -> FeedStatusDetails {
        let rates = status.history.rates()
        return FeedStatusDetails(
            rowChanges: status.rowChanges,
            transactionsPerSecond: rates?.transactionsPerSecond,
            rowChangesPerSecond: rates?.rowChangesPerSecond,
            storeBytes: storeBytes,
            history: status.history.ratePoints.map {
                FeedStatusDetails.Point(
                    timeMicros: $0.sample.time,
                    lagMilliseconds: $0.sample.lagMilliseconds,
                    lagBytes: $0.sample.lagBytes,
                    transactionsPerSecond: $0.transactionsPerSecond,
                    rowChangesPerSecond: $0.rowChangesPerSecond
                )
            },
            recentErrors: status.recentErrors.entries.map {
                FeedStatusDetails.RecentError(timeMicros: $0.time, kind: $0.kind.rawValue, message: $0.message, count: $0.count)
            }
        )
    }

    /// The size of an LMDB environment's `data.mdb`, or `nil` when it cannot be examined.
    static func dataFileSize(directory: String) -> Int? {
        var fileStatus = stat()
        guard stat(directory + "/data.mdb", &fileStatus) == 0 else { return nil }
        return Int(fileStatus.st_size)
    }

    /// Microseconds since 1970-01-01 UTC, from the system clock.
    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
