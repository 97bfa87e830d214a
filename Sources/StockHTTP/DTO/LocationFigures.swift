import StockProjection

/// One entry of an item's `locations` (with `group_by=location`): a location that itself holds quants of
/// the variant in the scope, with the figures of its own quants only.
///
/// On hand, reserved, free and quarantined of all entries add up to the item's total; `available` is
/// clamped at zero per entry and carries no safety stock, so it need not.
struct LocationFigures: JSONWritable {
    /// `stock_location.id`.
    var locationID: LocationID
    /// `stock_location.complete_name`, `nil` if the location is unknown.
    var name: String?
    /// The code of the innermost warehouse containing the location, if any.
    var warehouseCode: String?
    /// That warehouse's id.
    var warehouseID: WarehouseID?
    /// The location's own figures.
    var figures: StockFigures

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("location_id")
        json.integer(locationID.rawValue)
        json.key("location")
        json.string(name)
        json.key("warehouse")
        json.string(warehouseCode)
        json.key("warehouse_id")
        json.integer(warehouseID?.rawValue)
        json.figureMembers(figures)
        json.endObject()
    }
}
