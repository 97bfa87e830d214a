import ProjectionTestFixtures
import StockProjection
import Testing

/// Kits as Odoo computes them: Odoo's own kit tests (odoo-facts §5, S1–S5) for each version, and stockd's own
/// cases for what those tests leave open.
@Suite struct KitTests {
    // Units: 1 Units (reference, 0.01), 2 Dozens (factor 1/12 as Odoo stores it, 0.001), 3 kg (reference, 0.000001),
    // 4 g (factor 1000, 0.001), 5 Units with 0.0001 rounding (S3).
    static let units = UnitID(1), dozens = UnitID(2), kg = UnitID(3), grams = UnitID(4), fineUnits = UnitID(5)
    static let unitRows: [StockChange] = [
        .upsertUnit(UnitOfMeasure(id: units, categoryID: 1, factor: "1", rounding: "0.01", active: true)),
        .upsertUnit(UnitOfMeasure(id: dozens, categoryID: 1, factor: "0.08333333333333333", rounding: "0.001", active: true)),
        .upsertUnit(UnitOfMeasure(id: kg, categoryID: 2, factor: "1", rounding: "0.000001", active: true)),
        .upsertUnit(UnitOfMeasure(id: grams, categoryID: 2, factor: "1000", rounding: "0.001", active: true)),
        .upsertUnit(UnitOfMeasure(id: fineUnits, categoryID: 1, factor: "1", rounding: "0.0001", active: true)),
    ]

    /// A variant with its own template.
    static func product(_ id: Int32, _ sku: String, unit: UnitID = units, storable: Bool = true) -> [StockChange] {
        [
            .upsertTemplate(ProductTemplate(id: TemplateID(id), storable: storable, unitID: unit, active: true)),
            .upsertVariant(ProductVariant(id: VariantID(id), templateID: TemplateID(id), sku: sku, barcode: nil, active: true)),
        ]
    }

    static func kitBoM(
        _ id: Int32, for kit: Int32, template: Int32? = nil, variantSpecific: Bool = true, quantity: Quantity = "1",
        unit: UnitID = units, sequence: Int32? = 10, phantom: Bool = true
    ) -> StockChange {
        .upsertBoM(
            BillOfMaterials(
                id: BoMID(id), templateID: TemplateID(template ?? kit), variantID: variantSpecific ? VariantID(kit) : nil,
                isKit: phantom, quantity: quantity, unitID: unit, active: true, sequence: sequence, companyID: nil))
    }

    static func line(_ id: Int32, bom: Int32, _ component: Int32, _ quantity: Quantity, unit: UnitID = units) -> StockChange {
        .upsertBoMLine(
            BoMLine(id: BoMLineID(id), bomID: BoMID(bom), componentID: VariantID(component), quantity: quantity, unitID: unit, sequence: Int32(id)))
    }

    static func projection(version: Int, _ rows: [StockChange]) throws -> StockProjection {
        try Fixtures.projection(unitRows + rows, settings: ProjectionSettings(kitRules: KitRules(odooVersion: version)))
    }

    static func onHand(_ projection: StockProjection, _ variant: Int32, _ scope: StockScope = .everywhere) throws -> Quantity {
        let snapshot = projection.snapshot()
        return snapshot.figures(for: VariantID(variant), in: try snapshot.resolve(scope)).onHand
    }

    // MARK: - Odoo's own tests

    /// S1, `test_13_bom_kit_qty`: BoM quantity 4, lines 2×P2 and 2×P3, stock P2 = 4, P3 = 8 → 8.
    @Test(arguments: [16, 17, 18]) func bomQuantityMultipliesBatches(version: Int) throws {
        let projection = try Self.projection(
            version: version,
            Self.product(1000, "KIT") + Self.product(2001, "P2") + Self.product(2002, "P3") + [
                Self.kitBoM(1, for: 1000, quantity: "4"), Self.line(1, bom: 1, 2001, "2"), Self.line(2, bom: 1, 2002, "2"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "4"), Fixtures.quant(2, VariantID(2002), Fixtures.whStock, "8"),
            ])
        #expect(try Self.onHand(projection, 1000) == "8")
        #expect(projection.snapshot().isKit(VariantID(1000)))
        #expect(!projection.snapshot().isKit(VariantID(2001)))
    }

    /// S2, `test_14_bom_kit_qty_multi_uom`: a component stocked in Dozens, the line in Units; 1 Dozen → 12 kits.
    @Test(arguments: [16, 17, 18]) func componentStockedInDozens(version: Int) throws {
        let projection = try Self.projection(
            version: version,
            Self.product(1000, "KIT") + Self.product(2001, "C", unit: Self.dozens) + [
                Self.kitBoM(1, for: 1000), Self.line(1, bom: 1, 2001, "1"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "1"),
            ])
        #expect(try Self.onHand(projection, 1000) == "12")
    }

    /// S3, `test_13_negative_on_hand_qty`: −384 of the component gives −384 kits (floor, not clamp).
    @Test(arguments: [16, 17, 18]) func negativeComponentStockGivesNegativeKits(version: Int) throws {
        let projection = try Self.projection(
            version: version,
            Self.product(1000, "KIT", unit: Self.fineUnits) + Self.product(2001, "P3", unit: Self.fineUnits) + [
                Self.kitBoM(1, for: 1000, unit: Self.fineUnits), Self.line(1, bom: 1, 2001, "1", unit: Self.fineUnits),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "-384"),
            ])
        #expect(try Self.onHand(projection, 1000) == "-384")
        let snapshot = projection.snapshot()
        #expect(snapshot.figures(for: VariantID(1000), in: try snapshot.resolve(.everywhere)).available == .zero)
    }

    /// S4, `test_05_mrp_sale_kit_availability`: nested kits, per warehouse, with stock changing between steps.
    @Test(arguments: [16, 17, 18]) func nestedKitsPerWarehouse(version: Int) throws {
        // A..G = 2001..2007; kit_1 = 1001, kit_2 = 1002, kit_3 = 1003, kit_parent = 1004.
        var rows: [StockChange] = []
        for (offset, name) in ["A", "B", "C", "D", "E", "F", "G"].enumerated() { rows += Self.product(2001 + Int32(offset), name) }
        for kit in 1001...1004 { rows += Self.product(Int32(kit), "KIT-\(kit)") }
        rows += [
            Self.kitBoM(1, for: 1001), Self.line(1, bom: 1, 2001, "2"), Self.line(2, bom: 1, 2002, "1"), Self.line(3, bom: 1, 2003, "3"),
            Self.kitBoM(2, for: 1002), Self.line(4, bom: 2, 2004, "1"), Self.line(5, bom: 2, 1001, "2"),
            Self.kitBoM(3, for: 1003), Self.line(6, bom: 3, 2006, "1"), Self.line(7, bom: 3, 2007, "2"),
            Self.kitBoM(4, for: 1004), Self.line(8, bom: 4, 2005, "1"), Self.line(9, bom: 4, 1002, "2"), Self.line(10, bom: 4, 1003, "2"),
        ]
        var quantID: Int32 = 0
        func stock(_ location: LocationID, _ amounts: [Int]) -> [StockChange] {
            amounts.enumerated().map { offset, amount in
                quantID += 1
                return Fixtures.quant(quantID, VariantID(2001 + Int32(offset)), location, String(amount))
            }
        }
        rows += stock(Fixtures.whStock, [8, 4, 12, 2, 1, 2, 4])
        rows += stock(Fixtures.euStock, [7, 3, 12, 1, 1, 1, 4])
        let projection = try Self.projection(version: version, rows)
        #expect(try Self.onHand(projection, 1004, .warehouse(Fixtures.wh)) == "1")
        #expect(try Self.onHand(projection, 1004, .warehouse(Fixtures.eu)) == "0")
        #expect(try Self.onHand(projection, 1004) == "1")  // sums A15 B7 C24 D3 E2 F3 G8: min ratio 1.5

        // Receipts into the second warehouse (new quants, as Odoo adds them): 3 there, still 1 in the first.
        try projection.apply([Fixtures.transaction(2, stock(Fixtures.euStock, [17, 12, 25, 5, 2, 5, 8]))])
        #expect(try Self.onHand(projection, 1004, .warehouse(Fixtures.eu)) == "3")
        #expect(try Self.onHand(projection, 1004, .warehouse(Fixtures.wh)) == "1")
        try projection.apply([Fixtures.transaction(3, stock(Fixtures.euStock, [32, 16, 48, 8, 4, 8, 16]))])
        #expect(try Self.onHand(projection, 1004, .warehouse(Fixtures.eu)) == "7")

        // Per-warehouse answers never combine components held in different warehouses.
        let snapshot = projection.snapshot()
        let byWarehouse = snapshot.figuresByWarehouse(for: VariantID(1004), in: try snapshot.resolve(.everywhere))
        #expect(byWarehouse.map(\.figures.onHand) == ["1", "7"])
    }

    /// S5, `test_07_kit_availability_mixed_uom`: nested kits in Units, Dozens, kg and g give exactly 1, 3 and 5.
    @Test(arguments: [16, 17, 18]) func mixedUnitsInNestedKits(version: Int) throws {
        // comp_unit 2001 (Units), comp_dozen 2002 (Dozens), comp_kg 2003 (kg), comp_gm 2004 (g).
        var rows = Self.product(2001, "COMP-UNIT") + Self.product(2002, "COMP-DOZEN", unit: Self.dozens)
        rows += Self.product(2003, "COMP-KG", unit: Self.kg) + Self.product(2004, "COMP-G", unit: Self.grams)
        rows += Self.product(1001, "KIT-UOM-1") + Self.product(1002, "KIT-UOM-IN-KIT")
        rows += [
            Self.kitBoM(1, for: 1001), Self.line(1, bom: 1, 2001, "2", unit: Self.dozens), Self.line(2, bom: 1, 2002, "1", unit: Self.dozens),
            Self.line(3, bom: 1, 2003, "5", unit: Self.grams),
            Self.kitBoM(2, for: 1002), Self.line(4, bom: 2, 2004, "3", unit: Self.kg), Self.line(5, bom: 2, 1001, "2", unit: Self.dozens),
        ]
        var quantID: Int32 = 0
        func receive(_ amounts: [Quantity]) -> [StockChange] {
            amounts.enumerated().map { offset, amount in
                quantID += 1
                return Fixtures.quant(quantID, VariantID(2001 + Int32(offset)), Fixtures.whStock, amount.description)
            }
        }
        let projection = try Self.projection(version: version, rows + receive(["576", "24", "0.12", "3000"]))
        #expect(try Self.onHand(projection, 1002, .warehouse(Fixtures.wh)) == "1")
        try projection.apply([Fixtures.transaction(2, receive(["1152", "48", "0.24", "6000"]))])
        #expect(try Self.onHand(projection, 1002, .warehouse(Fixtures.wh)) == "3")
        try projection.apply([Fixtures.transaction(3, receive(["1152", "48", "0.24", "6000"]))])
        #expect(try Self.onHand(projection, 1002, .warehouse(Fixtures.wh)) == "5")
    }

    // MARK: - stockd's own cases

    /// The same component on two lines: needs are summed (one A on hand, two needed → 0).
    @Test(arguments: [16, 17, 18]) func sameComponentOnTwoLinesSumsItsNeeds(version: Int) throws {
        let projection = try Self.projection(
            version: version,
            Self.product(1000, "KIT") + Self.product(2001, "A") + [
                Self.kitBoM(1, for: 1000), Self.line(1, bom: 1, 2001, "1"), Self.line(2, bom: 1, 2001, "1"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "1"),
            ])
        #expect(try Self.onHand(projection, 1000) == "0")
        #expect(projection.snapshot().kitDefinition(for: VariantID(1000))?.needs.count == 1)
    }

    /// Odoo 16.0 before May 2023 took one ratio per line, which over-counts the same example.
    @Test func perLineRatiosOfEarlySixteen() throws {
        var rules = KitRules(odooVersion: 16)
        rules.groupsLinesByComponent = false
        rules.ratioRounding = nil
        rules.roundsBatchesToLastComponent = false
        let projection = try Fixtures.projection(
            Self.unitRows + Self.product(1000, "KIT") + Self.product(2001, "A") + [
                Self.kitBoM(1, for: 1000), Self.line(1, bom: 1, 2001, "1"), Self.line(2, bom: 1, 2001, "1"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "1"),
            ], settings: ProjectionSettings(kitRules: rules))
        #expect(try Self.onHand(projection, 1000) == "1")
    }

    /// Lines restricted to attribute values apply only to variants carrying them; sibling variants of one
    /// template share a template-level BoM, and a sibling with its own BoM uses that one.
    @Test(arguments: [16, 17, 18]) func variantRestrictedLinesAndSiblingBoMs(version: Int) throws {
        // Template 900 (Desk) with variants 901 (Oak), 902 (Walnut), 903 (Steel, its own BoM).
        let oak = AttributeValueID(1)
        let walnut = AttributeValueID(2)
        let steel = AttributeValueID(3)
        let color = AttributeID(1)
        var rows: [StockChange] = [.upsertTemplate(ProductTemplate(id: TemplateID(900), storable: true, unitID: Self.units, active: true))]
        for (id, value) in [(901, oak), (902, walnut), (903, steel)] {
            rows.append(
                .upsertVariant(ProductVariant(id: VariantID(Int32(id)), templateID: TemplateID(900), sku: "DESK-\(id)", barcode: nil, active: true)))
            rows.append(.upsertAttributeValue(TemplateAttributeValue(id: value, attributeID: color)))
            rows.append(.linkVariantValue(VariantValueLink(ownerID: VariantID(Int32(id)), valueID: value)))
        }
        rows += Self.product(2001, "TOP-OAK") + Self.product(2002, "TOP-WALNUT") + Self.product(2003, "LEG") + Self.product(2004, "STEEL-FRAME")
        rows += [
            Self.kitBoM(1, for: 900, template: 900, variantSpecific: false),
            Self.line(1, bom: 1, 2001, "1"), Self.line(2, bom: 1, 2002, "1"), Self.line(3, bom: 1, 2003, "4"),
            .linkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID(1), valueID: oak)),
            .linkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID(2), valueID: walnut)),
            Self.kitBoM(2, for: 903, template: 900, sequence: 5), Self.line(4, bom: 2, 2004, "1"),
            Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "3"), Fixtures.quant(2, VariantID(2002), Fixtures.whStock, "1"),
            Fixtures.quant(3, VariantID(2003), Fixtures.whStock, "40"), Fixtures.quant(4, VariantID(2004), Fixtures.whStock, "6"),
        ]
        let projection = try Self.projection(version: version, rows)
        #expect(try Self.onHand(projection, 901) == "3")  // oak tops limit
        #expect(try Self.onHand(projection, 902) == "1")  // walnut tops limit
        #expect(try Self.onHand(projection, 903) == "6")  // its own, lower-sequence BoM
        let expansion = projection.snapshot().kitExpansion(for: VariantID(901)) ?? []
        #expect(expansion.first { $0.lineID == BoMLineID(2) }?.ignored == .attributeValues)
    }

    /// A BoM cycle marks the kit invalid with zero figures; nothing hangs or crashes.
    @Test(arguments: [16, 17, 18]) func bomCycleIsReportedNotFollowed(version: Int) throws {
        let projection = try Self.projection(
            version: version,
            Self.product(1001, "KIT-A") + Self.product(1002, "KIT-B") + Self.product(2001, "X") + [
                Self.kitBoM(1, for: 1001), Self.line(1, bom: 1, 1002, "1"), Self.line(2, bom: 1, 2001, "1"),
                Self.kitBoM(2, for: 1002), Self.line(3, bom: 2, 1001, "1"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "5"),
            ])
        let snapshot = projection.snapshot()
        guard case .cycle = snapshot.kitDefinition(for: VariantID(1001))?.problem else {
            Issue.record("expected a cycle")
            return
        }
        #expect(try Self.onHand(projection, 1001) == "0")
        #expect(snapshot.invalidKits.count == 2)
    }

    /// An archived component still counts, as in Odoo (its quants are read regardless of `active`); a
    /// consumable component never limits; a kit of consumables only is 0, not infinite.
    @Test(arguments: [16, 17, 18]) func archivedAndConsumableComponents(version: Int) throws {
        var rows =
            Self.product(1000, "KIT") + Self.product(1001, "KIT-CONSU") + Self.product(2001, "A") + Self.product(2002, "SCREWS", storable: false)
        rows.append(.upsertVariant(ProductVariant(id: VariantID(2001), templateID: TemplateID(2001), sku: "A", barcode: nil, active: false)))
        rows += [
            Self.kitBoM(1, for: 1000), Self.line(1, bom: 1, 2001, "2"), Self.line(2, bom: 1, 2002, "10"),
            Self.kitBoM(2, for: 1001), Self.line(3, bom: 2, 2002, "1"),
            Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "7"),
        ]
        let projection = try Self.projection(version: version, rows)
        #expect(try Self.onHand(projection, 1000) == "3")
        #expect(try Self.onHand(projection, 1001) == "0")
    }

    /// A component change updates every kit built from it in the same snapshot and in the change feed; a BoM
    /// edit re-defines the kit; the kit's own quants never count.
    @Test func liveChangesReachDependentKits() throws {
        let projection = try Self.projection(
            version: 17,
            Self.product(1000, "KIT") + Self.product(2001, "A") + Self.product(2002, "B") + [
                Self.kitBoM(1, for: 1000), Self.line(1, bom: 1, 2001, "2"), Self.line(2, bom: 1, 2002, "1"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "10"), Fixtures.quant(2, VariantID(2002), Fixtures.whStock, "3"),
                Fixtures.quant(3, VariantID(1000), Fixtures.whStock, "99"),
            ])
        #expect(try Self.onHand(projection, 1000) == "3")
        let cursor = projection.snapshot().changeCursor
        try projection.apply([Fixtures.transaction(2, [Fixtures.quant(2, VariantID(2002), Fixtures.whStock, "8")])])
        #expect(try Self.onHand(projection, 1000) == "5")
        let page = try projection.snapshot().changes(after: cursor, limit: 10)
        #expect(Set(page.changes.map(\.variantID)) == [VariantID(2002), VariantID(1000)])

        let afterStock = projection.snapshot().changeCursor
        try projection.apply([Fixtures.transaction(3, [Self.line(1, bom: 1, 2001, "5")])])
        #expect(try Self.onHand(projection, 1000) == "2")
        let edit = try projection.snapshot().changes(after: afterStock, limit: 10)
        #expect(edit.changes.contains { $0.variantID == VariantID(1000) })

        try projection.apply([Fixtures.transaction(4, [.deleteBoM(BoMID(1))])])
        #expect(!projection.snapshot().isKit(VariantID(1000)))
        #expect(try Self.onHand(projection, 1000) == "99")  // no longer a kit: its own quants count again
    }

    /// Location pulls list kits in variant-id order among plain variants.
    @Test func locationPullsIncludeKits() throws {
        let projection = try Self.projection(
            version: 17,
            Self.product(1000, "KIT") + Self.product(2001, "A") + Self.product(500, "LOW") + [
                Self.kitBoM(1, for: 1000), Self.line(1, bom: 1, 2001, "2"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "4"), Fixtures.quant(2, VariantID(500), Fixtures.whStock, "1"),
            ])
        let snapshot = projection.snapshot()
        let scope = try snapshot.resolve(.warehouse(Fixtures.wh))
        let all = snapshot.stockedVariants(in: scope, limit: 10).items.map(\.variant)
        #expect(all == [VariantID(500), VariantID(1000), VariantID(2001)])
        let first = snapshot.stockedVariants(in: scope, limit: 1)
        let second = snapshot.stockedVariants(in: scope, after: first.next, limit: 1)
        #expect(second.items.map(\.variant) == [VariantID(1000)])
    }

    /// A cart where a kit and a spare part compete for the same component.
    @Test func cartLinesCompeteForSharedComponents() throws {
        let projection = try Self.projection(
            version: 17,
            Self.product(1000, "DESK-KIT") + Self.product(2001, "TOP") + Self.product(2002, "LEG") + [
                Self.kitBoM(1, for: 1000), Self.line(1, bom: 1, 2001, "1"), Self.line(2, bom: 1, 2002, "4"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "5"), Fixtures.quant(2, VariantID(2002), Fixtures.whStock, "9"),
            ])
        let snapshot = projection.snapshot()
        let check = snapshot.checkCart([(VariantID(1000), "2"), (VariantID(2002), "2")], in: try snapshot.resolve(.warehouse(Fixtures.wh)))
        #expect(check.lines.map(\.allocated) == ["2", "1"])
        #expect(check.lines.map(\.shortfall) == ["0", "1"])
        #expect(!check.ok)
        let fits = snapshot.checkCart([(VariantID(1000), "2"), (VariantID(2002), "1")], in: try snapshot.resolve(.warehouse(Fixtures.wh)))
        #expect(fits.ok)
    }
}
