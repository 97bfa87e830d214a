public import StockProjection

/// A small hand-made Odoo tree used by several suites (the projection's and the event rules'):
///
/// ```
/// 1 Physical Locations (view)
/// ├─ 10 WH (view, warehouse 1)
/// │  ├─ 11 WH/Stock
/// │  │  ├─ 12 WH/Stock/Shelf 1
/// │  │  │  └─ 13 WH/Stock/Shelf 1/Bin A
/// │  │  └─ 14 WH/Stock/Shelf 2
/// │  ├─ 15 WH/Quality Control
/// │  └─ 16 WH/Damaged
/// └─ 20 EU (view, warehouse 2)
///    └─ 21 EU/Stock
/// 2 Partners (view)
/// ├─ 3 Partners/Vendors (supplier)
/// └─ 4 Partners/Customers (customer)
/// 7 Virtual Locations/Scrap (inventory)
/// 30 Loose (internal, outside every warehouse)
/// ```
public enum Fixtures {
    public static let wh = WarehouseID(1)
    public static let eu = WarehouseID(2)
    public static let whView = LocationID(10), whStock = LocationID(11), shelf1 = LocationID(12), binA = LocationID(13)
    public static let shelf2 = LocationID(14), whQC = LocationID(15), whDamaged = LocationID(16)
    public static let euView = LocationID(20), euStock = LocationID(21)
    public static let vendors = LocationID(3), customers = LocationID(4), scrap = LocationID(7), loose = LocationID(30)
    public static let chair = VariantID(100), desk = VariantID(101), lamp = VariantID(102)

    public static func location(_ id: Int32, _ path: String, _ name: String, _ usage: Location.Usage = .internal) -> Location {
        let ancestry = path.split(separator: "/").compactMap { Int32($0) }
        let parent = ancestry.count >= 2 ? LocationID(ancestry[ancestry.count - 2]) : nil
        return Location(
            id: LocationID(id), parentID: parent, parentPath: path, completeName: name, usage: usage, companyID: CompanyID(1), active: true)
    }

    public static let locations: [Location] = [
        location(1, "1/", "Physical Locations", .view),
        location(10, "1/10/", "WH", .view),
        location(11, "1/10/11/", "WH/Stock"),
        location(12, "1/10/11/12/", "WH/Stock/Shelf 1"),
        location(13, "1/10/11/12/13/", "WH/Stock/Shelf 1/Bin A"),
        location(14, "1/10/11/14/", "WH/Stock/Shelf 2"),
        location(15, "1/10/15/", "WH/Quality Control"),
        location(16, "1/10/16/", "WH/Damaged"),
        location(20, "1/20/", "EU", .view),
        location(21, "1/20/21/", "EU/Stock"),
        location(2, "2/", "Partners", .view),
        location(3, "2/3/", "Partners/Vendors", .supplier),
        location(4, "2/4/", "Partners/Customers", .customer),
        location(5, "5/", "Virtual Locations", .view),
        location(7, "5/7/", "Virtual Locations/Scrap", .inventory),
        location(30, "1/30/", "Physical Locations/Loose"),
    ]

    public static let warehouses: [Warehouse] = [
        Warehouse(
            id: wh, code: "WH", name: "Main", viewLocationID: whView, stockLocationID: whStock, qualityControlLocationID: whQC,
            companyID: CompanyID(1), active: true),
        Warehouse(
            id: eu, code: "EU", name: "Europe", viewLocationID: euView, stockLocationID: euStock, qualityControlLocationID: nil,
            companyID: CompanyID(1), active: true),
    ]

    public static let products: [StockChange] = [
        .upsertTemplate(ProductTemplate(id: TemplateID(1), storable: true, unitID: UnitID(1), active: true)),
        .upsertVariant(ProductVariant(id: chair, templateID: TemplateID(1), sku: "CHAIR-RED", barcode: "5901234123457", active: true)),
        .upsertVariant(ProductVariant(id: desk, templateID: TemplateID(1), sku: "DESK", barcode: nil, active: true)),
        .upsertVariant(ProductVariant(id: lamp, templateID: TemplateID(1), sku: "DESK", barcode: "", active: true)),
    ]

    public static var tree: [StockChange] { locations.map(StockChange.upsertLocation) + warehouses.map(StockChange.upsertWarehouse) + products }

    public static func quant(_ id: Int32, _ variant: VariantID, _ location: LocationID, _ quantity: String, reserved: String = "0") -> StockChange {
        .upsertQuant(
            Quant(
                id: QuantID(id), variantID: variant, locationID: location, quantity: try! Quantity(parsing: quantity),
                reserved: try! Quantity(parsing: reserved)))
    }

    public static func transaction(_ position: UInt64, _ changes: [StockChange]) -> SourceTransaction {
        SourceTransaction(checkpoint: Checkpoint(position: position, commitTime: Int64(position)), changes: changes)
    }

    /// A projection holding the tree and the given quants, applied as one transaction at position 1.
    public static func projection(_ quants: [StockChange], settings: ProjectionSettings = ProjectionSettings()) throws -> StockProjection {
        let projection = StockProjection(state: ProjectionState(settings: settings))
        try projection.apply([transaction(1, tree + quants)])
        return projection
    }
}

/// Quantities written as text in the fixtures and the tests that use them (`"2.5"`); a malformed literal is a bug in
/// a test.
extension Quantity: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { try! self.init(parsing: value) }
}
