import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import PostgresReplicationWire
import StockCatalogue
import StockProjection
import StockStorage
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fault suite's heavier scenarios: a full disk, a slot invalidated by PostgreSQL's WAL limit, and the loss
/// of a `no_sync` store's unsynced tail. Each ends with every figure equal to the oracle over the same database.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct FaultSuiteTests {
    /// The store's filesystem fills up: commits fail with a clear error (the feed goes back to what is durable),
    /// the store is not corrupted, and once space is back the feed catches up.
    @Test func aFullDiskIsReportedAndTheFeedRecoversOnceSpaceIsBack() throws {
        let mount = TemporaryDirectory()
        try ShellCommand.run(["/bin/mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.path])
        defer { try? ShellCommand.run(["/bin/umount", "-l", mount.path]) }
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 80, seed: 61))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        let harness = try FeedHarness(database: database, storePath: mount.path + "/store")
        harness.feed.start()
        defer { harness.feed.stop() }
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 3)
        try writer.write(20, to: database)
        try harness.waitUntilCaughtUp()

        // Fill what is left of the filesystem.
        let filler = mount.path + "/filler"
        _ = try? ShellCommand.run(["/bin/dd", "if=/dev/zero", "of=\(filler)", "bs=64k"])
        // LMDB first reuses free pages inside its file: write until a commit needs more room than is left.
        let deadline = Date().addingTimeInterval(90)
        while harness.feed.status.lastError?.contains("space") != true && Date() < deadline {
            try writer.write(30, to: database)
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(harness.feed.status.lastError?.contains("space") == true, "\(harness.feed.status)")
        #expect(harness.feed.status.phase == .reconnecting)

        try FileManager.default.removeItem(atPath: filler)
        try writer.write(10, to: database)
        try harness.waitUntilCaughtUp(timeout: 60)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
        // Not corrupt: the store reloads on its own and holds the same figures.
        harness.feed.stop()
        let reloaded = StockProjection(state: try LMDBProjectionStore(path: harness.storePath, initialMapSize: 64 << 20).load())
        try OracleComparison.expectEqual(reloaded, database: database, scopes: [.everywhere])
    }

    /// PostgreSQL invalidates the slot past `max_slot_wal_keep_size` while stockd is down: the next start finds it
    /// lost, says so, resyncs by itself while the old figures serve, and ends exact.
    @Test func aSlotInvalidatedByTheWALLimitIsResyncedWhileOldFiguresServe() throws {
        let cluster = try TestCluster()
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, seed: 62))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue, port: cluster.port)
        try database.admin.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'")
        try database.admin.execute("SELECT pg_reload_conf()")
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        var writer = OperationWriter(catalogue: catalogue, version: .v18, seed: 2)
        try writer.write(30, to: database)
        try harness.waitUntilCaughtUp()
        harness.feed.stop()
        let served = harness.projection.snapshot().counts.quants

        // While stockd is down: stock changes, then far more WAL than the slot may keep.
        try writer.write(30, to: database)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE ballast (id serial primary key, payload text)")
        for _ in 0..<3 {
            try connection.execute("INSERT INTO ballast (payload) SELECT repeat('x', 1000) FROM generate_series(1, 20000)")
            try connection.execute("SELECT pg_switch_wal()")
            try connection.execute("CHECKPOINT")
        }
        let state = try connection.execute("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '\(database.slot)'").value("wal_status")
        #expect(state == "lost")

        try harness.reopen()
        #expect(harness.projection.snapshot().counts.quants == served)  // the old figures, loaded at once
        harness.feed.start()
        defer { harness.feed.stop() }
        try harness.wait(for: "the resync after the lost slot") { harness.feed.status.resyncAttempts >= 1 && harness.feed.status.phase == .streaming }
        #expect(harness.feed.status.recentErrors.entries.contains { $0.message.contains("missing or invalidated") })
        try writer.write(10, to: database)
        try harness.waitUntilCaughtUp()
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// `store.durability: no_sync`: a power cut loses what was committed but not synced. stockd must never have
    /// confirmed it to PostgreSQL, so that the server sends it again. Simulated: copy the store as of the last
    /// sync, let stockd commit more without syncing, kill it, put the copy back, start again.
    @Test func theLostUnsyncedTailOfANoSyncStoreIsStreamedAgain() throws {
        // A cluster of its own: no other suite's WAL may move the slot (idle confirmations) while this one measures.
        let cluster = try TestCluster()
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, seed: 63))
        let database = try ReplicationFeedTests.prepare(.v16, catalogue: catalogue, port: cluster.port)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let directory = TemporaryDirectory()
        let storePath = directory.path + "/store"
        let noSync = ["STOCKD_STORE_DURABILITY": "no_sync", "STOCKD_STORE_SYNC_INTERVAL_MS": "3600000"]
        var stockd: StockdProcess? = try StockdProcess(database: database, store: storePath, environment: noSync)
        try stockd!.wait(for: "streaming") { $0.phase == "streaming" }

        // The snapshot is synced: copy the store now, as a power cut would leave it.
        let synced = directory.path + "/synced"
        do {
            let live = try LMDBProjectionStore(path: storePath, initialMapSize: 64 << 20, durability: .noSync)
            try live.copy(to: synced)
        }
        let copiedPosition = try LMDBProjectionStore(path: synced, initialMapSize: 64 << 20).confirmedPosition() ?? 0

        var writer = OperationWriter(catalogue: catalogue, version: .v16, seed: 12)
        try writer.write(40, to: database)
        let written = try database.currentLSN()
        // The last commit ends where the WAL ends, give or take a record the server may add.
        try stockd!.wait(for: "the writes to be applied") { ($0.appliedLSN ?? 0) >= written - 200 }
        Thread.sleep(forTimeInterval: 1.0)  // several status intervals: nothing unsynced may be confirmed meanwhile
        let confirmed = try ReplicationSlot(name: database.slot).status(on: database.connect())?.confirmedFlush?.rawValue ?? 0
        #expect(confirmed <= copiedPosition, "the slot confirmed \(confirmed), past the synced \(copiedPosition)")
        stockd!.kill()
        stockd = nil

        try FileManager.default.removeItem(atPath: storePath)
        try FileManager.default.moveItem(atPath: synced, toPath: storePath)
        let harness = try FeedHarness(database: database, storePath: storePath, durability: .noSync)
        harness.feed.start()
        defer { harness.feed.stop() }
        try harness.waitUntilCaughtUp()
        #expect(harness.feed.status.gapsDetected == 0)
        #expect(harness.feed.status.resyncAttempts == 0)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }
}
