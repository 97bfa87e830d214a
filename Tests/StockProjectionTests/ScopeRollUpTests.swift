import ProjectionTestFixtures
import Testing

@testable import StockProjection

@Suite struct ScopeRollUpTests {
    /// Quants at every level of a three-level tree under WH, one in EU, and some outside every warehouse.
    static let quants: [StockChange] = [
        Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "10", reserved: "2"),
        Fixtures.quant(2, Fixtures.chair, Fixtures.shelf1, "5"),
        Fixtures.quant(3, Fixtures.chair, Fixtures.binA, "1.5", reserved: "0.5"),
        Fixtures.quant(4, Fixtures.chair, Fixtures.shelf2, "3"),
        Fixtures.quant(5, Fixtures.chair, Fixtures.euStock, "7"),
        Fixtures.quant(6, Fixtures.chair, Fixtures.vendors, "-26.5"),
        Fixtures.quant(7, Fixtures.chair, Fixtures.customers, "4"),
        Fixtures.quant(8, Fixtures.chair, Fixtures.loose, "100"),
    ]

    @Test(arguments: [
        (StockScope.location(Fixtures.binA), "1.5", "0.5"),
        (.location(Fixtures.shelf1), "6.5", "0.5"),
        (.location(Fixtures.whStock), "19.5", "2.5"),
        (.location(Fixtures.shelf2), "3", "0"),
        (.warehouse(Fixtures.wh), "19.5", "2.5"),
        (.warehouse(Fixtures.eu), "7", "0"),
        (.everywhere, "26.5", "2.5"),
        (.location(Fixtures.vendors), "-26.5", "0"),
        (.location(Fixtures.customers), "4", "0"),
        (.location(Fixtures.loose), "100", "0"),
        (.union([.warehouse(Fixtures.eu), .location(Fixtures.shelf2)]), "10", "0"),
        (.union([.warehouse(Fixtures.wh), .location(Fixtures.shelf1)]), "19.5", "2.5"),
    ])
    func rollsUpAlongTheLocationTree(scope: StockScope, onHand: Quantity, reserved: Quantity) throws {
        let snapshot = try Fixtures.projection(Self.quants).snapshot()
        let figures = snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(scope))
        #expect(figures.onHand == onHand)
        #expect(figures.reserved == reserved)
        #expect(figures.free == onHand - reserved)
    }

    @Test func locationsOutsideEveryWarehouseCountOnlyWhenAskedFor() throws {
        let snapshot = try Fixtures.projection(Self.quants).snapshot()
        let everywhere = snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.everywhere))
        #expect(everywhere.onHand == "26.5")  // not the 100 in Loose, the vendors' -26.5 or the customers' 4
        #expect(snapshot.warehouse(containing: Fixtures.loose) == nil)
        #expect(snapshot.warehouse(containing: Fixtures.binA) == Fixtures.wh)
    }

    @Test func archivedWarehousesLeaveEverywhereButCanStillBeAskedFor() throws {
        let projection = try Fixtures.projection(Self.quants)
        var eu = Fixtures.warehouses[1]
        eu.active = false
        try projection.apply([Fixtures.transaction(2, [.upsertWarehouse(eu)])])
        let snapshot = projection.snapshot()
        #expect(snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.everywhere)).onHand == "19.5")
        #expect(snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.warehouse(Fixtures.eu))).onHand == "7")
    }

    @Test func freeMayBeNegativeButAvailableNeverIs() throws {
        let snapshot = try Fixtures.projection([Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "2", reserved: "5")]).snapshot()
        let figures = snapshot.figures(for: Fixtures.desk, in: try snapshot.resolve(.everywhere))
        #expect(figures.free == "-3")
        #expect(figures.available == .zero)
    }

    @Test func duplicateQuantRowsForOneKeyAreSummed() throws {
        let snapshot = try Fixtures.projection([
            Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "4", reserved: "1"),
            Fixtures.quant(2, Fixtures.desk, Fixtures.whStock, "6", reserved: "2"),
            Fixtures.quant(3, Fixtures.desk, Fixtures.whStock, "0"),
        ]).snapshot()
        let scope = try snapshot.resolve(.location(Fixtures.whStock))
        #expect(snapshot.figures(for: Fixtures.desk, in: scope) == StockFigures(onHand: "10", reserved: "3", quarantined: .zero, sellableFree: "7"))
        let byLocation = snapshot.figuresByLocation(for: Fixtures.desk, in: scope)
        #expect(byLocation.count == 1)
        #expect(byLocation.first?.figures.onHand == "10")
        #expect(snapshot.counts.quants == 3)
    }

    @Test func deleteCarryingOnlyTheIDRemovesTheRightRow() throws {
        let projection = try Fixtures.projection([
            Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "4"),
            Fixtures.quant(2, Fixtures.desk, Fixtures.whStock, "6"),
            Fixtures.quant(3, Fixtures.chair, Fixtures.shelf1, "2"),
        ])
        let report = try projection.apply([Fixtures.transaction(2, [.deleteQuant(QuantID(2)), .deleteQuant(QuantID(99))])])
        #expect(report.anomalies == [.unknownQuantDeleted(QuantID(99))])
        let snapshot = projection.snapshot()
        let scope = try snapshot.resolve(.everywhere)
        #expect(snapshot.figures(for: Fixtures.desk, in: scope).onHand == "4")
        #expect(snapshot.figures(for: Fixtures.chair, in: scope).onHand == "2")
        #expect(snapshot.counts.quants == 2)
    }

    @Test func quantityZeroRowsStayUntilDeleted() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "3")])
        try projection.apply([Fixtures.transaction(2, [Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "0")])])
        #expect(projection.snapshot().counts.quants == 1)
        try projection.apply([Fixtures.transaction(3, [.deleteQuant(QuantID(1))])])
        #expect(projection.snapshot().counts.quants == 0)
    }

    @Test func reparentingASubtreeMovesItsStockToTheOtherWarehouse() throws {
        let projection = try Fixtures.projection(Self.quants)
        // Odoo rewrites parent_path and complete_name of Shelf 1 and everything below it in one transaction.
        try projection.apply([
            Fixtures.transaction(
                2,
                [
                    .upsertLocation(Fixtures.location(12, "1/20/21/12/", "EU/Stock/Shelf 1")),
                    .upsertLocation(Fixtures.location(13, "1/20/21/12/13/", "EU/Stock/Shelf 1/Bin A")),
                ])
        ])
        let snapshot = projection.snapshot()
        #expect(snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.warehouse(Fixtures.wh))).onHand == "13")
        #expect(snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.warehouse(Fixtures.eu))).onHand == "13.5")
        #expect(snapshot.locations(named: "EU/Stock/Shelf 1/Bin A") == [Fixtures.binA])
        #expect(snapshot.locations(named: "WH/Stock/Shelf 1/Bin A").isEmpty)
    }

    @Test func groupsByWarehouseAndLocation() throws {
        let snapshot = try Fixtures.projection(Self.quants).snapshot()
        let everywhere = try snapshot.resolve(.everywhere)
        let byWarehouse = snapshot.figuresByWarehouse(for: Fixtures.chair, in: everywhere)
        #expect(byWarehouse.map(\.warehouse) == [Fixtures.wh, Fixtures.eu])
        #expect(byWarehouse.map(\.figures.onHand) == ["19.5", "7"])
        let byLocation = snapshot.figuresByLocation(for: Fixtures.chair, in: everywhere)
        #expect(byLocation.map(\.location) == [Fixtures.whStock, Fixtures.shelf1, Fixtures.binA, Fixtures.shelf2, Fixtures.euStock])
        let total = byLocation.reduce(into: StockFigures.zero) { $0.accumulate($1.figures) }
        #expect(total.onHand == snapshot.figures(for: Fixtures.chair, in: everywhere).onHand)
    }

    @Test func unknownScopesAreErrors() throws {
        let snapshot = try Fixtures.projection([]).snapshot()
        #expect(throws: ScopeError.unknownLocation(LocationID(999))) { try snapshot.resolve(.location(LocationID(999))) }
        #expect(throws: ScopeError.unknownWarehouse(WarehouseID(9))) { try snapshot.resolve(.warehouse(WarehouseID(9))) }
    }

    @Test func skusMayBeSharedOrEmpty() throws {
        let snapshot = try Fixtures.projection([]).snapshot()
        #expect(snapshot.variants(sku: "DESK") == [Fixtures.desk, Fixtures.lamp])
        #expect(snapshot.variant(Fixtures.lamp)?.barcode == nil)
        #expect(snapshot.variants(barcode: "5901234123457") == [Fixtures.chair])
        #expect(snapshot.variants(template: TemplateID(1)).count == 3)
    }

    @Test func stockedVariantsArePagedInIDOrder() throws {
        var quants: [StockChange] = []
        for id in Int32(1)...Int32(1_200) where id % 3 != 0 {
            quants.append(Fixtures.quant(id, VariantID(id), Fixtures.whStock, "1"))
        }
        quants.append(Fixtures.quant(5_000, VariantID(5_000), Fixtures.euStock, "1"))
        let snapshot = try Fixtures.projection(quants).snapshot()
        let scope = try snapshot.resolve(.warehouse(Fixtures.wh))
        var seen: [VariantID] = []
        var cursor: VariantID?
        repeat {
            let page = snapshot.stockedVariants(in: scope, after: cursor, limit: 100)
            seen += page.items.map(\.variant)
            cursor = page.next
        } while cursor != nil
        #expect(seen == (Int32(1)...Int32(1_200)).filter { $0 % 3 != 0 }.map { VariantID($0) })
    }
}
