public import StockProjection

/// The Odoo tables stockd reads, and which of them must exist.
public enum OdooTables {
    /// Tables every Odoo with the stock module has; stockd cannot work without them.
    /// `stock_move` feeds the forecast (incoming, outgoing); only its open moves are kept.
    public static let required = [
        "stock_quant", "stock_location", "stock_warehouse", "product_product", "product_template", "uom_uom", "stock_move",
    ]
    /// Tables of the mrp module (kits); published when present.
    public static let optional = [
        "mrp_bom", "mrp_bom_line", "mrp_bom_line_product_template_attribute_value_rel",
        "product_template_attribute_value", "product_variant_combination",
    ]

    /// The projection table for an Odoo table name, for the tables stockd maps today.
    public static func sourceTable(_ name: String) -> SourceTable? { SourceTable(rawValue: name) }

    /// The `WHERE` clause the initial snapshot copies a table with: `stock_move` copies only open moves.
    public static func snapshotFilter(_ table: SourceTable) -> String {
        table == .moves ? " WHERE state IN ('waiting', 'confirmed', 'assigned', 'partially_available')" : ""
    }
}
