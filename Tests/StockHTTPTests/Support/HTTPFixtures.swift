import StockCatalogue
import StockProjection

/// A small hand-made Odoo tree with exact expectations:
///
/// ```
/// 1 Physical Locations (view)
/// ├─ 10 WH (view, warehouse 1 "WH")
/// │  ├─ 11 WH/Stock
/// │  │  ├─ 12 WH/Stock/Shelf 1
/// │  │  └─ 14 WH/Stock/Shelf 2
/// │  └─ 15 WH/Quality Control        (quarantined by the name pattern)
/// ├─ 20 EU (view, warehouse 2 "EU")
/// │  └─ 21 EU/Stock
/// └─ 30 Physical Locations/Loose     (outside every warehouse)
/// 2 Partners (view)
/// └─ 4 Partners/Customers, Left      (a comma in a complete name)
/// ```
///
/// Variants: 100 `CHAIR-RED` (the example figures: on hand 10, reserved 2, free 8, quarantined 1,
/// available 6 with a safety stock of 1), 101 and 102 sharing `DESK`, 103 `LAMP` with no stock,
/// 104 `BIG` with 9007199254740.993 units (not representable as a Double), 105 `TINY` with 0.1 + 0.2 units.
enum HTTPFixtures {
    static let wh = WarehouseID(1), eu = WarehouseID(2)
    static let whView = LocationID(10), whStock = LocationID(11), shelf1 = LocationID(12), shelf2 = LocationID(14)
    static let whQC = LocationID(15), euView = LocationID(20), euStock = LocationID(21), loose = LocationID(30)
    static let customers = LocationID(4)
    static let chair = VariantID(100), desk = VariantID(101), desk2 = VariantID(102), lamp = VariantID(103)
    static let big = VariantID(104), tiny = VariantID(105)

    static func location(_ id: Int32, _ path: String, _ name: String, _ usage: Location.Usage = .internal) -> Location {
        let ancestry = path.split(separator: "/").compactMap { Int32($0) }
        let parent = ancestry.count >= 2 ? LocationID(ancestry[ancestry.count - 2]) : nil
        return Location(
            id: LocationID(id), parentID: parent, parentPath: path, completeName: name, usage: usage, companyID: CompanyID(1), active: true)
    }

    static let locations: [Location] = [
        location(1, "1/", "Physical Locations", .view),
        location(10, "1/10/", "WH", .view),
        location(11, "1/10/11/", "WH/Stock"),
        location(12, "1/10/11/12/", "WH/Stock/Shelf 1"),
        location(14, "1/10/11/14/", "WH/Stock/Shelf 2"),
        location(15, "1/10/15/", "WH/Quality Control"),
        location(20, "1/20/", "EU", .view),
        location(21, "1/20/21/", "EU/Stock"),
        location(30, "1/30/", "Physical Locations/Loose"),
        location(2, "2/", "Partners", .view),
        location(4, "2/4/", "Partners/Customers, Left", .customer),
    ]

    static let warehouses: [Warehouse] = [
        Warehouse(
            id: wh, code: "WH", name: "Main", viewLocationID: whView, stockLocationID: whStock, qualityControlLocationID: whQC,
            companyID: CompanyID(1), active: true),
        Warehouse(
            id: eu, code: "EU", name: "Europe", viewLocationID: euView, stockLocationID: euStock, qualityControlLocationID: nil,
            companyID: CompanyID(1), active: true),
    ]

    static let products: [StockChange] = [
        .upsertTemplate(ProductTemplate(id: TemplateID(7), storable: true, unitID: UnitID(1), active: true)),
        .upsertTemplate(ProductTemplate(id: TemplateID(8), storable: true, unitID: UnitID(1), active: true)),
        .upsertTemplate(ProductTemplate(id: TemplateID(9), storable: true, unitID: UnitID(1), active: true)),
        .upsertVariant(ProductVariant(id: chair, templateID: TemplateID(7), sku: "CHAIR-RED", barcode: "5901234123457", active: true)),
        .upsertVariant(ProductVariant(id: desk, templateID: TemplateID(8), sku: "DESK", barcode: nil, active: true)),
        .upsertVariant(ProductVariant(id: desk2, templateID: TemplateID(8), sku: "DESK", barcode: "5901234123464", active: false)),
        .upsertVariant(ProductVariant(id: lamp, templateID: TemplateID(9), sku: "LAMP", barcode: nil, active: true)),
        .upsertVariant(ProductVariant(id: big, templateID: TemplateID(9), sku: "BIG", barcode: nil, active: true)),
        .upsertVariant(ProductVariant(id: tiny, templateID: TemplateID(9), sku: "TINY \"quoted\"/é", barcode: nil, active: true)),
    ]

    static func quant(_ id: Int32, _ variant: VariantID, _ location: LocationID, _ quantity: String, reserved: String = "0") -> StockChange {
        .upsertQuant(
            Quant(
                id: QuantID(id), variantID: variant, locationID: location, quantity: try! Quantity(parsing: quantity),
                reserved: try! Quantity(parsing: reserved)))
    }

    static let quants: [StockChange] = [
        quant(1, chair, whStock, "8", reserved: "2"),
        quant(2, chair, shelf1, "1"),
        quant(3, chair, whQC, "1"),
        quant(4, chair, loose, "4"),
        quant(5, desk, whStock, "5"),
        quant(6, desk2, euStock, "3.5", reserved: "0.5"),
        quant(7, big, euStock, "9007199254740.993"),
        quant(8, tiny, shelf1, "0.1"),
        quant(9, tiny, shelf2, "0.2"),
        quant(10, desk, customers, "2"),
    ]

    /// Quarantine `*/Quality Control`; hold back 1 `CHAIR-RED` from channels.
    static let settings = ProjectionSettings(
        quarantine: QuarantineRules(namePatterns: ["*/Quality Control"]),
        safetyStock: SafetyStockPolicy(perSKU: ["CHAIR-RED": Quantity(units: 1)])
    )

    /// The commit time of the fixture's transaction: 2026-11-23T09:00:00.123456Z.
    static let commitTime: Int64 = 1_795_424_400_123_456

    /// A projection holding the tree and quants, applied as one transaction at LSN 0/16B3748.
    static func projection() throws -> StockProjection {
        let projection = StockProjection(state: ProjectionState(settings: settings))
        let changes = locations.map(StockChange.upsertLocation) + warehouses.map(StockChange.upsertWarehouse) + products + quants
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 0x16B_3748, commitTime: commitTime), changes: changes)])
        return projection
    }

    /// A projection of a generated Odoo catalogue of `variants` variants in three warehouses.
    static func catalogueProjection(variants: Int = 200, kits: Int? = nil) throws -> (StockProjection, OdooCatalogue) {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: variants, kits: kits))
        let projection = StockProjection()
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 1, commitTime: commitTime), changes: catalogue.allChanges)])
        return (projection, catalogue)
    }
}
