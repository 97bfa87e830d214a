import StockProjection

extension EventRule {
    /// The rule in the rules file's JSON format (``RuleFile``), as a `JSONSerialization` object: what the admin API
    /// answers and what the store keeps for rules created through it. ``RuleFile/rule(from:)`` reads it back to
    /// the same rule.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = ["id": id, "figure": figure.rawValue, "condition": condition.eventType]
        if products.all { object["products"] = "all" }
        if !products.skus.isEmpty { object["skus"] = products.skus }
        if !products.skuPatterns.isEmpty { object["sku_patterns"] = products.skuPatterns }
        if !products.templates.isEmpty { object["templates"] = products.templates.map { Int($0.rawValue) } }
        switch scope {
        case .total: object["scope"] = "total"
        case .eachWarehouse: object["scope"] = "each_warehouse"
        case .warehouses(let ids): object["warehouses"] = ids.map { Int($0.rawValue) }
        case .locations(let ids): object["locations"] = ids.map { Int($0.rawValue) }
        }
        if case .lowStock(let threshold, let rearm) = condition {
            // Decimal text: quantities are exact, never floating point.
            object["threshold"] = threshold.description
            object["rearm"] = rearm.description
        }
        return object
    }
}
