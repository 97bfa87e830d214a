import Foundation
import OdooReplication
import StockEvents
import StockProjection
import Synchronization
import Testing

/// What the stock-event crash tests share (`EventOutboxCrashTests`, `WebhookChaosTests`): a reference feed that
/// is never killed, Odoo-like writes on a background thread, and `stockd serve` SIGKILLed at random moments.
enum EventCrashHarness {
    /// The environment of a `stockd serve` that evaluates the rules of `rulesFile` and computes as the in-process
    /// feeds do (`ProjectionSettings()`: no quarantine, no safety stock).
    static func serveEnvironment(rulesFile: String) -> [String: String] {
        ["STOCKD_EVENTS_RULES_FILE": rulesFile, "STOCKD_QUARANTINE_NAME_PATTERNS": "", "STOCKD_QUARANTINE_WAREHOUSE_QC_LOCATIONS": "false"]
    }

    /// Starts the reference: a feed that is never killed, on a slot of its own (`<slot>_ref`, created with its
    /// snapshot now, so call it before any write), evaluating `rules`; returns it caught up. The caller stops it.
    static func startReference(database: TestDatabase, rules: [EventRule]) throws -> FeedHarness {
        let reference = try FeedHarness(database: database) { $0.slot = database.slot + "_ref" }
        reference.projection.setTransactionObserver(EventEvaluator(rules: rules))
        reference.feed.start()
        try reference.waitUntilCaughtUp()
        return reference
    }

    /// SIGKILLs `stockd serve` `rounds` times: each round waits until the instance streams and has applied
    /// transactions past where it started, lets it run a random time within `pause` seconds, and kills it; the
    /// next round restarts it with `restart`. `first` is the running instance of round 0.
    ///
    /// - Returns: How many kills there were; each is expected to end the process by the signal.
    static func killAtRandomMoments(
        rounds: Int, pause: ClosedRange<Double> = 0.02...0.4, first: StockdProcess, restart: () throws -> StockdProcess,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        var stockd = first
        var kills = 0
        for round in 0..<rounds {
            if round > 0 { stockd = try restart() }
            try stockd.wait(for: "streaming") { $0.phase == "streaming" && $0.appliedLSN != nil }
            let started = stockd.status()?.appliedLSN ?? 0
            try stockd.wait(for: "stream transactions applied") { ($0.appliedLSN ?? 0) > started }
            Thread.sleep(forTimeInterval: Double.random(in: pause))
            stockd.kill()
            #expect(stockd.process.terminationReason == .uncaughtSignal, sourceLocation: sourceLocation)
            kills += 1
        }
        return kills
    }
}

/// Odoo-like transactions written to a test database on a background thread, `batch` at a time every
/// `interval`, until ``stop()`` (or the end of the scope that holds it).
final class BackgroundOperationWriter {
    private let progress = BackgroundWrites()
    private let thread: Thread

    /// Starts writing.
    init(_ writer: OperationWriter, to database: TestDatabase, batch: Int = 3, interval: TimeInterval = 0.01) {
        thread = Thread { [progress] in
            var writer = writer
            while !progress.stopped.load(ordering: .acquiring) {
                if (try? writer.write(batch, to: database)) != nil { progress.written.add(batch, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.start()
    }

    /// Transactions committed so far.
    var written: Int { progress.written.load(ordering: .relaxed) }

    /// Stops the writer and waits until its last batch is committed.
    func stop() {
        progress.stopped.store(true, ordering: .releasing)
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    }

    deinit { stop() }
}
