import Foundation
public import StockProjection

/// Rules indexed by what they match, so that finding the rules of a changed product costs what can match it,
/// not the number of rules: exact SKUs and templates are dictionary look-ups; `all` rules and SKU patterns are
/// the only lists walked (patterns are grouped by their literal prefix, so only those whose prefix the SKU
/// starts with are tested).
public struct RuleIndex: Sendable {
    /// The rules, in file order; an index's values are positions in this array.
    public let rules: [EventRule]
    private var all: [Int] = []
    private var bySKU: [String: [Int]] = [:]
    private var byTemplate: [TemplateID: [Int]] = [:]
    /// Patterns by the first character of their literal prefix ("" for patterns starting with `*`).
    private var patterns: [String: [(pattern: SKUPattern, rule: Int)]] = [:]

    /// Indexes rules.
    public init(rules: [EventRule]) {
        self.rules = rules
        for (position, rule) in rules.enumerated() {
            if rule.products.all { all.append(position) }
            for sku in Set(rule.products.skus) { bySKU[sku, default: []].append(position) }
            for template in Set(rule.products.templates) { byTemplate[template, default: []].append(position) }
            for text in Set(rule.products.skuPatterns) {
                let pattern = SKUPattern(text)
                patterns[pattern.bucket, default: []].append((pattern, position))
            }
        }
    }

    /// Whether there are no rules.
    public var isEmpty: Bool { rules.isEmpty }

    /// Whether some rule matches by SKU (exactly or by pattern): only then does matching need a variant's SKU.
    public var matchesSKUs: Bool { !bySKU.isEmpty || !patterns.isEmpty }

    /// The positions of the rules that match a variant, ascending, without repeats.
    public func matching(sku: String?, template: TemplateID?) -> [Int] {
        var result = all
        if let sku {
            if let exact = bySKU[sku] { result += exact }
            if !patterns.isEmpty {
                for bucket in [SKUPattern.bucket(of: sku), ""] {
                    for entry in patterns[bucket] ?? [] where entry.pattern.matches(sku) { result.append(entry.rule) }
                }
            }
        }
        if let template, let rules = byTemplate[template] { result += rules }
        if result.count > 1 {
            result.sort()
            var unique: [Int] = []
            unique.reserveCapacity(result.count)
            for position in result where unique.last != position { unique.append(position) }
            return unique
        }
        return result
    }
}

/// A SKU pattern: `*` matches any run of characters, everything else matches itself.
struct SKUPattern: Sendable {
    let parts: [Substring]
    let bucket: String

    init(_ text: String) {
        parts = text.split(separator: "*", omittingEmptySubsequences: false)
        bucket = text.first.map { $0 == "*" ? "" : String($0) } ?? ""
    }

    static func bucket(of sku: String) -> String { sku.first.map { String($0) } ?? "" }

    func matches(_ sku: String) -> Bool {
        if parts.count == 1 { return sku == parts[0] }
        var rest = Substring(sku)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        let last = parts[parts.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
