import StockProjection

/// One entry of the change feed: a (variant, location) whose figures changed, with its full current figures.
///
/// The figures are those of the location's own quants (as in `group_by=location`), read from the same
/// snapshot as the page; all zero when the stock there is gone. A client keeps the latest entry per
/// (variant_id, location_id) and sums them for any roll-up.
struct ChangeEntry: JSONWritable {
    /// The variant.
    var variantID: VariantID
    /// Its SKU, `nil` when empty or when the variant is no longer known.
    var sku: String?
    /// Its barcode.
    var barcode: String?
    /// Its template, `nil` when the variant is no longer known.
    var templateID: TemplateID?
    /// Whether the variant is a kit; its figures are then the kits its components at the location make.
    var kit: Bool = false
    /// The ``KitProblem/code`` of a kit whose BoM cannot be computed (figures zero), else `nil` (member absent).
    var invalid: String? = nil
    /// The location.
    var locationID: LocationID
    /// The location's complete name, `nil` when no longer known.
    var locationName: String?
    /// The innermost warehouse containing the location.
    var warehouseCode: String?
    /// That warehouse's id.
    var warehouseID: WarehouseID?
    /// The location's own current figures (no safety stock).
    var figures: StockFigures

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("variant_id")
        json.integer(variantID.rawValue)
        json.key("sku")
        json.string(sku)
        json.key("barcode")
        json.string(barcode)
        json.key("template_id")
        json.integer(templateID?.rawValue)
        json.key("kit")
        json.bool(kit)
        if let invalid {
            json.key("invalid")
            json.string(invalid)
        }
        json.key("location_id")
        json.integer(locationID.rawValue)
        json.key("location")
        json.string(locationName)
        json.key("warehouse")
        json.string(warehouseCode)
        json.key("warehouse_id")
        json.integer(warehouseID?.rawValue)
        json.figureMembers(figures)
        json.endObject()
    }
}
