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

/// The live feed under faults, against the real PostgreSQL and a real store: each fault either leaves the figures
/// exact or is reported loudly (phase, last error, readiness), and nothing is confirmed to PostgreSQL that the
/// store could lose.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct FeedFaultTests {
    /// The replication connection freezes (no FIN, no RST: a dead path), ten times: each time the feed notices
    /// that the server went silent, reports the growing lag meanwhile, reconnects within the bound on a new
    /// connection and catches up.
    @Test func frozenConnectionIsDetectedAndTheFeedReconnects() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, seed: 31))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        let proxy = try FreezableProxy(upstreamPort: UInt16(database.port)!)
        defer { proxy.close() }
        let harness = try FeedHarness(database: database) {
            $0.dsn = "host=127.0.0.1 port=\(proxy.port) user=postgres dbname=\(database.name)"
            $0.stallTimeoutMilliseconds = 1_500
        }
        harness.feed.start()
        defer { harness.feed.stop() }
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 2)
        try writer.write(50, to: database)
        try harness.waitUntilCaughtUp()

        for round in 1...10 {
            let reconnects = harness.feed.status.reconnects
            proxy.freeze()
            try writer.write(20, to: database)
            // Before the stall bound, the silence already shows as lag (never a constant 0).
            Thread.sleep(forTimeInterval: 1.0)
            let status = harness.feed.status
            if status.reconnects == reconnects {
                #expect((status.lagMilliseconds(now: Int64(Date().timeIntervalSince1970 * 1_000_000)) ?? 0) >= 500, "round \(round): \(status)")
            }
            let frozen = Date()
            try harness.wait(for: "a reconnect after the freeze", timeout: 15) { harness.feed.status.reconnects > reconnects }
            // Detected within the stall timeout plus a status interval and a reading timeout (generous for CI).
            #expect(Date().timeIntervalSince(frozen) < 1.5 + 3.0, "round \(round)")
            try harness.waitUntilCaughtUp(timeout: 30)
        }
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
        #expect(harness.feed.status.unexpectedRows == 0)
    }

    /// The store is put back behind its slot (what losing unsynced commits in a power cut looks like): the feed
    /// refuses to stream the gap, says so, resyncs, and ends exact.
    @Test func storeBehindItsSlotIsDetectedAndResynced() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 80, seed: 32))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        var writer = OperationWriter(catalogue: catalogue, version: .v18, seed: 5)
        harness.feed.start()
        try writer.write(60, to: database)
        try harness.waitUntilCaughtUp()
        harness.feed.stop()
        let older = harness.directory.path + "/older"
        try FileManager.default.copyItem(atPath: harness.storePath, toPath: older)

        try harness.restart()
        try writer.write(80, to: database)
        try harness.waitUntilCaughtUp()
        harness.feed.stop()
        try FileManager.default.removeItem(atPath: harness.storePath)
        try FileManager.default.moveItem(atPath: older, toPath: harness.storePath)

        try harness.restart()
        defer { harness.feed.stop() }
        try harness.wait(for: "the gap to be reported") { harness.feed.status.gapsDetected >= 1 }
        #expect(harness.feed.status.recentErrors.entries.contains { $0.message.contains("behind") })
        try writer.write(10, to: database)
        try harness.waitUntilCaughtUp()
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// A plain restart after an idle period (the slot confirmed the server's WAL end, past the last transaction)
    /// is not a gap: no resync.
    @Test func idleConfirmationIsNotMistakenForAGap() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 20, seed: 33))
        let database = try ReplicationFeedTests.prepare(.v16, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        var writer = OperationWriter(catalogue: catalogue, version: .v16, seed: 7)
        try writer.write(20, to: database)
        try harness.waitUntilCaughtUp()
        let connection = try database.connect()
        try connection.execute("CREATE TABLE unrelated (id serial primary key, payload text)")
        try connection.execute("INSERT INTO unrelated (payload) SELECT repeat('x', 100) FROM generate_series(1, 5000)")
        let written = try database.currentLSN()
        try harness.wait(for: "the slot to confirm past the last transaction") {
            (try ReplicationSlot(name: database.slot).status(on: connection)?.confirmedFlush?.rawValue ?? 0) >= written
        }
        try harness.restart()
        defer { harness.feed.stop() }
        try writer.write(5, to: database)
        try harness.waitUntilCaughtUp()
        #expect(harness.feed.status.gapsDetected == 0)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// A resync whose copy the database refuses half way leaves no gap: the old figures keep serving (phase
    /// `resyncing`, loaded), the request stays pending, and the next attempt succeeds once the copy is allowed.
    @Test func failedResyncLeavesNoGapAndOldFiguresKeepServing() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, seed: 34))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        let role = "stockd_rs_\(UInt16.random(in: 0...UInt16.max))"
        try database.admin.execute("CREATE ROLE \(role) LOGIN REPLICATION")
        defer { _ = try? database.admin.execute("DROP OWNED BY \(role); DROP ROLE \(role)") }
        let owner = try database.connect()
        try owner.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)")
        let harness = try FeedHarness(database: database) {
            $0.dsn = "host=127.0.0.1 port=\(database.port) user=\(role) dbname=\(database.name)"
        }
        harness.feed.start()
        defer { harness.feed.stop() }
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 8)
        try writer.write(40, to: database)
        try harness.waitUntilCaughtUp()
        let served = harness.projection.snapshot().counts.quants

        try owner.execute("REVOKE SELECT ON stock_quant FROM \(role)")
        harness.feed.requestResync()
        // Odoo keeps writing while the resync fails.
        let deadline = Date().addingTimeInterval(20)
        var sawFailure = false
        while Date() < deadline {
            try writer.write(3, to: database)
            let status = harness.feed.status
            if status.lastError?.contains("permission denied") == true {
                sawFailure = true
                #expect(status.phase == .resyncing, "\(status)")
                #expect(harness.projection.snapshot().counts.quants == served)
                if status.resyncAttempts >= 2 { break }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(sawFailure)
        try owner.execute("GRANT SELECT ON stock_quant TO \(role)")
        try writer.write(10, to: database)
        try harness.wait(for: "the resync to succeed") { harness.feed.status.phase == .streaming }
        try harness.waitUntilCaughtUp()
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }

    /// A required column of a mirrored table is renamed under the feed: the feed stops there, names the table
    /// and the column, and confirms nothing past it to PostgreSQL.
    @Test func renamedRequiredColumnStopsTheFeedLoudly() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 30, seed: 35))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        defer { harness.feed.stop() }
        var writer = OperationWriter(catalogue: catalogue, version: .v18, seed: 9)
        try writer.write(20, to: database)
        try harness.waitUntilCaughtUp()
        let before = try database.currentLSN()

        let connection = try database.connect()
        try connection.execute("ALTER TABLE stock_quant RENAME COLUMN quantity TO quantity_renamed")
        try connection.execute("UPDATE stock_quant SET quantity_renamed = quantity_renamed + 1 WHERE id = (SELECT min(id) FROM stock_quant)")
        let after = try database.currentLSN()
        try harness.wait(for: "the schema problem to be reported") { harness.feed.status.phase == .schemaMismatch }
        let status = harness.feed.status
        #expect(status.lastError?.contains("stock_quant") == true, "\(status)")
        #expect(status.lastError?.contains("quantity") == true, "\(status)")
        // Nothing past the broken transaction is confirmed, now or a few status intervals later.
        Thread.sleep(forTimeInterval: 1.0)
        let confirmed = try ReplicationSlot(name: database.slot).status(on: connection)?.confirmedFlush?.rawValue ?? 0
        #expect(confirmed < after)
        #expect(confirmed >= before || confirmed > 0)
        #expect((harness.feed.status.confirmedLSN ?? 0) < after)
        #expect(harness.feed.status.phase == .schemaMismatch)
    }
}
