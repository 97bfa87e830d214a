/// The `warehouse` and `location` filters of a request, as given: codes, ids or complete names.
///
/// Several filters mean the union of their scopes. No filter means every active warehouse.
struct ScopeFilter: Equatable {
    /// Warehouse codes or ids.
    var warehouses: [String] = []
    /// Location ids or complete names (each with its whole subtree).
    var locations: [String] = []

    /// Whether the filter names nothing (the whole stock of every active warehouse).
    var isEmpty: Bool { warehouses.isEmpty && locations.isEmpty }

    /// Reads the filters from a query string.
    ///
    /// - Throws: 400 for an empty value.
    init(query: QueryParameters) throws(APIProblem) {
        warehouses = try Self.nonEmpty(query.all("warehouse"), name: "warehouse")
        locations = try Self.nonEmpty(query.all("location"), name: "location")
    }

    init(warehouses: [String] = [], locations: [String] = []) {
        self.warehouses = warehouses
        self.locations = locations
    }

    /// Refuses more filters than the identifier limit.
    ///
    /// - Throws: 422 above `maxIdentifiers`.
    func checkLimits(_ limits: StockHTTPConfiguration.Limits) throws(APIProblem) {
        let count = warehouses.count + locations.count
        if count > limits.maxIdentifiers {
            throw APIProblem(
                kind: .tooManyIdentifiers,
                detail: "\(count) warehouse and location filters given; at most \(limits.maxIdentifiers) are accepted per request"
            )
        }
    }

    private static func nonEmpty(_ values: [String], name: String) throws(APIProblem) -> [String] {
        for value in values where value.isEmpty { throw APIProblem.malformed(name, "must not be empty") }
        return values
    }
}
