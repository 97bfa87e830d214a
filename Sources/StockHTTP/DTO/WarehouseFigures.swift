import StockProjection

/// One entry of an item's `warehouses` (with `group_by=warehouse`): the variant's figures in one warehouse.
struct WarehouseFigures: JSONWritable {
    /// `stock_warehouse.code`.
    var code: String?
    /// `stock_warehouse.id`.
    var warehouseID: WarehouseID
    /// The figures of the quants inside both the warehouse and the requested scope; the warehouse's
    /// safety stock applies to `available`.
    var figures: StockFigures

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("warehouse")
        json.string(code)
        json.key("warehouse_id")
        json.integer(warehouseID.rawValue)
        json.figureMembers(figures)
        json.endObject()
    }
}
