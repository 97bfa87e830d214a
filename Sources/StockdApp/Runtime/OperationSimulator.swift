import Foundation
public import Logging
public import StockCatalogue
import StockProjection

/// Drives a projection with random Odoo-style stock operations (moves, receipts, deliveries, scrap,
/// reservations, merges, zero-quant clean-up), persisting each group of transactions to the store: a stand-in
/// for the live PostgreSQL feed, for demos and load generation.
public struct OperationSimulator {
    /// What a run did.
    public struct Summary: Sendable {
        /// Transactions applied.
        public var transactions = 0
        /// Row changes applied.
        public var rowChanges = 0
        /// LMDB commits (each holds a group of transactions).
        public var commits = 0
        /// Wall-clock seconds.
        public var seconds = 0.0
    }

    /// Runs for a duration at a target rate.
    ///
    /// - Parameters:
    ///   - catalogue: The catalogue the store was generated from (to pick variants and locations).
    ///   - runtime: The store and projection to drive.
    ///   - seconds: How long to run.
    ///   - transactionsPerSecond: The target rate.
    ///   - groupSize: How many transactions go into one LMDB commit at most.
    ///   - logger: Progress is logged once a second.
    public static func run(
        catalogue: OdooCatalogue,
        runtime: ProjectionRuntime,
        seconds: Double,
        transactionsPerSecond: Int,
        groupSize: Int = 64,
        logger: Logger
    ) throws -> Summary {
        let start = runtime.projection.snapshot().checkpoint?.position ?? 1
        // Continue from the store's quants rather than the freshly generated ones.
        var current: [Quant] = []
        runtime.projection.snapshot().forEachQuant { current.append($0) }
        var operations = OdooOperations(catalogue: catalogue, seed: start, startPosition: start, currentQuants: current)
        var summary = Summary()
        let clock = ContinuousClock()
        let began = clock.now
        var nextReport = began + .seconds(1)
        let interval = Duration.seconds(1) / max(1, transactionsPerSecond)
        var due = began
        while clock.now - began < .seconds(seconds) {
            var group: [SourceTransaction] = []
            while group.count < groupSize, clock.now >= due {
                var transaction = operations.next()
                transaction.checkpoint.commitTime = Int64(Date().timeIntervalSince1970 * 1_000_000)
                group.append(transaction)
                due += interval
            }
            if group.isEmpty {
                try? Task.checkCancellation()
                Thread.sleep(forTimeInterval: min(0.005, max(0, Double((due - clock.now).components.attoseconds) / 1e18)))
                continue
            }
            let report = try runtime.projection.apply(group, persistingTo: runtime.store)
            summary.transactions += report.applied
            summary.rowChanges += report.rowChanges
            summary.commits += 1
            if clock.now >= nextReport {
                nextReport += .seconds(1)
                let snapshot = runtime.projection.snapshot()
                logger.info(
                    "simulating",
                    metadata: [
                        "transactions": "\(summary.transactions)", "commits": "\(summary.commits)",
                        "checkpoint": "\(snapshot.checkpoint?.description ?? "-")", "quants": "\(snapshot.counts.quants)",
                    ]
                )
            }
        }
        let elapsed = clock.now - began
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }
}
