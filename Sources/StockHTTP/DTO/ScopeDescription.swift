import StockProjection

/// What a path's `{location}` resolved to: the locations or warehouses whose subtrees make up the scope.
struct ScopeDescription: JSONWritable {
    /// Locations named (by id or complete name), with their complete names.
    var locations: [(id: LocationID, name: String)] = []
    /// Warehouses named (by code), with their codes.
    var warehouses: [(id: WarehouseID, code: String)] = []

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("locations")
        json.beginArray()
        for location in locations {
            json.beginObject()
            json.key("location_id")
            json.integer(location.id.rawValue)
            json.key("location")
            json.string(location.name)
            json.endObject()
        }
        json.endArray()
        json.key("warehouses")
        json.beginArray()
        for warehouse in warehouses {
            json.beginObject()
            json.key("warehouse_id")
            json.integer(warehouse.id.rawValue)
            json.key("warehouse")
            json.string(warehouse.code)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}
