/// One quant as the projection keeps it, in its variant's list: 24 bytes.
@frozen
public struct StockEntry: Hashable, Sendable {
    /// `stock_quant.id`.
    public var quantID: QuantID
    /// `stock_quant.location_id`.
    public var locationID: LocationID
    /// `stock_quant.quantity`.
    public var quantity: Quantity
    /// `stock_quant.reserved_quantity`.
    public var reserved: Quantity

    /// Creates an entry.
    @inlinable
    public init(quantID: QuantID, locationID: LocationID, quantity: Quantity, reserved: Quantity) {
        self.quantID = quantID
        self.locationID = locationID
        self.quantity = quantity
        self.reserved = reserved
    }
}
