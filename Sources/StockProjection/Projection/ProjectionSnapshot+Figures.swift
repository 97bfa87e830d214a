import HashTreeCollections

extension ProjectionSnapshot {
    /// The figures of one variant in a scope, summed over every quant of the variant inside the scope.
    ///
    /// An unknown variant has zero figures.
    ///
    /// - Parameters:
    ///   - variant: The variant.
    ///   - scope: A scope resolved from this snapshot.
    /// - Returns: On hand, reserved, free, quarantined and available.
    /// - Complexity: O(number of quants of the variant); no allocation.
    public func figures(for variant: VariantID, in scope: ResolvedScope) -> StockFigures {
        figures(for: variant, in: scope, kit: state.kits.isEmpty ? nil : state.kits.definitions[variant])
    }

    /// The figures of one variant in a scope, when the caller already holds its kit definition (it read the
    /// variant's ``kitDefinition(for:)`` for other members of an answer): the kits are not probed again.
    ///
    /// - Parameters:
    ///   - variant: The variant.
    ///   - scope: A scope resolved from this snapshot.
    ///   - kit: `kitDefinition(for: variant)` of this snapshot.
    /// - Returns: The same figures as ``figures(for:in:)``.
    /// - Complexity: O(number of quants of the variant, or of the kit's components); no allocation.
    public func figures(for variant: VariantID, in scope: ResolvedScope, kit: KitDefinition?) -> StockFigures {
        if let kit {
            return KitFigures.figures(of: kit, rules: state.settings.kitRules, safetyStock: safetyStock(for: variant, in: scope)) {
                quantFigures(for: $0, in: scope)
            }
        }
        return quantFigures(for: variant, in: scope)
    }

    /// The figures of a variant's own quants in a scope, whether or not it is a kit.
    @inline(__always)
    func quantFigures(for variant: VariantID, in scope: ResolvedScope) -> StockFigures {
        var figures = StockFigures.zero
        let index = state.locationIndex
        state.stock.withEntries(Int(variant.rawValue)) { entries in
            for entry in entries {
                let slot = index.slot(entry.locationID)
                guard slot.preorder >= 0, scope.contains(preorder: slot.preorder) else { continue }
                figures.add(entry, quarantined: slot.quarantined)
            }
        }
        figures.safetyStock = safetyStock(for: variant, in: scope)
        return figures
    }

    /// The figures of many variants in one scope, in the order given.
    ///
    /// Takes a concrete array so the loop is specialised here: one allocation (the result) per call.
    ///
    /// - Complexity: O(total quants of the variants).
    public func figures(for variants: [VariantID], in scope: ResolvedScope) -> [StockFigures] {
        var result: [StockFigures] = []
        result.reserveCapacity(variants.count)
        for variant in variants { result.append(figures(for: variant, in: scope)) }
        return result
    }

    /// The figures of each location that itself holds quants of the variant inside the scope, by location id.
    ///
    /// Each entry counts that location's own quants only, so on hand, reserved, free and quarantined add up
    /// to ``figures(for:in:)``; available is clamped per entry and need not. Safety stock is not applied per location.
    /// For a kit, each location where a component holds quants gets the kit figures its own quants make.
    public func figuresByLocation(for variant: VariantID, in scope: ResolvedScope) -> [(location: LocationID, figures: StockFigures)] {
        if !state.kits.isEmpty, let kit = state.kits.definitions[variant] {
            return kitFiguresByLocation(kit, in: scope)
        }
        return quantFiguresByLocation(for: variant, in: scope)
    }

    func quantFiguresByLocation(for variant: VariantID, in scope: ResolvedScope) -> [(location: LocationID, figures: StockFigures)] {
        var byLocation: [LocationID: StockFigures] = [:]
        let index = state.locationIndex
        state.stock.withEntries(Int(variant.rawValue)) { entries in
            for entry in entries {
                let slot = index.slot(entry.locationID)
                guard slot.preorder >= 0, scope.contains(preorder: slot.preorder) else { continue }
                byLocation[entry.locationID, default: .zero].add(entry, quarantined: slot.quarantined)
            }
        }
        return byLocation.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The figures per warehouse of the variant's quants inside the scope, by warehouse id.
    ///
    /// Quants in locations outside every warehouse are left out. Each warehouse's safety stock applies to its entry.
    /// For a kit, each warehouse where a component holds quants gets the kit figures of that warehouse's stock:
    /// components in different warehouses never combine.
    public func figuresByWarehouse(for variant: VariantID, in scope: ResolvedScope) -> [(warehouse: WarehouseID, figures: StockFigures)] {
        if !state.kits.isEmpty, let kit = state.kits.definitions[variant] {
            return kitFiguresByWarehouse(kit, in: scope)
        }
        return quantFiguresByWarehouse(for: variant, in: scope)
    }

    func quantFiguresByWarehouse(for variant: VariantID, in scope: ResolvedScope) -> [(warehouse: WarehouseID, figures: StockFigures)] {
        var byWarehouse: [Int32: StockFigures] = [:]
        let index = state.locationIndex
        state.stock.withEntries(Int(variant.rawValue)) { entries in
            for entry in entries {
                let slot = index.slot(entry.locationID)
                guard slot.preorder >= 0, slot.warehouse >= 0, scope.contains(preorder: slot.preorder) else { continue }
                byWarehouse[slot.warehouse, default: .zero].add(entry, quarantined: slot.quarantined)
            }
        }
        return byWarehouse.compactMap { (slotIndex, figures) -> (WarehouseID, StockFigures)? in
            guard let id = index.warehouse(at: slotIndex) else { return nil }
            var figures = figures
            let code = state.warehouses[id]?.code
            figures.safetyStock = state.settings.safetyStock.quantity(sku: state.safetyStockSKU(variant), warehouseCode: code)
            return (id, figures)
        }.sorted { $0.0 < $1.0 }
    }

    /// Variants with a non-zero figure in the scope, in variant-id order, starting after `cursor`.
    ///
    /// - Parameters:
    ///   - scope: A resolved scope.
    ///   - cursor: The last variant id of the previous page, or `nil` for the first page.
    ///   - limit: The most variants to return.
    /// - Returns: The page, and the cursor for the next page (`nil` when this was the last).
    /// - Complexity: O(variant ids scanned); pages resume where the previous one stopped.
    public func stockedVariants(
        in scope: ResolvedScope,
        after cursor: VariantID? = nil,
        limit: Int
    ) -> (items: [(variant: VariantID, figures: StockFigures)], next: VariantID?) {
        var items: [(VariantID, StockFigures)] = []
        var next: VariantID?
        let start = cursor.map { Int($0.rawValue) + 1 } ?? 0
        // Kits hold no quants of their own that count, so they are merged in from the sorted kit list.
        let kits = state.kits.sortedKits
        var nextKit = kits.firstIndex(atOrAbove: start)
        func visit(_ id: VariantID) -> Bool {
            let figures = figures(for: id, in: scope)
            guard !figures.isZero else { return true }
            if items.count == limit {
                next = items.last?.0
                return false
            }
            items.append((id, figures))
            return true
        }
        var stopped = false
        state.stock.forEachKey(from: start) { key, entries in
            while nextKit < kits.count, Int(kits[nextKit].rawValue) < key {
                guard visit(kits[nextKit]) else {
                    stopped = true
                    return false
                }
                nextKit += 1
            }
            guard !entries.isEmpty else { return true }
            if nextKit < kits.count, Int(kits[nextKit].rawValue) == key { return true }  // visited from the kit list
            guard visit(VariantID(Int32(key))) else {
                stopped = true
                return false
            }
            return true
        }
        while !stopped, nextKit < kits.count {
            guard visit(kits[nextKit]) else { break }
            nextKit += 1
        }
        return (items, next)
    }

    private func safetyStock(for variant: VariantID, in scope: ResolvedScope) -> Quantity {
        let policy = state.settings.safetyStock
        if policy.isZero { return .zero }
        return policy.quantity(sku: state.safetyStockSKU(variant), warehouseCode: scope.warehouseCode)
    }
}

extension StockFigures {
    @inline(__always)
    mutating func add(_ entry: StockEntry, quarantined isQuarantined: Bool) {
        onHand += entry.quantity
        reserved += entry.reserved
        if isQuarantined {
            quarantined += entry.quantity
        } else {
            sellableFree += entry.quantity - entry.reserved
        }
    }
}

extension ProjectionSnapshot {
    /// The quants of one variant, in no particular order.
    ///
    /// - Complexity: O(1) to obtain, no allocation; the entries are shared with the snapshot.
    public func entries(for variant: VariantID) -> FlatList<StockEntry> { state.stock[Int(variant.rawValue)] }

    /// Calls `body` with every quant the snapshot holds, in variant-id order.
    public func forEachQuant(_ body: (Quant) -> Void) {
        state.stock.forEachKey(from: 0) { key, entries in
            for entry in entries {
                body(
                    Quant(
                        id: entry.quantID, variantID: VariantID(Int32(key)), locationID: entry.locationID, quantity: entry.quantity,
                        reserved: entry.reserved))
            }
            return true
        }
    }
}
