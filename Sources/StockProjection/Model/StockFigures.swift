/// The availability figures of one variant in one scope.
///
/// - `onHand`: Σ `quantity` (Odoo `qty_available`).
/// - `reserved`: Σ `reserved_quantity`.
/// - `free`: `onHand - reserved` (Odoo `free_qty`); negative when more is reserved than is on hand.
/// - `quarantined`: `onHand` of the quants in locations classed as quarantine.
/// - `available`: what a channel may sell: `max(0, free outside quarantine - safety stock)`.
@frozen
public struct StockFigures: Hashable, Sendable {
    /// Σ `quantity` over the scope's quants.
    public var onHand: Quantity
    /// Σ `reserved_quantity` over the scope's quants.
    public var reserved: Quantity
    /// `onHand - reserved`.
    public var free: Quantity { onHand - reserved }
    /// On-hand quantity in quarantine locations.
    public var quarantined: Quantity
    /// Free quantity outside quarantine, before safety stock.
    public var sellableFree: Quantity
    /// Safety stock held back from channels.
    public var safetyStock: Quantity
    /// What a channel may sell: never negative.
    public var available: Quantity { (sellableFree - safetyStock).clampedAtZero }

    /// Figures with every quantity zero.
    public static let zero = StockFigures(onHand: .zero, reserved: .zero, quarantined: .zero, sellableFree: .zero)

    /// Creates figures from their sums.
    @inlinable
    public init(
        onHand: Quantity,
        reserved: Quantity,
        quarantined: Quantity,
        sellableFree: Quantity,
        safetyStock: Quantity = .zero
    ) {
        self.onHand = onHand
        self.reserved = reserved
        self.quarantined = quarantined
        self.sellableFree = sellableFree
        self.safetyStock = safetyStock
    }

    /// Whether on hand, reserved and quarantined are all zero (the test for "has no stock in this scope").
    ///
    /// The derived figures (free, sellable free) and the safety stock are not looked at: with on hand and reserved
    /// zero there is nothing to sell, whatever the safety stock.
    public var isZero: Bool { onHand == .zero && reserved == .zero && quarantined == .zero }

    /// Adds the sums of another set of figures (safety stock is not summed).
    @inlinable
    public mutating func accumulate(_ other: StockFigures) {
        onHand += other.onHand
        reserved += other.reserved
        quarantined += other.quarantined
        sellableFree += other.sellableFree
    }
}
