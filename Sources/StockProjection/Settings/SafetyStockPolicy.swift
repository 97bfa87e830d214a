/// Stock held back from sales channels: `available` is free stock less safety stock.
///
/// The most specific rule wins: a per-SKU quantity, else the quantity of the warehouse when the scope is
/// exactly one warehouse, else the default. Safety stock is applied once per answer, to the scope's total.
public struct SafetyStockPolicy: Hashable, Sendable {
    /// Safety stock when nothing more specific applies.
    public var defaultQuantity: Quantity
    /// Safety stock per warehouse code.
    public var perWarehouse: [String: Quantity]
    /// Safety stock per SKU (`default_code`).
    public var perSKU: [String: Quantity]

    /// Creates a policy.
    public init(
        defaultQuantity: Quantity = .zero,
        perWarehouse: [String: Quantity] = [:],
        perSKU: [String: Quantity] = [:]
    ) {
        self.defaultQuantity = defaultQuantity
        self.perWarehouse = perWarehouse
        self.perSKU = perSKU
    }

    /// The safety stock for one variant in a scope.
    ///
    /// - Parameters:
    ///   - sku: The variant's SKU, if it has one.
    ///   - warehouseCode: The warehouse's code when the scope is exactly one warehouse.
    /// - Returns: The quantity to hold back.
    public func quantity(sku: String?, warehouseCode: String?) -> Quantity {
        if let sku, let value = perSKU[sku] { return value }
        if let warehouseCode, let value = perWarehouse[warehouseCode] { return value }
        return defaultQuantity
    }

    /// Whether every rule is zero (figures can skip the look-ups).
    public var isZero: Bool {
        defaultQuantity == .zero && perWarehouse.values.allSatisfy { $0 == .zero } && perSKU.values.allSatisfy { $0 == .zero }
    }
}
