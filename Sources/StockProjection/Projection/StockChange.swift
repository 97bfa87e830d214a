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
