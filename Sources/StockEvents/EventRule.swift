public import StockProjection

/// One rule: which products, in which scope, which figure, and the condition that fires an event.
///
/// Rules are read from the file named by `events.rules_file` (see ``RuleFile``) and evaluated in the writer at
/// each commit boundary, for the (product, scope) figures the transaction changed.
public struct EventRule: Hashable, Sendable {
    /// The rule's id, carried by each event it fires.
    public var id: String
    /// Which products it watches.
    public var products: ProductSelector
    /// Where it counts stock.
    public var scope: RuleScope
    /// Which figure it watches.
    public var figure: WatchedFigure
    /// When it fires.
    public var condition: RuleCondition

    /// Creates a rule.
    public init(id: String, products: ProductSelector, scope: RuleScope = .total, figure: WatchedFigure = .available, condition: RuleCondition) {
        self.id = id
        self.products = products
        self.scope = scope
        self.figure = figure
        self.condition = condition
    }
}

/// The products a rule watches; a variant matches when any part matches. Kits are variants like any other.
public struct ProductSelector: Hashable, Sendable {
    /// Every product.
    public var all: Bool
    /// Exact SKUs (Odoo's `default_code`).
    public var skus: [String]
    /// SKU patterns where `*` matches any run of characters (`CHAIR-*`).
    public var skuPatterns: [String]
    /// Product template ids: every variant of them.
    public var templates: [TemplateID]

    /// Creates a selector.
    public init(all: Bool = false, skus: [String] = [], skuPatterns: [String] = [], templates: [TemplateID] = []) {
        self.all = all
        self.skus = skus
        self.skuPatterns = skuPatterns
        self.templates = templates
    }
}

/// Where a rule counts stock.
public enum RuleScope: Hashable, Sendable {
    /// Every active warehouse together (Odoo's default).
    case total
    /// Each warehouse on its own: an event names the warehouse.
    case eachWarehouse
    /// Each of the given warehouses on its own.
    case warehouses([WarehouseID])
    /// Each of the given locations (with their subtrees) on its own.
    case locations([LocationID])
}

/// The figure a rule watches.
public enum WatchedFigure: String, Hashable, Sendable, CaseIterable {
    /// Sellable free stock minus safety stock, never below zero (the default).
    case available
    /// On hand minus reserved.
    case free
    /// On hand.
    case onHand = "on_hand"
    /// Open moves into the scope from outside it (Odoo's `incoming_qty`).
    case incoming
    /// Open moves out of the scope (Odoo's `outgoing_qty`).
    case outgoing
    /// On hand + incoming − outgoing (Odoo's `virtual_available`): how purchasing hears that the open receipts
    /// no longer cover the open deliveries.
    case forecast

    /// Whether the figure comes from the open moves (``ForecastFigures``) rather than the quants.
    public var isForecast: Bool {
        switch self {
        case .available, .free, .onHand: false
        case .incoming, .outgoing, .forecast: true
        }
    }

    /// The figure's value among the quant figures (`nil` for a forecast figure).
    public func value(of figures: StockFigures) -> Quantity? {
        switch self {
        case .available: figures.available
        case .free: figures.free
        case .onHand: figures.onHand
        case .incoming, .outgoing, .forecast: nil
        }
    }

    /// The figure's value among the forecast figures (`nil` for a quant figure).
    public func value(of figures: ForecastFigures) -> Quantity? {
        switch self {
        case .incoming: figures.incoming
        case .outgoing: figures.outgoing
        case .forecast: figures.forecast
        case .available, .free, .onHand: nil
        }
    }
}

/// When a rule fires, given the figure before and after a transaction.
public enum RuleCondition: Hashable, Sendable {
    /// The figure falls to zero or below.
    case outOfStock
    /// The figure rises from zero or below to above zero.
    case backInStock
    /// The figure falls below `threshold`; it fires again only after rising to `rearm` or above.
    case lowStock(threshold: Quantity, rearm: Quantity)
    /// Any change of the figure.
    case changed

    /// The event type text (`out_of_stock`, `back_in_stock`, `low_stock`, `changed`).
    public var eventType: String {
        switch self {
        case .outOfStock: "out_of_stock"
        case .backInStock: "back_in_stock"
        case .lowStock: "low_stock"
        case .changed: "changed"
        }
    }
}
