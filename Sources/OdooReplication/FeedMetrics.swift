import Metrics
import Synchronization

/// The feed's figures as swift-metrics instruments (exported at `/metrics` when Prometheus is bootstrapped):
///
/// | Metric | Kind | Meaning |
/// |---|---|---|
/// | `stockd_replication_transactions_total` | counter | source transactions applied |
/// | `stockd_replication_row_changes_total` | counter | row changes applied |
/// | `stockd_replication_unexpected_rows_total` | counter | rows logged and skipped (unmappable data, unknown deletes) |
/// | `stockd_replication_lag_bytes` | gauge | server WAL end minus the durable position |
/// | `stockd_replication_lag_seconds` | gauge | age of the last applied commit while behind, 0 when caught up |
/// | `stockd_replication_streaming` | gauge | 1 while streaming, 0 otherwise (snapshot, reconnecting, slot lost) |
/// | `stockd_replication_ignored_rows_total` | counter | rows of published tables stockd does not mirror |
/// | `stockd_replication_dropped_move_rows_total` | counter | `stock_move` rows outside the open states dropped (or reduced to a close) at decode time |
/// | `stockd_replication_reconnects_total` | counter | connections lost or given up and retried |
/// | `stockd_replication_stalls_total` | counter | connections dropped because the server went silent |
/// | `stockd_replication_gaps_total` | counter | times the store was found behind its slot (then resynced) |
/// | `stockd_replication_resyncs_total` | counter | resyncs started |
/// | `stockd_replication_resync_failures_total` | counter | resyncs that failed (retried; old figures serve) |
/// | `stockd_replication_phase` | gauge, label `phase` | 1 for the feed's current phase, 0 for the others |
/// | `stockd_kits_invalid` | gauge | kits whose BoM cannot be computed (cycles, unit mismatches) |
/// | `stockd_kit_problems_total` | counter | kits that became invalid |
final class FeedMetrics: Sendable {
    private let transactions = Counter(label: "stockd_replication_transactions_total")
    private let rowChanges = Counter(label: "stockd_replication_row_changes_total")
    private let unexpectedRows = Counter(label: "stockd_replication_unexpected_rows_total")
    private let lagBytes = Gauge(label: "stockd_replication_lag_bytes")
    private let lagSeconds = Gauge(label: "stockd_replication_lag_seconds")
    private let streaming = Gauge(label: "stockd_replication_streaming")
    private let ignoredRows = Counter(label: "stockd_replication_ignored_rows_total")
    private let droppedMoveRows = Counter(label: "stockd_replication_dropped_move_rows_total")
    private let reconnects = Counter(label: "stockd_replication_reconnects_total")
    private let stalls = Counter(label: "stockd_replication_stalls_total")
    private let gaps = Counter(label: "stockd_replication_gaps_total")
    private let resyncs = Counter(label: "stockd_replication_resyncs_total")
    private let resyncFailures = Counter(label: "stockd_replication_resync_failures_total")
    private let phases: [(FeedStatus.Phase, Gauge)] = FeedStatus.Phase.allCases.map {
        ($0, Gauge(label: "stockd_replication_phase", dimensions: [("phase", $0.rawValue)]))
    }
    private let invalidKits = Gauge(label: "stockd_kits_invalid")
    private let kitProblems = Counter(label: "stockd_kit_problems_total")
    /// Totals already reported, so counters get increments (a resync resets the status totals: never negative).
    private let reported = Mutex(Totals())
    private let reportedPhase = Mutex<FeedStatus.Phase?>(nil)

    /// The status totals already turned into counter increments.
    private struct Totals {
        var transactions = 0
        var rowChanges = 0
        var unexpectedRows = 0
        var ignoredRows = 0
        var droppedMoveRows = 0
        var reconnects = 0
        var stalls = 0
        var gaps = 0
        var resyncs = 0
        var resyncFailures = 0
    }

    /// Reports the status; called under the status lock after every change.
    func observe(_ status: FeedStatus, now: Int64) {
        reported.withLock { last in
            func report(_ counter: Counter, _ value: Int, _ path: WritableKeyPath<Totals, Int>) {
                if value > last[keyPath: path] { counter.increment(by: Int64(value - last[keyPath: path])) }
                last[keyPath: path] = value
            }
            report(transactions, status.transactions, \.transactions)
            report(rowChanges, status.rowChanges, \.rowChanges)
            report(unexpectedRows, status.unexpectedRows, \.unexpectedRows)
            report(ignoredRows, status.ignoredRows, \.ignoredRows)
            report(droppedMoveRows, status.droppedMoveRows, \.droppedMoveRows)
            report(reconnects, status.reconnects, \.reconnects)
            report(stalls, status.stalls, \.stalls)
            report(gaps, status.gapsDetected, \.gaps)
            report(resyncs, status.resyncAttempts, \.resyncs)
            report(resyncFailures, status.resyncFailures, \.resyncFailures)
        }
        lagBytes.record(Double(status.lagBytes))
        lagSeconds.record(Double(status.lagMilliseconds(now: now) ?? 0) / 1000)
        streaming.record(status.phase == .streaming ? 1 : 0)
        reportedPhase.withLock { last in
            guard last != status.phase else { return }
            last = status.phase
            for (phase, gauge) in phases { gauge.record(phase == status.phase ? 1 : 0) }
        }
    }

    /// Reports invalid kits after a transaction group changed some kit definitions.
    func recordKits(invalid: Int, newlyInvalid: Int) {
        invalidKits.record(Double(invalid))
        kitProblems.increment(by: Int64(newlyInvalid))
    }
}
