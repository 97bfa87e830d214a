import StockProjection

/// One variant in an answer: its identity, its figures over the requested scope, and the breakdown asked for.
struct AvailabilityItem: JSONWritable {
    /// `product_product.id`.
    var variantID: VariantID
    /// `default_code`, `nil` when empty.
    var sku: String?
    /// `barcode`, `nil` when empty.
    var barcode: String?
    /// `product_tmpl_id`.
    var templateID: TemplateID
    /// `product_product.active` (archived variants are still answered for).
    var active: Bool
    /// Whether the variant is a kit (an active phantom BoM matches it): its figures are then computed from its
    /// components' stock, as Odoo's `qty_available` and `free_qty` are.
    var kit: Bool
    /// For a kit whose BoM cannot be computed, the ``KitProblem/code`` (`cycle`, `unit_mismatch`, `too_large`);
    /// its figures are then zero. `nil` (and the member absent) otherwise.
    var invalid: String? = nil
    /// The total over the requested scope (safety stock applied to `available`).
    var figures: StockFigures
    /// Per-warehouse figures, with `group_by=warehouse`.
    var warehouses: [WarehouseFigures]?
    /// Per-location figures, with `group_by=location`.
    var locations: [LocationFigures]?
    /// The forecast figures over the requested scope, and which of their members to write (`fields=`).
    var forecast: (figures: ForecastFigures, fields: Set<ForecastRequest.Field>)? = nil

    func write(to json: inout JSONWriter) {
        // The members up to the figures have a bounded size: one reservation of the buffer for all of them.
        let strings = (sku?.utf8.count ?? 0) + (barcode?.utf8.count ?? 0) + (invalid?.utf8.count ?? 0)
        json.tokens(atMost: 256 + JSONTokens.room(forString: strings) + JSONTokens.figureMembersRoom) { out in
            out.beginObject()
            out.key("variant_id")
            out.integer(variantID.rawValue)
            out.key("sku")
            out.string(sku)
            out.key("barcode")
            out.string(barcode)
            out.key("template_id")
            out.integer(templateID.rawValue)
            out.key("active")
            out.bool(active)
            out.key("kit")
            out.bool(kit)
            if let invalid {
                out.key("invalid")
                out.string(invalid)
            }
            out.figureMembers(figures)
        }
        if let forecast { json.forecastMembers(forecast.figures, fields: forecast.fields) }
        if let warehouses {
            json.key("warehouses")
            json.beginArray()
            for entry in warehouses { json.value(entry) }
            json.endArray()
        }
        if let locations {
            json.key("locations")
            json.beginArray()
            for entry in locations { json.value(entry) }
            json.endArray()
        }
        json.endObject()
    }
}
