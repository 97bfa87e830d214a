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

    public func transactionApplied(
        _ transaction: SourceTransaction, before: ProjectionSnapshot, after: ProjectionSnapshot, changed: [ChangedFigure]
    ) -> OutboxBatch {
        let index = current.withLock { $0 }
        guard !index.isEmpty, !changed.isEmpty else { return OutboxBatch() }
        // Locations changed per variant, variants ascending.
        var locationsByVariant: [VariantID: [LocationID]] = [:]
        for pair in changed { locationsByVariant[pair.variant, default: []].append(pair.location) }
        var records: [OutboxRecord] = []
        var stateChanges: [ObserverStateChange] = []
        var beforeScopes: [ScopeKey: ResolvedScope?] = [:]
        var afterScopes: [ScopeKey: ResolvedScope?] = [:]
        for variant in locationsByVariant.keys.sorted() {
            let product = after.variant(variant) ?? before.variant(variant)
            let matching = index.matching(sku: product?.sku, template: product?.templateID)
            guard !matching.isEmpty else { continue }
            let locations = locationsByVariant[variant] ?? []
            var figures: [ScopeKey: (StockFigures, StockFigures)] = [:]
            var forecasts: [ScopeKey: (ForecastFigures, ForecastFigures)] = [:]
            for position in matching {
                let rule = index.rules[position]
                for scope in scopes(of: rule, locations: locations, before: before, after: after) {
                    let old: Quantity
                    let new: Quantity
                    if rule.figure.isForecast {
                        // Computed only for rules on forecast figures: they read the open moves as well.
                        let pair: (ForecastFigures, ForecastFigures)
                        if let known = forecasts[scope] {
                            pair = known
                        } else {
                            pair = (
                                resolved(scope, in: before, cache: &beforeScopes).map { before.forecast(for: variant, in: $0) } ?? .zero,
                                resolved(scope, in: after, cache: &afterScopes).map { after.forecast(for: variant, in: $0) } ?? .zero
                            )
                            forecasts[scope] = pair
                        }
                        old = rule.figure.value(of: pair.0) ?? .zero
                        new = rule.figure.value(of: pair.1) ?? .zero
                    } else {
                        let pair: (StockFigures, StockFigures)
                        if let known = figures[scope] {
                            pair = known
                        } else {
                            pair = (
                                resolved(scope, in: before, cache: &beforeScopes).map { before.figures(for: variant, in: $0) } ?? .zero,
                                resolved(scope, in: after, cache: &afterScopes).map { after.figures(for: variant, in: $0) } ?? .zero
                            )
                            figures[scope] = pair
                        }
                        old = rule.figure.value(of: pair.0) ?? .zero
                        new = rule.figure.value(of: pair.1) ?? .zero
                    }
                    guard old != new else { continue }
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
                    guard fires else { continue }
                    let outboxKey = OutboxKey(position: transaction.checkpoint.position, index: UInt32(records.count))
                    let event = makeEvent(
                        key: outboxKey, rule: rule, variant: variant, product: product, isKit: after.isKit(variant) || before.isKit(variant),
                        scope: scope, snapshot: after, before: old, after: new, transaction: transaction)
                    records.append(OutboxRecord(key: outboxKey, commitTime: transaction.checkpoint.commitTime ?? 0, payload: event.encoded()))
                }
            }
        }
        if !records.isEmpty { fired.add(records.count, ordering: .relaxed) }
        return OutboxBatch(records: records, state: stateChanges)
    }

    private func resolved(_ scope: ScopeKey, in snapshot: ProjectionSnapshot, cache: inout [ScopeKey: ResolvedScope?]) -> ResolvedScope? {
        if let known = cache[scope] { return known }
        let value = try? snapshot.resolve(scope.stockScope)
        cache[scope] = value
        return value
    }

    /// The scopes of a rule that the changed locations can affect, in a fixed order.
    private func scopes(of rule: EventRule, locations: [LocationID], before: ProjectionSnapshot, after: ProjectionSnapshot) -> [ScopeKey] {
        switch rule.scope {
        case .total:
            return [.total]
        case .eachWarehouse:
            var warehouses = Set<Int32>()
            for location in locations {
                if let id = after.warehouse(containing: location) { warehouses.insert(id.rawValue) }
                if let id = before.warehouse(containing: location) { warehouses.insert(id.rawValue) }
            }
            return warehouses.sorted().map { .warehouse($0) }
        case .warehouses(let ids):
            return ids.map { .warehouse($0.rawValue) }
        case .locations(let ids):
            return ids.map { .location($0.rawValue) }
        }
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
