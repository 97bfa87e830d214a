/// The configuration the projection applies when it computes figures.
///
/// Settings can change while the feed runs (``StockProjection/updateSettings(_:)``): the location
/// classification is re-derived and a new snapshot is published; no stock data is re-read.
public struct ProjectionSettings: Hashable, Sendable {
    /// Which locations are quarantined.
    public var quarantine: QuarantineRules
    /// How much stock to hold back from channels.
    public var safetyStock: SafetyStockPolicy
    /// How many change-feed entries are kept in memory; older cursors are told to do a full pull.
    public var changeLogCapacity: Int
    /// How kit figures are rounded: the source's Odoo version decides (see ``KitRules``).
    public var kitRules: KitRules

    /// Creates settings.
    public init(
        quarantine: QuarantineRules = QuarantineRules(),
        safetyStock: SafetyStockPolicy = SafetyStockPolicy(),
        changeLogCapacity: Int = 1_000_000,
        kitRules: KitRules = KitRules(odooVersion: 17)
    ) {
        self.kitRules = kitRules
        self.quarantine = quarantine
        self.safetyStock = safetyStock
        self.changeLogCapacity = max(1, changeLogCapacity)
    }
}
