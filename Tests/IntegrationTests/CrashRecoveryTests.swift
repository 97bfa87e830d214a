import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import StockProjection
import Synchronization
import TestSupport
import Testing

/// `stockd serve` killed with SIGKILL at random moments while Odoo writes, then restarted: the figures converge
/// to Odoo's, nothing lost or doubled. PostgreSQL restarted under a running feed: it reconnects and converges.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct CrashRecoveryTests {
    static var stockdExecutable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("stockd")
    }

    static func serve(database: TestDatabase, store: String) throws -> Process {
        let process = Process()
        process.executableURL = stockdExecutable
        process.arguments = ["serve", "--dsn", database.dsn, "--store", store, "--log-level", "error", "--status-every", "0"]
        process.environment = ProcessInfo.processInfo.environment.merging(["STOCKD_SOURCE_SLOT": database.slot]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Twenty SIGKILLs while Odoo writes: during the initial snapshot, while streaming (each of those instances
    /// had applied stream transactions past the checkpoint it started from), and during resyncs. Then a last start
    /// catches up and every figure equals the oracle: nothing lost, nothing applied twice.
    @Test func sigkillAtTwentyMomentsLosesAndDoublesNothing() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 3_000, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 21))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let directory = TemporaryDirectory()
        let store = directory.path + "/store"
        let writer = OperationWriter(catalogue: catalogue, version: .v18, seed: 99)
        let progress = BackgroundWrites()
        let background = Thread { [writer] in
            var writer = writer
            while !progress.stopped.load(ordering: .acquiring) {
                if (try? writer.write(3, to: database)) != nil { progress.written.add(3, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        background.start()
        defer {
            progress.stopped.store(true, ordering: .releasing)
            while !background.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        }

        var killedIn: [String] = []
        for round in 0..<20 {
            let stockd = try StockdProcess(database: database, store: store)
            switch round {
            case 0:
                // A fresh store: kill while the initial snapshot copies.
                try stockd.wait(for: "the initial snapshot") { $0.phase == "snapshotting" }
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.05))
            case 5, 12, 17:
                try stockd.wait(for: "streaming") { $0.phase == "streaming" }
                kill(stockd.process.processIdentifier, SIGHUP)
                try stockd.wait(for: "the resync") { $0.phase == "resyncing" }
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.1))
            default:
                // Streaming, and past the checkpoint it started from, with writes in flight.
                try stockd.wait(for: "streaming") { $0.phase == "streaming" && $0.appliedLSN != nil }
                let started = stockd.status()?.appliedLSN ?? 0
                try stockd.wait(for: "stream transactions applied") { ($0.appliedLSN ?? 0) > started }
                Thread.sleep(forTimeInterval: Double.random(in: 0.02...0.4))
            }
            killedIn.append(stockd.status()?.phase ?? "unknown")
            stockd.kill()
            #expect(stockd.process.terminationReason == .uncaughtSignal)
        }
        #expect(killedIn.count == 20)
        #expect(killedIn.first == "snapshotting", "\(killedIn)")
        #expect(killedIn.filter { $0 == "resyncing" }.count >= 2, "\(killedIn)")
        #expect(killedIn.filter { $0 == "streaming" }.count >= 14, "\(killedIn)")
        progress.stopped.store(true, ordering: .releasing)
        while !background.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(progress.written.load(ordering: .relaxed) > 60)

        // Restart once more, in process, and let it catch up.
        let harness = try FeedHarness(database: database, storePath: store)
        let killedEpoch = harness.projection.snapshot().changeEpoch
        harness.feed.start()
        defer { harness.feed.stop() }
        try harness.waitUntilCaughtUp()
        // The killed process never closed its session: cursors it handed out may not match the replay.
        #expect(harness.projection.snapshot().changeEpoch != killedEpoch)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// Restarts PostgreSQL ten times under a running feed while Odoo-like writes are in flight, alternating a
    /// clean (`fast`) and a crash-like (`immediate`) shutdown. It uses a cluster of its own, so other suites keep
    /// theirs. Writes that the restart breaks off are simply lost to both sides; the figures must equal what the
    /// database holds at the end.
    @Test func postgresRestartedTenTimesMidStreamReconnectsAndConverges() throws {
        let cluster = try TestCluster()
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 100, seed: 8))
        let database = try ReplicationFeedTests.prepare(.v16, catalogue: catalogue, port: cluster.port)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        defer { harness.feed.stop() }
        var writer = OperationWriter(catalogue: catalogue, version: .v16, seed: 4)
        try writer.write(100, to: database)
        try harness.waitUntilCaughtUp()

        // Writes in flight: a second thread keeps writing small transactions, through every restart.
        let progress = BackgroundWrites()
        let background = Thread { [writer] in
            var writer = writer
            while !progress.stopped.load(ordering: .acquiring) {
                if (try? writer.write(2, to: database)) != nil {
                    progress.written.add(2, ordering: .relaxed)
                } else {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        }
        background.start()
        defer {
            progress.stopped.store(true, ordering: .releasing)
            while !background.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        }
        for round in 0..<10 {
            let before = progress.written.load(ordering: .relaxed)
            let deadline = Date().addingTimeInterval(20)
            while progress.written.load(ordering: .relaxed) < before + 6 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            #expect(progress.written.load(ordering: .relaxed) >= before + 6, "round \(round): no writes in flight")
            try cluster.stop(mode: round % 2 == 0 ? "fast" : "immediate")
            try cluster.start()
        }
        progress.stopped.store(true, ordering: .releasing)
        while !background.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        try harness.waitUntilCaughtUp(timeout: 60)
        #expect(harness.feed.status.reconnects >= 10)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
        #expect(harness.feed.status.unexpectedRows == 0)
    }

    /// A process killed between the two renames of a resync's swap leaves no store at the path and the committed
    /// new one under `<store>.resync`: the next `stockd serve` finishes the swap and streams on from it.
    @Test func aSwapInterruptedBetweenItsRenamesIsFinishedAtTheNextStart() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, seed: 23))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 7)
        try writer.write(30, to: database)
        try harness.waitUntilCaughtUp()
        harness.feed.requestResync()
        try harness.wait(for: "the resync") { harness.feed.status.resyncAttempts >= 1 && harness.feed.status.phase == .streaming }
        harness.feed.stop()
        // The state a kill between `store → store.retired` and `store.resync → store` leaves.
        try FileManager.default.moveItem(atPath: harness.storePath, toPath: harness.storePath + ".resync")
        let before = try database.currentLSN()
        try writer.write(20, to: database)

        let stockd = try StockdProcess(database: database, store: harness.storePath)
        try stockd.wait(for: "streaming the new writes") { $0.phase == "streaming" && ($0.appliedLSN ?? 0) > before }
        stockd.process.terminate()
        stockd.process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: harness.storePath + ".resync"))
        let finished = try FeedHarness(database: database, storePath: harness.storePath)
        finished.feed.start()
        defer { finished.feed.stop() }
        try finished.waitUntilCaughtUp()
        #expect(finished.feed.status.gapsDetected == 0)
        try OracleComparison.expectEqual(finished.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// A dropped slot is reported as lost while the last state keeps being served; a resync rebuilds the store
    /// from a fresh snapshot, swaps it in, and streaming goes on.
    @Test func lostSlotIsReportedAndResyncRecovers() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 80, seed: 13))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        let harness = try FeedHarness(database: database) { $0.autoResync = false }
        harness.feed.start()
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 6)
        try writer.write(100, to: database)
        try harness.waitUntilCaughtUp()
        harness.feed.stop()

        // The server process of the closed connection may hold the slot a moment longer.
        try harness.wait(for: "the slot to be released", timeout: 20) {
            try ReplicationSlot(name: database.slot).status(on: database.connect())?.active == false
        }
        try database.connect().execute("SELECT pg_drop_replication_slot('\(database.slot)')")
        try writer.write(100, to: database)  // changes the lost slot would have carried
        try harness.restart()
        let deadline = Date().addingTimeInterval(20)
        while harness.feed.status.phase != .slotLost && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(harness.feed.status.phase == .slotLost)
        let servedWhileLost = harness.projection.snapshot().counts.quants
        #expect(servedWhileLost > 0)

        harness.feed.requestResync()
        try writer.write(50, to: database)
        try harness.waitUntilCaughtUp()
        #expect(harness.feed.status.phase == .streaming)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
        #expect(!FileManager.default.fileExists(atPath: harness.storePath + ".resync"))
        harness.feed.stop()
    }
}

/// What a background writer thread shares with the test's thread.
final class BackgroundWrites: Sendable {
    /// Transactions written so far.
    let written = Atomic<Int>(0)
    /// Set to stop the writer.
    let stopped = Atomic<Bool>(false)
}
