public import Foundation
import StockProjection

/// Reads rules from a JSON file.
///
/// ```json
/// {"rules": [
///   {"id": "sold-out", "products": "all", "condition": "out_of_stock"},
///   {"id": "chairs-low", "sku_patterns": ["CHAIR-*"], "scope": "each_warehouse",
///    "condition": "low_stock", "threshold": 5, "rearm": 8},
///   {"id": "wh1-changed", "skus": ["DESK-1"], "templates": [12], "warehouses": [1], "figure": "on_hand", "condition": "changed"}
/// ]}
/// ```
///
/// Products: `"products": "all"`, or any of `skus`, `sku_patterns`, `templates`. Scope: `"scope": "total"` (default)
/// or `"each_warehouse"`, or `warehouses` / `locations` (ids). Figure: `available` (default), `free`, `on_hand`.
/// Conditions: `out_of_stock`, `back_in_stock`, `changed`, `low_stock` with `threshold` and optional `rearm`
/// (default: the threshold).
public enum RuleFile {
    /// A rule file that cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        /// What is wrong, naming the rule.
        public var description: String
    }

    /// Reads and validates a rule file.
    ///
    /// - Parameter path: The file.
    /// - Returns: The rules, in file order.
    /// - Throws: ``Problem`` for a file that cannot be read or a rule that is not valid.
    public static func load(path: String) throws -> [EventRule] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(description: "cannot read rules file \(path)") }
        return try parse(data)
    }

    /// Parses the JSON text of a rule file.
    public static func parse(_ data: Data) throws -> [EventRule] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem(description: "rules file is not JSON: \(error.localizedDescription)")
        }
        let list: [Any]
        if let dictionary = object as? [String: Any], let rules = dictionary["rules"] as? [Any] {
            list = rules
        } else if let rules = object as? [Any] {
            list = rules
        } else {
            throw Problem(description: "rules file must be {\"rules\": [...]}")
        }
        var seen = Set<String>()
        return try list.enumerated().map { offset, item in
            guard let fields = item as? [String: Any] else { throw Problem(description: "rule #\(offset + 1) is not an object") }
            let rule = try parseRule(fields, number: offset + 1)
            guard seen.insert(rule.id).inserted else { throw Problem(description: "rule id \(rule.id) appears twice") }
            return rule
        }
    }

    /// Parses one rule given as the JSON object of the file format (as decoded by `JSONSerialization`): the
    /// admin API reads rules with this, so a rule has one syntax wherever it comes from.
    ///
    /// - Throws: ``Problem`` naming what is wrong.
    public static func rule(from fields: [String: Any]) throws -> EventRule {
        try parseRule(fields, number: 1)
    }

    private static func parseRule(_ fields: [String: Any], number: Int) throws -> EventRule {
        guard let id = fields["id"] as? String, !id.isEmpty else { throw Problem(description: "rule #\(number) has no id") }
        func fail(_ text: String) -> Problem { Problem(description: "rule \(id): \(text)") }
        func strings(_ key: String) throws -> [String] {
            guard let value = fields[key] else { return [] }
            guard let list = value as? [String] else { throw fail("\(key) must be a list of strings") }
            return list
        }
        func ids(_ key: String) throws -> [Int32]? {
            guard let value = fields[key] else { return nil }
            // Whole numbers only: a boolean, a fraction or an id beyond 32 bits is refused, not truncated.
            guard let list = value as? [NSNumber],
                list.allSatisfy({
                    !isBoolean($0) && $0.doubleValue.rounded() == $0.doubleValue && Double(Int32.min)...Double(Int32.max) ~= $0.doubleValue
                })
            else { throw fail("\(key) must be a list of ids") }
            return list.map { $0.int32Value }
        }
        var products = ProductSelector(skus: try strings("skus"), skuPatterns: try strings("sku_patterns"))
        products.templates = (try ids("templates") ?? []).map { TemplateID($0) }
        if let all = fields["products"] {
            guard (all as? String) == "all" else { throw fail("products must be \"all\" (or use skus, sku_patterns, templates)") }
            products.all = true
        }
        guard products.all || !products.skus.isEmpty || !products.skuPatterns.isEmpty || !products.templates.isEmpty else {
            throw fail("names no products")
        }
        var scope = RuleScope.total
        if let given = fields["scope"], !(given is String) { throw fail("scope must be \"total\" or \"each_warehouse\"") }
        switch fields["scope"] as? String {
        case nil, "total": break
        case "each_warehouse": scope = .eachWarehouse
        case let other?: throw fail("unknown scope \(other)")
        }
        if let warehouses = try ids("warehouses") { scope = .warehouses(warehouses.map { WarehouseID($0) }) }
        if let locations = try ids("locations") { scope = .locations(locations.map { LocationID($0) }) }
        var figure = WatchedFigure.available
        if let text = fields["figure"] {
            guard let name = text as? String, let parsed = WatchedFigure(rawValue: name) else { throw fail("unknown figure \(text)") }
            figure = parsed
        }
        // Checked whatever the condition, so that a malformed threshold is never silently ignored.
        let threshold = try quantity(fields["threshold"])
        let rearmGiven = try quantity(fields["rearm"])
        let condition: RuleCondition
        switch fields["condition"] as? String {
        case "out_of_stock": condition = .outOfStock
        case "back_in_stock": condition = .backInStock
        case "changed": condition = .changed
        case "low_stock":
            guard let threshold else { throw fail("low_stock needs a threshold") }
            let rearm = rearmGiven ?? threshold
            guard rearm >= threshold else { throw fail("rearm must be at least the threshold") }
            condition = .lowStock(threshold: threshold, rearm: rearm)
        default:
            throw fail("condition must be out_of_stock, back_in_stock, low_stock or changed")
        }
        return EventRule(id: id, products: products, scope: scope, figure: figure, condition: condition)

        /// `JSONSerialization` gives booleans as `NSNumber`s too; their type is `c` (a char).
        func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

        func quantity(_ value: Any?) throws -> Quantity? {
            guard let value else { return nil }
            let text = (value as? NSNumber).flatMap { isBoolean($0) ? nil : $0.stringValue } ?? (value as? String)
            guard let text, let parsed = try? Quantity(parsing: text) else { throw fail("\(value) is not a quantity") }
            return parsed
        }
    }
}
