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
/// | `stockd_kits_invalid` | gauge | kits whose BoM cannot be computed (cycles, unit mismatches) |
/// | `stockd_kit_problems_total` | counter | kits that became invalid |
final class FeedMetrics: Sendable {
    private let transactions = Counter(label: "stockd_replication_transactions_total")
    private let rowChanges = Counter(label: "stockd_replication_row_changes_total")
    private let unexpectedRows = Counter(label: "stockd_replication_unexpected_rows_total")
    private let lagBytes = Gauge(label: "stockd_replication_lag_bytes")
    private let lagSeconds = Gauge(label: "stockd_replication_lag_seconds")
    private let streaming = Gauge(label: "stockd_replication_streaming")
    private let invalidKits = Gauge(label: "stockd_kits_invalid")
    private let kitProblems = Counter(label: "stockd_kit_problems_total")
    /// Totals already reported, so counters get increments (a resync resets the status totals: never negative).
    private let reported = Mutex((transactions: 0, rowChanges: 0, unexpectedRows: 0))

    /// Reports the status; called under the status lock after every change.
    func observe(_ status: FeedStatus, now: Int64) {
        reported.withLock { last in
            if status.transactions > last.transactions { transactions.increment(by: Int64(status.transactions - last.transactions)) }
            if status.rowChanges > last.rowChanges { rowChanges.increment(by: Int64(status.rowChanges - last.rowChanges)) }
            if status.unexpectedRows > last.unexpectedRows { unexpectedRows.increment(by: Int64(status.unexpectedRows - last.unexpectedRows)) }
            last = (status.transactions, status.rowChanges, status.unexpectedRows)
        }
        lagBytes.record(Double(status.lagBytes))
        lagSeconds.record(Double(status.lagMilliseconds(now: now) ?? 0) / 1000)
        streaming.record(status.phase == .streaming ? 1 : 0)
    }

    /// Reports invalid kits after a transaction group changed some kit definitions.
    func recordKits(invalid: Int, newlyInvalid: Int) {
        invalidKits.record(Double(invalid))
        kitProblems.increment(by: Int64(newlyInvalid))
    }
}
