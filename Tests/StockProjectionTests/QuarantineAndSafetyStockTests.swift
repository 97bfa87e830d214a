import ProjectionTestFixtures
import Testing

@testable import StockProjection

@Suite struct QuarantineAndSafetyStockTests {
    static let quants: [StockChange] = [
        Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "10", reserved: "1"),
        Fixtures.quant(2, Fixtures.chair, Fixtures.whQC, "4"),
        Fixtures.quant(3, Fixtures.chair, Fixtures.whDamaged, "2"),
        Fixtures.quant(4, Fixtures.chair, Fixtures.binA, "3"),
    ]

    @Test func withoutRulesQualityControlStockIsFreeAsInOdoo() throws {
        let snapshot = try Fixtures.projection(Self.quants).snapshot()
        let figures = snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.warehouse(Fixtures.wh)))
        #expect(figures.free == "18")
        #expect(figures.quarantined == .zero)
        #expect(figures.available == "18")
    }

    @Test func classifiesByNamePatternByIDAndByWarehouseQC() throws {
        let rules = QuarantineRules(locationIDs: [Fixtures.shelf1], namePatterns: ["*/Damaged"], warehouseQualityControl: true)
        let snapshot = try Fixtures.projection(Self.quants, settings: ProjectionSettings(quarantine: rules)).snapshot()
        #expect(snapshot.isQuarantined(Fixtures.whQC))
        #expect(snapshot.isQuarantined(Fixtures.whDamaged))
        #expect(snapshot.isQuarantined(Fixtures.binA))  // inherits from Shelf 1
        #expect(!snapshot.isQuarantined(Fixtures.whStock))
        let figures = snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.warehouse(Fixtures.wh)))
        #expect(figures.onHand == "19")
        #expect(figures.free == "18")  // Odoo's free_qty still counts quarantine
        #expect(figures.quarantined == "9")
        #expect(figures.available == "9")
    }

    @Test func reclassificationTakesEffectWithoutReapplyingData() throws {
        let projection = try Fixtures.projection(Self.quants)
        let scope = try projection.snapshot().resolve(.everywhere)
        #expect(projection.snapshot().figures(for: Fixtures.chair, in: scope).quarantined == .zero)
        projection.updateSettings(ProjectionSettings(quarantine: QuarantineRules(namePatterns: ["*/Quality Control"])))
        #expect(projection.snapshot().figures(for: Fixtures.chair, in: scope).quarantined == "4")
        #expect(projection.snapshot().checkpoint?.position == 1)
    }

    @Test(
        arguments: [
            ("WH", "CHAIR-RED", "3"), ("WH", "DESK", "1"), ("EU", "DESK", "0.5"), (nil, "DESK", "0.5"),
        ] as [(String?, String, String)])
    func safetyStockPrefersSKUThenWarehouseThenDefault(warehouse: String?, sku: String, expected: String) {
        let policy = SafetyStockPolicy(defaultQuantity: "0.5", perWarehouse: ["WH": "1"], perSKU: ["CHAIR-RED": "3"])
        #expect(policy.quantity(sku: sku, warehouseCode: warehouse) == (try! Quantity(parsing: expected)))
    }

    @Test func availableIsFreeOutsideQuarantineLessSafetyStockNeverNegative() throws {
        let settings = ProjectionSettings(
            quarantine: QuarantineRules(namePatterns: ["*/Quality Control", "*/Damaged"]),
            safetyStock: SafetyStockPolicy(defaultQuantity: "2", perWarehouse: ["EU": "50"])
        )
        let snapshot = try Fixtures.projection(Self.quants + [Fixtures.quant(9, Fixtures.chair, Fixtures.euStock, "7")], settings: settings)
            .snapshot()
        let wh = snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.warehouse(Fixtures.wh)))
        #expect(wh.available == "10")  // 10 - 1 + 3 - 2
        let eu = snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.warehouse(Fixtures.eu)))
        #expect(eu.available == .zero)
        let byWarehouse = snapshot.figuresByWarehouse(for: Fixtures.chair, in: try snapshot.resolve(.everywhere))
        #expect(byWarehouse.map(\.figures.available) == ["10", "0"])
    }

    @Test(arguments: [
        ("*/Quality Control", "WH/Quality Control", true), ("*/Damaged", "WH/Stock/Damaged", true),
        ("*/Damaged", "WH/Damaged goods", false), ("WH/?tock", "WH/Stock", true), ("*", "", true), ("a*b*c", "axxbyyc", true),
    ])
    func globMatchesCompleteNames(pattern: String, name: String, matches: Bool) {
        #expect(Glob.matches(pattern: pattern, text: name) == matches)
    }
}
