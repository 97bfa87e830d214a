import Foundation
import OdooFixtures
import OdooReplication
import StockCatalogue
import StockProjection
import Synchronization
import TestSupport
import Testing

/// `stockd serve` killed with SIGKILL while Odoo writes mostly moves (create, confirm, reserve, partial delivery,
/// validate, cancel, re-date), during the snapshot and while streaming; a last start catches up and every
/// incoming, outgoing and forecast figure equals the oracle over `stock_move`: no move lost or doubled.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct ForecastCrashTests {
    @Test func sigkillDuringMoveHeavyIngestLosesAndDoublesNothing() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 800, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 23))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        var seeded = OperationWriter(catalogue: catalogue, version: .v18, seed: 31)
        seeded.operations.moveRate = 1  // every transaction is a move operation
        try seeded.write(400, to: database)  // open moves for the snapshot to copy
        let directory = TemporaryDirectory()
        let store = directory.path + "/store"
        let progress = BackgroundWrites()
        let background = Thread { [seeded] in
            var writer = seeded
            while !progress.stopped.load(ordering: .acquiring) {
                if (try? writer.write(4, to: database)) != nil { progress.written.add(4, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        background.start()
        defer {
            progress.stopped.store(true, ordering: .releasing)
            while !background.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        }

        var killedIn: [String] = []
        for round in 0..<8 {
            let stockd = try StockdProcess(database: database, store: store)
            if round == 0 {
                try stockd.wait(for: "the initial snapshot") { $0.phase == "snapshotting" }
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.05))
            } else {
                try stockd.wait(for: "streaming") { $0.phase == "streaming" && $0.appliedLSN != nil }
                let started = stockd.status()?.appliedLSN ?? 0
                try stockd.wait(for: "stream transactions applied") { ($0.appliedLSN ?? 0) > started }
                Thread.sleep(forTimeInterval: Double.random(in: 0.02...0.3))
            }
            killedIn.append(stockd.status()?.phase ?? "unknown")
            stockd.kill()
            #expect(stockd.process.terminationReason == .uncaughtSignal)
        }
        #expect(killedIn.filter { $0 == "streaming" }.count >= 6, "\(killedIn)")
        progress.stopped.store(true, ordering: .releasing)
        while !background.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(progress.written.load(ordering: .relaxed) > 40)

        let harness = try FeedHarness(database: database, storePath: store)
        harness.feed.start()
        defer { harness.feed.stop() }
        try harness.waitUntilCaughtUp()
        let snapshot = harness.projection.snapshot()
        #expect(snapshot.openMoveCount > 0)
        let scopes = OracleComparison.scopes(catalogue)
        try ForecastOracleTests.expectEqual(snapshot, database: database, version: .v18, scopes: scopes)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: scopes)
    }
}
