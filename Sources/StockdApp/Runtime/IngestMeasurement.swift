import Foundation
public import OdooReplication
public import PostgresReplicationWire

/// Measures the replication feed for the ingest benchmarks (`stockd ingest-benchmark`, driven by
/// scripts/bench-ingest.sh): waits until the feed streams, then until an LSN is applied or a time has passed,
/// and summarises throughput and freshness as one JSON line.
public enum IngestMeasurement {
    /// When to stop measuring.
    public enum Stop: Sendable {
        /// Once this LSN is applied (or confirmed).
        case lsn(LSN)
        /// After this many seconds of streaming.
        case seconds(Double)

        /// Stops at the LSN written as PostgreSQL prints it (`0/16B3748`); `nil` for other text.
        public init?(lsnText: String) {
            guard let lsn = LSN(lsnText) else { return nil }
            self = .lsn(lsn)
        }
    }

    /// Runs `feed` (not yet started) until `stop`, stops it, and returns the summary line.
    public static func run(feed: ReplicationFeed, until stop: Stop) async throws -> String {
        feed.start()
        while feed.status.phase != .streaming { try await Task.sleep(for: .milliseconds(1)) }
        let clock = ContinuousClock()
        let started = clock.now
        let startRows = feed.status.rowChanges
        let startDropped = feed.status.droppedMoveRows
        let startCPU = processCPUSeconds()
        while true {
            let status = feed.status
            if case .lsn(let target) = stop, (status.appliedLSN ?? 0) >= target.rawValue || (status.confirmedLSN ?? 0) >= target.rawValue { break }
            if case .seconds(let seconds) = stop, clock.now - started >= .seconds(seconds) { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let cpuSeconds = processCPUSeconds() - startCPU
        let status = feed.status
        feed.stop()
        let rows = status.rowChanges - startRows
        let dropped = status.droppedMoveRows - startDropped
        func ms(_ p: Double) -> String { status.freshness.percentile(p).map { String(Double($0) / 1000) } ?? "null" }
        return "{\"seconds\":\(seconds),\"transactions\":\(status.transactions),\"row_changes\":\(rows),"
            + "\"row_changes_per_second\":\(Int(Double(rows) / max(seconds, 1e-9))),\"commits\":\(status.commits),"
            + "\"freshness_ms\":{\"p50\":\(ms(50)),\"p90\":\(ms(90)),\"p99\":\(ms(99)),\"max\":\(ms(100))},"
            + "\"freshness_samples\":\(status.freshness.count),\"unexpected_rows\":\(status.unexpectedRows),"
            + "\"dropped_move_rows\":\(dropped),\"cpu_seconds\":\(cpuSeconds)}"
    }

    /// The CPU time (user and system, every thread) this process has used: over the measurement, how much of the
    /// machine stockd took, which on a loaded machine says more than the wall clock alone.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
