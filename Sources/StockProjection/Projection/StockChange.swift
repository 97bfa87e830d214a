/// One row-level change from the source, in the projection's terms.
///
/// Upserts carry the whole new row; deletes carry only the id (as PostgreSQL sends them with the default
/// replica identity), so the projection keeps what it needs to undo a row by id.
public enum StockChange: Hashable, Sendable {
    /// A `stock_quant` row was inserted or updated.
    case upsertQuant(Quant)
    /// A `stock_quant` row was deleted.
    case deleteQuant(QuantID)
    /// A `stock_location` row was inserted or updated (a re-parent or rename updates each row of the subtree).
    case upsertLocation(Location)
    /// A `stock_location` row was deleted.
    case deleteLocation(LocationID)
    /// A `stock_warehouse` row was inserted or updated.
    case upsertWarehouse(Warehouse)
    /// A `stock_warehouse` row was deleted.
    case deleteWarehouse(WarehouseID)
    /// A `product_product` row was inserted or updated.
    case upsertVariant(ProductVariant)
    /// A `product_product` row was deleted.
    case deleteVariant(VariantID)
    /// A `product_template` row was inserted or updated.
    case upsertTemplate(ProductTemplate)
    /// A `product_template` row was deleted.
    case deleteTemplate(TemplateID)
    /// A `uom_uom` row was inserted or updated.
    case upsertUnit(UnitOfMeasure)
    /// A `uom_uom` row was deleted.
    case deleteUnit(UnitID)
    /// An `mrp_bom` row was inserted or updated.
    case upsertBoM(BillOfMaterials)
    /// An `mrp_bom` row was deleted.
    case deleteBoM(BoMID)
    /// An `mrp_bom_line` row was inserted or updated.
    case upsertBoMLine(BoMLine)
    /// An `mrp_bom_line` row was deleted.
    case deleteBoMLine(BoMLineID)
    /// A `product_template_attribute_value` row was inserted or updated.
    case upsertAttributeValue(TemplateAttributeValue)
    /// A `product_template_attribute_value` row was deleted.
    case deleteAttributeValue(AttributeValueID)
    /// A `mrp_bom_line_product_template_attribute_value_rel` row was inserted.
    case linkBoMLineValue(BoMLineValueLink)
    /// A `mrp_bom_line_product_template_attribute_value_rel` row was deleted.
    case unlinkBoMLineValue(BoMLineValueLink)
    /// A `product_variant_combination` row was inserted.
    case linkVariantValue(VariantValueLink)
    /// A `product_variant_combination` row was deleted.
    case unlinkVariantValue(VariantValueLink)
    /// A `stock_move` row was inserted or updated; a move in an open state enters (or changes in) the forecast,
    /// any other state takes it out.
    case upsertMove(StockMove)
    /// A `stock_move` row was deleted, or left the open states (the decode-time filter sends only the id).
    case closeMove(MoveID)
    /// A table was truncated.
    case truncate(SourceTable)
}

/// The source tables the projection mirrors.
public enum SourceTable: String, CaseIterable, Hashable, Sendable {
    /// `stock_quant`.
    case quants = "stock_quant"
    /// `stock_location`.
    case locations = "stock_location"
    /// `stock_warehouse`.
    case warehouses = "stock_warehouse"
    /// `product_product`.
    case variants = "product_product"
    /// `product_template`.
    case templates = "product_template"
    /// `uom_uom`.
    case units = "uom_uom"
    /// `mrp_bom`.
    case boms = "mrp_bom"
    /// `mrp_bom_line`.
    case bomLines = "mrp_bom_line"
    /// `product_template_attribute_value`.
    case attributeValues = "product_template_attribute_value"
    /// `mrp_bom_line_product_template_attribute_value_rel`.
    case bomLineValues = "mrp_bom_line_product_template_attribute_value_rel"
    /// `product_variant_combination`.
    case variantValues = "product_variant_combination"
    /// `stock_move` (only open moves are kept).
    case moves = "stock_move"
}

/// The changes of one source transaction, applied all together or not at all.
public struct SourceTransaction: Hashable, Sendable {
    /// Where the transaction committed in the source.
    public var checkpoint: Checkpoint
    /// Its row changes, in source order.
    public var changes: [StockChange]

    /// Creates a transaction.
    public init(checkpoint: Checkpoint, changes: [StockChange]) {
        self.checkpoint = checkpoint
        self.changes = changes
    }
}
