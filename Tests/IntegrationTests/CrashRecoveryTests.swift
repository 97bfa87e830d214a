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

    @Test func sigkillDuringIngestLosesAndDoublesNothing() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 200, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 21))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let directory = TemporaryDirectory()
        let store = directory.path + "/store"
        var writer = OperationWriter(catalogue: catalogue, version: .v18, seed: 99)
        var process = try Self.serve(database: database, store: store)
        var kills = 0
        for round in 0..<8 {
            try writer.write(150, to: database)
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.6))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            kills += 1
            if round < 7 { process = try Self.serve(database: database, store: store) }
        }
        #expect(kills == 8)
        // Restart once more, in process, and let it catch up.
        let harness = try FeedHarness(database: database, storePath: store)
        harness.feed.start()
        defer { harness.feed.stop() }
        try harness.waitUntilCaughtUp()
        #expect(harness.projection.snapshot().counts.quants == writer.operations.quants.count)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// Restarts PostgreSQL under a running feed. It uses a cluster of its own, so other suites keep theirs.
    @Test func postgresRestartMidStreamReconnectsAndConverges() throws {
        let clusterDirectory = TemporaryDirectory()
        chmod(clusterDirectory.path, 0o755)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-test.sh").path
        let environment = ProcessInfo.processInfo.environment.merging(["PGTEST_DIR": clusterDirectory.path + "/pg"]) { $1 }
        try ShellCommand.run(["/bin/bash", script, "start"], environment: environment)
        defer { try? ShellCommand.run(["/bin/bash", script, "destroy"], environment: environment) }
        let port = try String(contentsOfFile: clusterDirectory.path + "/pg/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 100, seed: 8))
        let database = try ReplicationFeedTests.prepare(.v16, catalogue: catalogue, port: port)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        defer { harness.feed.stop() }
        var writer = OperationWriter(catalogue: catalogue, version: .v16, seed: 4)
        try writer.write(200, to: database)
        try harness.waitUntilCaughtUp()

        try ShellCommand.run(["/bin/bash", script, "stop"], environment: environment)
        try ShellCommand.run(["/bin/bash", script, "start"], environment: environment)

        try writer.write(200, to: database)
        try harness.waitUntilCaughtUp()
        #expect(harness.feed.status.reconnects >= 1)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// A dropped slot is reported as lost while the last state keeps being served; a resync rebuilds the store
    /// from a fresh snapshot, swaps it in, and streaming goes on.
    @Test func lostSlotIsReportedAndResyncRecovers() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 80, seed: 13))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 6)
        try writer.write(100, to: database)
        try harness.waitUntilCaughtUp()
        harness.feed.stop()

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
