/// Kit figures from component figures, as Odoo's `_compute_quantities_dict` derives them.
enum KitFigures {
    /// The kit's figures in one scope, given each component's figures in the same scope.
    ///
    /// Each figure follows Odoo's formula for `qty_available` and `free_qty`:
    /// `floor(min over needs of round_c(component figure) / need × BoM quantity)`, with the ratio and batch
    /// rounding of ``KitRules``. Quarantined and available (stockd's own figures) use the same formula on the
    /// components' quarantined and available. Reserved is what on hand and free leave between them.
    static func figures(
        of definition: KitDefinition,
        rules: KitRules,
        safetyStock: Quantity,
        component: (VariantID) -> StockFigures
    ) -> StockFigures {
        guard definition.problem == nil, !definition.needs.isEmpty else { return .zero }
        var onHand = Double.infinity
        var free = Double.infinity
        var quarantined = Double.infinity
        var available = Double.infinity
        for need in definition.needs {
            let figures = component(need.componentID)
            onHand = Swift.min(onHand, ratio(figures.onHand, need, rules))
            free = Swift.min(free, ratio(figures.free, need, rules))
            quarantined = Swift.min(quarantined, ratio(figures.quarantined, need, rules))
            available = Swift.min(available, ratio(figures.available, need, rules))
        }
        let lastStep = definition.needs[definition.needs.count - 1].step
        func kits(_ minimum: Double) -> Quantity {
            var batches = minimum * definition.batchQuantity
            if rules.roundsBatchesToLastComponent { batches = rules.round(batches, step: lastStep) }
            return wholeUnits(OdooFloat.floorDivideByOne(batches))
        }
        let kitOnHand = kits(onHand)
        let kitFree = kits(free)
        return StockFigures(
            onHand: kitOnHand,
            reserved: kitOnHand - kitFree,
            quarantined: kits(quarantined),
            sellableFree: kits(available).clampedAtZero,
            safetyStock: safetyStock
        )
    }

    /// One kit figure from the same figure of each component (Odoo's formula for `incoming_qty`, `outgoing_qty` and
    /// `virtual_available` of a kit): `floor(min over needs of round_c(component figure) / need × BoM quantity)`.
    static func quantity(of definition: KitDefinition, rules: KitRules, component: (VariantID) -> Quantity) -> Quantity {
        guard definition.problem == nil, !definition.needs.isEmpty else { return .zero }
        var minimum = Double.infinity
        for need in definition.needs { minimum = Swift.min(minimum, ratio(component(need.componentID), need, rules)) }
        var batches = minimum * definition.batchQuantity
        if rules.roundsBatchesToLastComponent { batches = rules.round(batches, step: definition.needs[definition.needs.count - 1].step) }
        return wholeUnits(OdooFloat.floorDivideByOne(batches))
    }

    /// One component's ratio: its figure rounded half-up to its unit, divided by the need, rounded as the rules say.
    @inline(__always)
    static func ratio(_ figure: Quantity, _ need: KitNeed, _ rules: KitRules) -> Double {
        let value = rules.round(OdooFloat.double(figure), step: need.step)
        var ratio = value / need.perBatch
        if let method = rules.ratioRounding { ratio = rules.round(ratio, step: need.step, method: method) }
        return ratio
    }

    /// A whole number of kits as a quantity, saturating far outside any real stock.
    static func wholeUnits(_ value: Double) -> Quantity {
        guard value.isFinite else { return .zero }
        let limit = Double(Int64.max / Quantity.scale)
        return Quantity(units: Int(Swift.max(-limit, Swift.min(limit, value))))
    }
}
