/// A quant row, from `stock_quant`: some quantity of one variant in one location.
///
/// Odoo allows several rows with the same (variant, location, lot, package, owner) key and merges them later,
/// so figures always sum rows. Lot, package and owner do not change availability and are not kept.
public struct Quant: Hashable, Sendable {
    /// `stock_quant.id`.
    public var id: QuantID
    /// `stock_quant.product_id`.
    public var variantID: VariantID
    /// `stock_quant.location_id`.
    public var locationID: LocationID
    /// `stock_quant.quantity`, in the product's unit (`NULL` is read as zero).
    public var quantity: Quantity
    /// `stock_quant.reserved_quantity`, in the product's unit.
    public var reserved: Quantity

    /// Creates a quant record.
    public init(id: QuantID, variantID: VariantID, locationID: LocationID, quantity: Quantity, reserved: Quantity) {
        self.id = id
        self.variantID = variantID
        self.locationID = locationID
        self.quantity = quantity
        self.reserved = reserved
    }
}
