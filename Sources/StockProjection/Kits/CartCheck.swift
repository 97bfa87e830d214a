import HashTreeCollections

/// Whether a cart can be sold from one scope: kits and plain variants compete for the same stock, line by line.
public struct CartCheck: Hashable, Sendable {
    /// One line's answer.
    public struct Line: Hashable, Sendable {
        /// The variant asked for.
        public var variantID: VariantID
        /// Whether it is a kit.
        public var isKit: Bool
        /// The quantity asked for.
        public var requested: Quantity
        /// What the scope can still give this line after the lines before it took theirs.
        public var allocated: Quantity
        /// `requested - allocated`: zero when the line can be sold in full.
        public var shortfall: Quantity { requested - allocated }
        /// Whether the line can be sold in full.
        public var ok: Bool { shortfall <= .zero }
    }

    /// The lines, in the order asked.
    public var lines: [Line]
    /// Whether every line can be sold in full.
    public var ok: Bool { lines.allSatisfy(\.ok) }
}

extension ProjectionSnapshot {
    /// Checks a cart against the scope's available stock.
    ///
    /// Lines are served in order from one pool of available stock: a plain variant takes its quantity from its
    /// own available figure; a kit takes whole kits (as many as its figure allows against what is left of its
    /// components, less its own safety stock) and consumes each component's need for them. A later line can
    /// therefore fall short because an earlier one took the components it shares (a desk kit and a spare leg
    /// both need legs).
    ///
    /// - Parameters:
    ///   - lines: Variants and quantities, in cart order.
    ///   - scope: The scope to sell from.
    public func checkCart(_ lines: [(variant: VariantID, quantity: Quantity)], in scope: ResolvedScope) -> CartCheck {
        var remaining: [VariantID: Quantity] = [:]
        func left(_ variant: VariantID) -> Quantity {
            if let value = remaining[variant] { return value }
            let value = quantFigures(for: variant, in: scope).available
            remaining[variant] = value
            return value
        }
        let rules = state.settings.kitRules
        var answers: [CartCheck.Line] = []
        answers.reserveCapacity(lines.count)
        for (variant, requested) in lines {
            let wanted = requested.clampedAtZero
            guard let kit = state.kits.definitions[variant] else {
                let allocated = min(wanted, left(variant).clampedAtZero)  // available already holds back safety stock
                remaining[variant] = left(variant) - allocated
                answers.append(.init(variantID: variant, isKit: false, requested: requested, allocated: allocated))
                continue
            }
            let figures = KitFigures.figures(of: kit, rules: rules, safetyStock: safetyStockForCart(variant, scope)) { component in
                StockFigures(onHand: .zero, reserved: .zero, quarantined: .zero, sellableFree: left(component))
            }
            // Whole kits only: a fractional request is served up to its whole part.
            let allocated = min(wanted, figures.available)
            if allocated > .zero, kit.batchQuantity > 0 {
                let batches = OdooFloat.double(allocated) / kit.batchQuantity
                for need in kit.needs {
                    remaining[need.componentID] = left(need.componentID) - Self.quantityRoundedUp(batches * need.perBatch)
                }
            }
            answers.append(.init(variantID: variant, isKit: true, requested: requested, allocated: allocated))
        }
        return CartCheck(lines: answers)
    }

    private func safetyStockForCart(_ variant: VariantID, _ scope: ResolvedScope) -> Quantity {
        let policy = state.settings.safetyStock
        if policy.isZero { return .zero }
        return policy.quantity(sku: state.safetyStockSKU(variant), warehouseCode: scope.warehouseCode)
    }

    /// A consumption as a quantity, rounded up to the millionth so a cart never takes less than it needs.
    static func quantityRoundedUp(_ value: Double) -> Quantity {
        guard value.isFinite, value > 0 else { return .zero }
        let scaled = (value * Double(Quantity.scale)).rounded(.up)
        return Quantity(rawValue: Int64(Swift.min(scaled, Double(Int64.max / 2))))
    }
}
