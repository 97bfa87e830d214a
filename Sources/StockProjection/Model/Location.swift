/// A stock location, from `stock_location`.
public struct Location: Hashable, Sendable {
    /// `stock_location.id`.
    public var id: LocationID
    /// `stock_location.location_id`: the parent location.
    public var parentID: LocationID?
    /// `stock_location.parent_path`: ancestor ids ending with the location's own, each followed by `/` (`1/7/8/`).
    public var parentPath: String
    /// `stock_location.complete_name`, e.g. `WH/Stock/Shelf 1`.
    public var completeName: String
    /// `stock_location.usage`.
    public var usage: Usage
    /// `stock_location.company_id`; `nil` for locations shared between companies.
    public var companyID: CompanyID?
    /// `stock_location.active`. Archived locations still count, as Odoo reads quants with `active_test=False`.
    public var active: Bool

    /// Creates a location record.
    public init(
        id: LocationID,
        parentID: LocationID?,
        parentPath: String,
        completeName: String,
        usage: Usage,
        companyID: CompanyID?,
        active: Bool
    ) {
        self.id = id
        self.parentID = parentID
        self.parentPath = parentPath
        self.completeName = completeName
        self.usage = usage
        self.companyID = companyID
        self.active = active
    }

    /// The ancestor chain from `parent_path`, root first and ending with this location.
    ///
    /// Falls back to `[id]` when the path is empty or malformed, which makes the location its own root.
    public var ancestry: [LocationID] {
        var result: [LocationID] = []
        for part in parentPath.split(separator: "/") {
            guard let value = Int32(part) else { return [id] }
            result.append(LocationID(value))
        }
        guard result.last == id else { return [id] }
        return result
    }

    /// `stock_location.usage`: what a location is for.
    public struct Usage: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The column's text.
        public var rawValue: String
        /// Creates a usage from the column's text; unknown values are kept as they are.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Vendor locations.
        public static let supplier = Usage(rawValue: "supplier")
        /// Grouping locations that hold no stock themselves (a warehouse's `WH`).
        public static let view = Usage(rawValue: "view")
        /// Locations inside a warehouse.
        public static let `internal` = Usage(rawValue: "internal")
        /// Customer locations.
        public static let customer = Usage(rawValue: "customer")
        /// Inventory loss and scrap.
        public static let inventory = Usage(rawValue: "inventory")
        /// Production.
        public static let production = Usage(rawValue: "production")
        /// Transit between warehouses or companies.
        public static let transit = Usage(rawValue: "transit")

        public var description: String { rawValue }
    }
}

/// A warehouse, from `stock_warehouse`.
public struct Warehouse: Hashable, Sendable {
    /// `stock_warehouse.id`.
    public var id: WarehouseID
    /// `stock_warehouse.code` (at most 5 characters, unique per company).
    public var code: String
    /// `stock_warehouse.name`.
    public var name: String
    /// `stock_warehouse.view_location_id`: the root of everything the warehouse answers for.
    public var viewLocationID: LocationID
    /// `stock_warehouse.lot_stock_id`: the `WH/Stock` location.
    public var stockLocationID: LocationID
    /// `stock_warehouse.wh_qc_stock_loc_id`: the quality-control location, if any.
    public var qualityControlLocationID: LocationID?
    /// `stock_warehouse.company_id`.
    public var companyID: CompanyID
    /// `stock_warehouse.active`. Archived warehouses do not count towards "everywhere".
    public var active: Bool

    /// Creates a warehouse record.
    public init(
        id: WarehouseID,
        code: String,
        name: String,
        viewLocationID: LocationID,
        stockLocationID: LocationID,
        qualityControlLocationID: LocationID?,
        companyID: CompanyID,
        active: Bool
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.viewLocationID = viewLocationID
        self.stockLocationID = stockLocationID
        self.qualityControlLocationID = qualityControlLocationID
        self.companyID = companyID
        self.active = active
    }
}
