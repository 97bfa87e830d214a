import CivilTime
public import StockProjection
import Synchronization

/// Evaluates the rules at each commit boundary and turns firings into outbox records: the
/// ``TransactionObserver`` the composition root installs on the projection when rules are configured.
///
/// For each transaction it takes the (variant, location) pairs the transaction changed (kits included), finds
/// the rules that match each variant through the ``RuleIndex``, works out the scopes those rules count in that the
/// change can affect, and compares each figure before and after. Figures are computed once per (variant, scope)
/// per transaction, whatever the number of rules sharing them.
///
/// Events are numbered by their order in the transaction (variants ascending, then rules in file order, then
/// scopes), so a replay gives the same ids.
public final class EventEvaluator: TransactionObserver {
    /// The rules now in force (see ``replaceRules(_:)``).
    public var index: RuleIndex { current.withLock { $0 } }
    /// The rules, swapped whole by ``replaceRules(_:)``; each transaction reads them once, at its start.
    private let current: Mutex<RuleIndex>
    /// `low_stock` rules that fired and have not re-armed, by ``disarmedKey(rule:variant:scope:)``. Every change is
    /// also returned as an ``ObserverStateChange`` so the store keeps the set with the checkpoint it belongs to; a
    /// restart passes the stored keys back to ``init(rules:disarmed:)``.
    private let disarmed: Mutex<Set<String>>
    private let fired = Atomic<Int>(0)

    /// The prefix of the state keys this evaluator writes (`low/<rule id>/<variant id>/<scope>`).
    public static let stateKeyPrefix = "low/"

    static func disarmedKey(rule: String, variant: VariantID, scope: ScopeKey) -> String {
        let scopeText =
            switch scope {
            case .total: "total"
            case .warehouse(let id): "w\(id)"
            case .location(let id): "l\(id)"
            }
        return stateKeyPrefix + rule + "/" + String(variant.rawValue) + "/" + scopeText
    }

    enum ScopeKey: Hashable, Comparable {
        case total
        case warehouse(Int32)
        case location(Int32)

        var stockScope: StockScope {
            switch self {
            case .total: .everywhere
            case .warehouse(let id): .warehouse(WarehouseID(id))
            case .location(let id): .location(LocationID(id))
            }
        }
    }

    /// Creates an evaluator of rules.
    ///
    /// - Parameters:
    ///   - rules: The rules, in file order.
    ///   - disarmed: The state keys (prefix ``stateKeyPrefix``) the store holds: low-stock rules that fired and
    ///     have not re-armed.
    public init(rules: [EventRule], disarmed: some Sequence<String> = [String]()) {
        current = Mutex(RuleIndex(rules: rules))
        self.disarmed = Mutex(Set(disarmed))
    }

    /// Replaces the rules: the next transaction applied (the next commit boundary) is evaluated with them; a
    /// transaction being evaluated keeps the rules it started with.
    ///
    /// - Parameter rules: The new rules, in evaluation order.
    public func replaceRules(_ rules: [EventRule]) {
        let index = RuleIndex(rules: rules)
        current.withLock { $0 = index }
    }

    /// Events fired since the evaluator was created.
    public var firedCount: Int { fired.load(ordering: .relaxed) }

    /// What ``prepare(_:changing:before:)`` read: the rules in force, the products the transaction can change with
    /// the rules matching each, and the figures before it for every (variant, scope) those rules count in.
    public struct Prepared: Sendable {
        let index: RuleIndex
        /// Ascending by variant.
        var variants: [MatchedVariant] = []
        /// Ascending by key once prepared.
        var figures: [(key: FigureKey, figures: StockFigures)] = []
        /// Ascending by key once prepared.
        var forecasts: [(key: FigureKey, figures: ForecastFigures)] = []

        func matched(_ variant: VariantID) -> MatchedVariant? {
            Self.search(variants, for: variant, key: \.variant).map { variants[$0] }
        }

        func figures(_ key: FigureKey) -> StockFigures? { Self.search(figures, for: key, key: \.key).map { figures[$0].figures } }

        func forecast(_ key: FigureKey) -> ForecastFigures? { Self.search(forecasts, for: key, key: \.key).map { forecasts[$0].figures } }

        /// Binary search in an ascending array.
        static func search<Element, Key: Comparable>(_ elements: [Element], for target: Key, key: (Element) -> Key) -> Int? {
            var low = 0
            var high = elements.count
            while low < high {
                let middle = (low + high) / 2
                if key(elements[middle]) < target { low = middle + 1 } else { high = middle }
            }
            return low < elements.count && key(elements[low]) == target ? low : nil
        }
    }

    /// A product and the positions of the rules that match it.
    struct MatchedVariant: Sendable {
        var variant: VariantID
        var product: ProductVariant?
        var rules: [Int]
    }

    struct FigureKey: Hashable, Comparable, Sendable {
        var variant: VariantID
        var scope: ScopeKey

        static func < (lhs: FigureKey, rhs: FigureKey) -> Bool { (lhs.variant, lhs.scope) < (rhs.variant, rhs.scope) }
    }

    public func prepare(_ transaction: SourceTransaction, changing pairs: [ChangedFigure], before: ProjectionSnapshot) -> Prepared {
        var prepared = Prepared(index: current.withLock { $0 })
        guard !prepared.index.isEmpty, !pairs.isEmpty else { return prepared }
        Self.forEachVariant(in: pairs) { variant, locations in
            // The SKU and barcode are decoded only when a rule matches by SKU; otherwise an event that fires reads
            // them later (the transaction does not change products), so a changed variant costs no string here.
            let product = prepared.index.matchesSKUs ? before.variant(variant) : nil
            let template = product?.templateID ?? before.templateID(of: variant)
            let matching = prepared.index.matching(sku: product?.sku, template: template)
            prepared.variants.append(MatchedVariant(variant: variant, product: product, rules: matching))
            // Keys are unique across variants: only this variant's own entries can repeat (rules sharing a scope).
            let figuresStart = prepared.figures.count
            let forecastsStart = prepared.forecasts.count
            var warehouses: [Int32]?
            for position in matching {
                let rule = prepared.index.rules[position]
                forEachScope(of: rule, warehouses: { Self.cached(&warehouses) { Self.warehouses(of: locations, in: before, and: nil) } }) { scope in
                    let key = FigureKey(variant: variant, scope: scope)
                    if rule.figure.isForecast {
                        guard !prepared.forecasts[forecastsStart...].contains(where: { $0.key == key }) else { return }
                        prepared.forecasts.append((key, Self.forecast(of: variant, in: scope, at: before)))
                    } else {
                        guard !prepared.figures[figuresStart...].contains(where: { $0.key == key }) else { return }
                        prepared.figures.append((key, Self.figures(of: variant, in: scope, at: before)))
                    }
                }
            }
        }
        prepared.figures.sort { $0.key < $1.key }
        prepared.forecasts.sort { $0.key < $1.key }
        return prepared
    }

    public func transactionApplied(
        _ transaction: SourceTransaction, before: StateBefore<Prepared>, after: ProjectionSnapshot, changed: [ChangedFigure]
    ) -> OutboxBatch {
        let index: RuleIndex
        let wholeBefore: ProjectionSnapshot?
        switch before {
        case .prepared(let prepared):
            // The transaction changed quants and moves only: products, locations and kits are as they were.
            index = prepared.index
            wholeBefore = nil
        case .whole(let snapshot):
            index = current.withLock { $0 }
            wholeBefore = snapshot
        }
        guard !index.isEmpty, !changed.isEmpty else { return OutboxBatch() }
        var records: [OutboxRecord] = []
        var stateChanges: [ObserverStateChange] = []
        Self.forEachVariant(in: changed) { variant, locations in
            let product: ProductVariant?
            let matching: [Int]
            switch before {
            case .prepared(let prepared):
                // Not prepared: the projection reports the pair as an unforeseen change.
                guard let matched = prepared.matched(variant) else { return }
                // `nil` when matching did not need the product: an event that fires reads it from `after` (the
                // transaction changed no product).
                product = matched.product
                matching = matched.rules
            case .whole(let snapshot):
                product = after.variant(variant) ?? snapshot.variant(variant)
                matching = index.matching(sku: product?.sku, template: product?.templateID)
            }
            guard !matching.isEmpty else { return }
            // Figures per scope, computed once per variant whatever the number of rules sharing them.
            var figures: [(scope: ScopeKey, old: StockFigures, new: StockFigures)] = []
            var forecasts: [(scope: ScopeKey, old: ForecastFigures, new: ForecastFigures)] = []
            var warehouses: [Int32]?
            for position in matching {
                let rule = index.rules[position]
                forEachScope(of: rule, warehouses: { Self.cached(&warehouses) { Self.warehouses(of: locations, in: after, and: wholeBefore) } }) {
                    scope in
                    let key = FigureKey(variant: variant, scope: scope)
                    let values: (old: Quantity, new: Quantity)?
                    if rule.figure.isForecast {
                        // Computed only for rules on forecast figures: they read the open moves as well.
                        values = Self.pair(
                            scope, known: &forecasts,
                            before: {
                                switch before {
                                case .prepared(let prepared): prepared.forecast(key)
                                case .whole(let snapshot): Self.forecast(of: variant, in: scope, at: snapshot)
                                }
                            },
                            after: { Self.forecast(of: variant, in: scope, at: after) }
                        ).map { (rule.figure.value(of: $0.old) ?? .zero, rule.figure.value(of: $0.new) ?? .zero) }
                    } else {
                        values = Self.pair(
                            scope, known: &figures,
                            before: {
                                switch before {
                                case .prepared(let prepared): prepared.figures(key)
                                case .whole(let snapshot): Self.figures(of: variant, in: scope, at: snapshot)
                                }
                            },
                            after: { Self.figures(of: variant, in: scope, at: after) }
                        ).map { (rule.figure.value(of: $0.old) ?? .zero, rule.figure.value(of: $0.new) ?? .zero) }
                    }
                    // Not prepared: the projection reports the pair as an unforeseen change.
                    guard let (old, new) = values else { return }
                    guard old != new else { return }
                    let fires: Bool
                    if case .lowStock = rule.condition {
                        let key = Self.disarmedKey(rule: rule.id, variant: variant, scope: scope)
                        fires = disarmed.withLock { set in
                            let decision = RuleDecision.evaluate(rule.condition, before: old, after: new, armed: !set.contains(key))
                            if decision.armed {
                                if set.remove(key) != nil { stateChanges.append(ObserverStateChange(key: key, value: nil)) }
                            } else if set.insert(key).inserted {
                                stateChanges.append(ObserverStateChange(key: key, value: [1]))
                            }
                            return decision.fires
                        }
                    } else {
                        fires = RuleDecision.evaluate(rule.condition, before: old, after: new, armed: true).fires
                    }
                    guard fires else { return }
                    let outboxKey = OutboxKey(position: transaction.checkpoint.position, index: UInt32(records.count))
                    let isKit = after.isKit(variant) || (wholeBefore?.isKit(variant) ?? false)
                    let event = makeEvent(
                        key: outboxKey, rule: rule, variant: variant, product: product ?? after.variant(variant), isKit: isKit, scope: scope,
                        snapshot: after, before: old,
                        after: new, transaction: transaction)
                    records.append(OutboxRecord(key: outboxKey, commitTime: transaction.checkpoint.commitTime ?? 0, payload: event.encoded()))
                }
            }
        }
        if !records.isEmpty { fired.add(records.count, ordering: .relaxed) }
        return OutboxBatch(records: records, state: stateChanges)
    }

    /// A variant's figures in a scope of a snapshot (zero for a scope the snapshot does not know).
    private static func figures(of variant: VariantID, in scope: ScopeKey, at snapshot: ProjectionSnapshot) -> StockFigures {
        (try? snapshot.resolve(scope.stockScope)).map { snapshot.figures(for: variant, in: $0) } ?? .zero
    }

    /// A variant's forecast figures in a scope of a snapshot (zero for a scope the snapshot does not know).
    private static func forecast(of variant: VariantID, in scope: ScopeKey, at snapshot: ProjectionSnapshot) -> ForecastFigures {
        (try? snapshot.resolve(scope.stockScope)).map { snapshot.forecast(for: variant, in: $0) } ?? .zero
    }

    /// A scope's figures before and after, from `known` or computed once and added to it; `nil` when `before` has
    /// none.
    private static func pair<Figures>(
        _ scope: ScopeKey, known: inout [(scope: ScopeKey, old: Figures, new: Figures)], before: () -> Figures?, after: () -> Figures
    ) -> (old: Figures, new: Figures)? {
        if let entry = known.first(where: { $0.scope == scope }) { return (entry.old, entry.new) }
        guard let old = before() else { return nil }
        let new = after()
        known.append((scope, old, new))
        return (old, new)
    }

    /// The value in `slot`, made by `make` on first use.
    private static func cached<Value>(_ slot: inout Value?, _ make: () -> Value) -> Value {
        if let value = slot { return value }
        let value = make()
        slot = value
        return value
    }

    /// Calls `body` once per variant of `pairs`, variants ascending (the order events are numbered in), with that
    /// variant's pairs.
    private static func forEachVariant(in pairs: [ChangedFigure], _ body: (VariantID, ArraySlice<ChangedFigure>) -> Void) {
        let sorted = pairs.sorted { $0.variant < $1.variant }
        var start = sorted.startIndex
        while start < sorted.endIndex {
            let variant = sorted[start].variant
            var end = start + 1
            while end < sorted.endIndex, sorted[end].variant == variant { end += 1 }
            body(variant, sorted[start..<end])
            start = end
        }
    }

    /// Calls `body` with each scope of a rule that a variant's changed locations can affect, in a fixed order.
    ///
    /// - Parameter warehouses: The warehouses holding the changed locations, ascending (asked for only by rules
    ///   per warehouse).
    private func forEachScope(of rule: EventRule, warehouses: () -> [Int32], _ body: (ScopeKey) -> Void) {
        switch rule.scope {
        case .total: body(.total)
        case .eachWarehouse: for id in warehouses() { body(.warehouse(id)) }
        case .warehouses(let ids): for id in ids { body(.warehouse(id.rawValue)) }
        case .locations(let ids): for id in ids { body(.location(id.rawValue)) }
        }
    }

    /// The warehouses holding the locations (in `snapshot` or `other`), ascending, each once.
    private static func warehouses(
        of locations: ArraySlice<ChangedFigure>, in snapshot: ProjectionSnapshot, and other: ProjectionSnapshot?
    ) -> [Int32] {
        var warehouses: [Int32] = []
        for pair in locations {
            if let id = snapshot.warehouse(containing: pair.location), !warehouses.contains(id.rawValue) { warehouses.append(id.rawValue) }
            if let other, let id = other.warehouse(containing: pair.location), !warehouses.contains(id.rawValue) { warehouses.append(id.rawValue) }
        }
        warehouses.sort()
        return warehouses
    }

    private func makeEvent(
        key: OutboxKey, rule: EventRule, variant: VariantID, product: ProductVariant?, isKit: Bool, scope: ScopeKey,
        snapshot: ProjectionSnapshot, before: Quantity, after: Quantity, transaction: SourceTransaction
    ) -> StockEvent {
        let eventScope: StockEvent.Scope =
            switch scope {
            case .total: .init(kind: "total")
            case .warehouse(let id): .init(kind: "warehouse", warehouseID: id, warehouseCode: snapshot.warehouse(WarehouseID(id))?.code)
            case .location(let id): .init(kind: "location", locationID: id)
            }
        return StockEvent(
            id: key.description, type: rule.condition.eventType, ruleID: rule.id,
            product: .init(variantID: variant.rawValue, sku: product?.sku, barcode: product?.barcode, kit: isKit),
            scope: eventScope, figure: rule.figure.rawValue, before: before.description, after: after.description,
            commitLSN: transaction.checkpoint.description,
            commitTime: transaction.checkpoint.commitTime.map { UTCDateTime(microseconds: $0).iso8601(fractionDigits: 6) })
    }
}
