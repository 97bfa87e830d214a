public import StockProjection
public import StockStorage

extension StockdConfiguration {
    /// The projection settings these configuration values describe (quarantine rules and safety stock).
    ///
    /// - Throws: ``ConfigurationError`` if a decimal does not fit a ``Quantity`` (more than six decimals).
    public func projectionSettings() throws -> ProjectionSettings {
        func quantity(_ text: String, key: String) throws -> Quantity {
            do {
                return try Quantity(parsing: text)
            } catch {
                throw ConfigurationError.invalidValue(key: key, value: text, expected: "a decimal with at most 6 places (\(error))")
            }
        }
        let rules = QuarantineRules(
            locationIDs: Set(quarantine.locationIDs.compactMap { Int32(exactly: $0) }.map { LocationID($0) }),
            namePatterns: quarantine.namePatterns,
            warehouseQualityControl: quarantine.warehouseQCLocations
        )
        let policy = SafetyStockPolicy(
            defaultQuantity: try quantity(safetyStock.defaultQuantity, key: "safety_stock.default"),
            perWarehouse: try safetyStock.warehouses.mapValues { try quantity($0, key: "safety_stock.warehouses") },
            perSKU: try safetyStock.skus.mapValues { try quantity($0, key: "safety_stock.skus") }
        )
        return ProjectionSettings(quarantine: rules, safetyStock: policy)
    }

    /// The store's durability in the storage module's terms.
    public var storeDurability: StoreDurability {
        switch store.durability {
        case .full: .full
        case .noMetaSync: .noMetaSync
        case .noSync: .noSync
        }
    }
}
