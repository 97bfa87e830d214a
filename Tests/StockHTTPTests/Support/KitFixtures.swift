import StockProjection

/// A small furniture shop with kits, for the kit endpoints:
///
/// - 200 `DESK-KIT` (template 20): a phantom BoM 900 of 1 `TOP` (201) + 4 `LEG` (202) per kit.
/// - `LEG` is also sold on its own as a spare, competing with the kit for the same legs.
/// - 204 `LOOP-A` and 205 `LOOP-B`: kits whose BoMs contain each other (a cycle).
/// - 206 `SCREW`: a plain variant, not a kit.
///
/// Stock: WH holds 2 tops (WH/Stock) and 9 legs (WH/Stock/Shelf 1); EU/Stock holds 5 tops and 3 legs. Per
/// warehouse two desk kits can be made in WH (2 tops) and none in EU (3 legs < 4); pooling both warehouses'
/// components (7 tops, 12 legs) would give 3, which no single warehouse can ship.
enum KitFixtures {
    static let deskKit = VariantID(200), top = VariantID(201), leg = VariantID(202)
    static let loopA = VariantID(204), loopB = VariantID(205), screw = VariantID(206)
    static let deskBoM = BoMID(900), loopABoM = BoMID(901), loopBBoM = BoMID(902)
    static let unit = UnitID(1)

    static func template(_ id: Int32) -> StockChange {
        .upsertTemplate(ProductTemplate(id: TemplateID(id), storable: true, unitID: unit, active: true))
    }

    static func variant(_ id: VariantID, _ template: Int32, _ sku: String) -> StockChange {
        .upsertVariant(ProductVariant(id: id, templateID: TemplateID(template), sku: sku, barcode: nil, active: true))
    }

    static func bom(_ id: BoMID, template: Int32) -> StockChange {
        .upsertBoM(
            BillOfMaterials(
                id: id, templateID: TemplateID(template), variantID: nil, isKit: true, quantity: Quantity(units: 1), unitID: unit,
                active: true, sequence: 1, companyID: nil))
    }

    static func line(_ id: Int32, _ bom: BoMID, _ component: VariantID, _ quantity: Int, sequence: Int32) -> StockChange {
        .upsertBoMLine(
            BoMLine(id: BoMLineID(id), bomID: bom, componentID: component, quantity: Quantity(units: quantity), unitID: unit, sequence: sequence))
    }

    static let changes: [StockChange] = [
        .upsertUnit(UnitOfMeasure(id: unit, categoryID: 1, factor: "1", rounding: Quantity(rawValue: 10_000), active: true)),
        template(20), template(21), template(22), template(24), template(25), template(26),
        variant(deskKit, 20, "DESK-KIT"), variant(top, 21, "TOP"), variant(leg, 22, "LEG"),
        variant(loopA, 24, "LOOP-A"), variant(loopB, 25, "LOOP-B"), variant(screw, 26, "SCREW"),
        bom(deskBoM, template: 20),
        line(9001, deskBoM, top, 1, sequence: 1),
        line(9002, deskBoM, leg, 4, sequence: 2),
        bom(loopABoM, template: 24),
        line(9011, loopABoM, loopB, 1, sequence: 1),
        bom(loopBBoM, template: 25),
        line(9021, loopBBoM, loopA, 1, sequence: 1),
        HTTPFixtures.quant(101, top, HTTPFixtures.whStock, "2"),
        HTTPFixtures.quant(102, leg, HTTPFixtures.shelf1, "9"),
        HTTPFixtures.quant(103, top, HTTPFixtures.euStock, "5"),
        HTTPFixtures.quant(104, leg, HTTPFixtures.euStock, "3"),
        HTTPFixtures.quant(105, screw, HTTPFixtures.whStock, "100"),
    ]

    /// The HTTP fixture's tree and products plus the kits above, as one transaction.
    static func projection() throws -> StockProjection {
        let projection = StockProjection(state: ProjectionState(settings: HTTPFixtures.settings))
        let changes =
            HTTPFixtures.locations.map(StockChange.upsertLocation) + HTTPFixtures.warehouses.map(StockChange.upsertWarehouse)
            + HTTPFixtures.products + HTTPFixtures.quants + Self.changes
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 0x16B_3748, commitTime: HTTPFixtures.commitTime), changes: changes)])
        return projection
    }
}
