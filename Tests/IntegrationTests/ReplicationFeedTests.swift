import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import PostgresReplicationWire
import StockCatalogue
import StockProjection
import StockStorage
import Testing

/// The feed against a real PostgreSQL: snapshot, stream, restart, Odoo's write patterns, for Odoo 16, 17 and 18.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct ReplicationFeedTests {
    static func prepare(_ version: OdooVersion, catalogue: OdooCatalogue, port: String? = nil) throws -> TestDatabase {
        let database = try TestDatabase(port: port)
        try database.runScript(OdooSchema.ddl(for: version))
        try database.runScript(OdooSQL.catalogueScript(catalogue, version: version))
        return database
    }

    @Test(arguments: OdooVersion.allCases)
    func snapshotThenStreamEqualsOdoo(version: OdooVersion) throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 300, warehouses: 3, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 11))
        let database = try Self.prepare(version, catalogue: catalogue)
        var writer = OperationWriter(catalogue: catalogue, version: version, seed: UInt64(version.major))
        try writer.write(200, to: database)  // before the snapshot

        let harness = try FeedHarness(database: database)
        harness.feed.start()
        defer { harness.feed.stop() }
        try writer.write(1_500, to: database)  // streamed
        try harness.waitUntilCaughtUp()
        #expect(harness.feed.status.unexpectedRows == 0)
        #expect(harness.projection.snapshot().counts.quants == writer.operations.quants.count)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))

        // A restart resumes from the stored checkpoint: nothing lost, nothing applied twice.
        try harness.restart()
        try writer.write(500, to: database)
        try harness.waitUntilCaughtUp()
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
        #expect(harness.feed.status.unexpectedRows == 0)
    }

    /// Re-parenting and renaming a subtree, archiving products and warehouses, and TRUNCATE, as Odoo writes them.
    @Test func structuralChangesFollowOdoo() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 120, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 5))
        let database = try Self.prepare(.v17, catalogue: catalogue)
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 3)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        defer { harness.feed.stop() }
        try writer.write(300, to: database)

        // Move WH/Stock/Shelf 1 (with its stock) under WH2/Stock and rename it, in one transaction.
        let shelf = catalogue.locations.first { $0.completeName == "WH/Stock/Shelf 1" }!
        let target = catalogue.locations.first { $0.completeName == "WH2/Stock" }!
        var moved = shelf
        moved.parentID = target.id
        moved.parentPath = target.parentPath + "\(shelf.id)/"
        moved.completeName = "WH2/Stock/Overflow"
        try writer.write(changes: [.upsertLocation(moved)], to: database)
        var archivedVariant = catalogue.variants[3]
        archivedVariant.active = false
        var archivedWarehouse = catalogue.warehouses[1]
        archivedWarehouse.active = false
        try writer.write(changes: [.upsertVariant(archivedVariant), .upsertWarehouse(archivedWarehouse)], to: database)
        try harness.waitUntilCaughtUp()
        let snapshot = harness.projection.snapshot()
        #expect(snapshot.locations(named: "WH2/Stock/Overflow") == [shelf.id])
        #expect(snapshot.warehouse(containing: shelf.id) == catalogue.warehouses[1].id)
        #expect(snapshot.variant(archivedVariant.id)?.active == false)
        #expect(snapshot.warehouse(archivedWarehouse.id)?.active == false)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))

        try database.connect().execute("TRUNCATE stock_quant")
        try harness.waitUntilCaughtUp()
        #expect(harness.projection.snapshot().counts.quants == 0)
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: [.everywhere])
    }

    /// An idle publication must not make the slot hold WAL: the feed confirms the server's WAL end.
    @Test func idleFeedAdvancesTheSlot() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 20, seed: 1))
        let database = try Self.prepare(.v18, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        defer { harness.feed.stop() }
        try harness.waitUntilCaughtUp()
        let connection = try database.connect()
        try connection.execute("CREATE TABLE unrelated (id serial primary key, payload text)")
        try connection.execute("INSERT INTO unrelated (payload) SELECT repeat('x', 200) FROM generate_series(1, 20000)")
        let written = try database.currentLSN()
        let deadline = Date().addingTimeInterval(20)
        var confirmed: UInt64 = 0
        while Date() < deadline {
            // A checkpoint-less keepalive arrives within wal_sender_timeout / 2; ask for a switch to speed it up.
            _ = try? connection.execute("SELECT pg_switch_wal()")
            let text =
                try connection.execute("SELECT confirmed_flush_lsn::text AS c FROM pg_replication_slots WHERE database = current_database()").value(
                    "c") ?? "0/0"
            confirmed = LSN(text)?.rawValue ?? 0
            if confirmed >= written { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(confirmed >= written)
    }
}
