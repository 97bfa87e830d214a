public import StockProjection

/// Odoo's figures recomputed the slow, obvious way from raw rows: the oracle unit tests compare the projection
/// with. It follows section 2 of Odoo's `_get_domain_locations` rules literally: a quant counts for a root
/// location when its location's `parent_path` starts with the root's.
public struct ReferenceFigures: Sendable {
    private let locations: [LocationID: Location]
    private let warehouses: [Warehouse]
    private let quarantined: @Sendable (Location) -> Bool

    /// Prepares the oracle.
    ///
    /// - Parameters:
    ///   - locations: Every location.
    ///   - warehouses: Every warehouse.
    ///   - quarantined: Whether a location is quarantined (the test states its own rule).
    public init(locations: [Location], warehouses: [Warehouse], quarantined: @escaping @Sendable (Location) -> Bool = { _ in false }) {
        self.locations = Dictionary(uniqueKeysWithValues: locations.map { ($0.id, $0) })
        self.warehouses = warehouses
        self.quarantined = quarantined
    }

    /// The roots of a scope, as Odoo picks them.
    public func roots(_ scope: StockScope) -> [LocationID] {
        switch scope {
        case .everywhere: warehouses.filter(\.active).map(\.viewLocationID)
        case .warehouse(let id): warehouses.filter { $0.id == id }.map(\.viewLocationID)
        case .location(let id): [id]
        case .union(let scopes): scopes.flatMap(roots)
        }
    }

    /// On hand, reserved and quarantined of one variant in a scope, from raw quant rows.
    public func figures(variant: VariantID, scope: StockScope, quants: some Sequence<Quant>) -> StockFigures {
        let rootPaths = roots(scope).compactMap { locations[$0]?.parentPath }
        var figures = StockFigures.zero
        for quant in quants where quant.variantID == variant {
            guard let location = locations[quant.locationID],
                rootPaths.contains(where: { location.parentPath.hasPrefix($0) })
            else { continue }
            figures.onHand += quant.quantity
            figures.reserved += quant.reserved
            if quarantined(location) {
                figures.quarantined += quant.quantity
            } else {
                figures.sellableFree += quant.quantity - quant.reserved
            }
        }
        return figures
    }
}
