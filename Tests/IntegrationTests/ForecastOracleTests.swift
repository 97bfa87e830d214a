import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import StockProjection
import Testing

/// Incoming, outgoing and forecast against the oracle SQL over `stock_move`, for Odoo 16, 17 and 18: a snapshot
/// with open moves, then thousands of random operations that create, confirm, reserve, partially deliver,
/// validate, cancel, re-date and unlink moves (two-step receipts with 18's `location_final_id`, moves between
/// warehouses), every figure compared at the same LSN, with and without a date limit, before and after a restart.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct ForecastOracleTests {
    /// Returns the number of figures compared; records an issue per difference (the first few).
    @discardableResult
    static func expectEqual(
        _ snapshot: ProjectionSnapshot,
        database: TestDatabase,
        version: OdooVersion,
        scopes: [StockScope],
        toDate: Int64? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let connection = try database.connect()
        var compared = 0
        var mismatches = 0
        for scope in scopes {
            let resolved = try snapshot.resolve(scope)
            let query = OdooOracle.forecastQuery(scope, hasFinalLocation: version >= .v18, toDate: toDate.map(OdooSQL.timestampText))
            for fields in try connection.execute(query).rows {
                let row = try OdooOracle.forecastRow(fields)
                if snapshot.isKit(row.variantID) { continue }
                let figures = snapshot.forecast(for: row.variantID, in: resolved, toDate: toDate)
                compared += 1
                if figures.incoming != row.incoming || figures.outgoing != row.outgoing || figures.forecast != row.forecast
                    || figures.onHand != row.onHand
                {
                    mismatches += 1
                    if mismatches <= 5 {
                        Issue.record(
                            """
                            variant \(row.variantID) in \(scope) to \(toDate.map(String.init) ?? "-"): stockd \(figures.onHand)+\(figures.incoming)\
                            -\(figures.outgoing)=\(figures.forecast), Odoo \(row.onHand)+\(row.incoming)-\(row.outgoing)=\(row.forecast)
                            """,
                            sourceLocation: sourceLocation)
                    }
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(compared) forecast figures differ", sourceLocation: sourceLocation)
        let open = try connection.execute(
            "SELECT count(*) AS n FROM stock_move WHERE state IN ('waiting', 'confirmed', 'assigned', 'partially_available')")
        #expect(Int(open.value("n") ?? "") == snapshot.openMoveCount, sourceLocation: sourceLocation)
        return compared
    }

    @Test(arguments: OdooVersion.allCases)
    func forecastEqualsOdoo(version: OdooVersion) throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 200, warehouses: 3, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 17))
        let database = try ReplicationFeedTests.prepare(version, catalogue: catalogue)
        var writer = OperationWriter(catalogue: catalogue, version: version, seed: UInt64(version.major) + 40)
        writer.operations.moveRate = 2
        try writer.write(600, to: database)  // before the snapshot: the snapshot copies the open moves only

        let harness = try FeedHarness(database: database)
        harness.feed.start()
        defer { harness.feed.stop() }
        try writer.write(2_500, to: database)
        for kind in OdooOperations.MoveKind.allCases {
            for _ in 0..<10 { try writer.write(changes: writer.operations.next(kind).changes, to: database) }
        }
        try harness.waitUntilCaughtUp()
        #expect(harness.feed.status.unexpectedRows == 0)
        let scopes = OracleComparison.scopes(catalogue)
        var snapshot = harness.projection.snapshot()
        #expect(snapshot.openMoveCount > 50)
        #expect(writer.operations.moves.values.contains { $0.state == .done })
        let compared = try Self.expectEqual(snapshot, database: database, version: version, scopes: scopes)
        #expect(compared >= 150 * scopes.count)  // kits are compared by their own tests
        // Odoo's to_date: only moves dated on or before the limit count.
        let dates = writer.operations.moves.values.filter { $0.state.isOpen }.map(\.date).sorted()
        let middle = dates[dates.count / 2]
        try Self.expectEqual(snapshot, database: database, version: version, scopes: scopes, toDate: middle)
        // The plain figures are unchanged by the moves.
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: scopes)

        // A restart loads the open moves from the store: nothing lost or doubled.
        try harness.restart()
        try writer.write(500, to: database)
        try harness.waitUntilCaughtUp()
        snapshot = harness.projection.snapshot()
        try Self.expectEqual(snapshot, database: database, version: version, scopes: scopes)
    }
}
