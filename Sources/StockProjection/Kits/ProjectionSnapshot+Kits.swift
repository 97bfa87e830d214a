import HashTreeCollections

extension ProjectionSnapshot {
    /// Whether the variant is a kit (an active phantom BoM matches it).
    public func isKit(_ variant: VariantID) -> Bool { state.kits.definitions[variant] != nil }

    /// The kit's definition (its components and needs), or `nil` when the variant is not a kit.
    public func kitDefinition(for variant: VariantID) -> KitDefinition? { state.kits.definitions[variant] }

    /// The number of kits whose BoM cannot be computed.
    public var invalidKitCount: Int { state.kits.invalidCount }

    /// Kits whose BoM cannot be computed (cycles, unit mismatches), in id order.
    public var invalidKits: [KitDefinition] {
        state.kits.sortedKits.compactMap { state.kits.definitions[$0] }.filter { $0.problem != nil }
    }

    /// The kits built from a component, at any depth.
    public func kits(containing component: VariantID) -> [VariantID] { state.kits.dependents[component] ?? [] }

    /// A kit's exploded BoM, line by line in Odoo's order, for explanations.
    public func kitExpansion(for variant: VariantID) -> [KitExpansionNode]? {
        guard state.kits.definitions[variant] != nil else { return nil }
        return state.explodeKit(variant, recordingNodes: true)?.1
    }

    /// The rules kit figures are computed with.
    public var kitRules: KitRules { state.settings.kitRules }

    /// A kit's answer in one scope: its figures, each need with the component's figures and ratios, and the
    /// components that limit what can be sold.
    public func kitAvailability(for variant: VariantID, in scope: ResolvedScope) -> KitAvailability? {
        guard let definition = state.kits.definitions[variant] else { return nil }
        let rules = state.settings.kitRules
        let figures = figures(for: variant, in: scope)
        let components = definition.needs.map { need -> KitAvailability.Component in
            let componentFigures = quantFigures(for: need.componentID, in: scope)
            let kits = KitFigures.wholeUnits(
                OdooFloat.floorDivideByOne(KitFigures.ratio(componentFigures.available, need, rules) * definition.batchQuantity))
            return KitAvailability.Component(need: need, figures: componentFigures, kitsAvailable: kits)
        }
        let limiting = components.map(\.kitsAvailable).min()
        return KitAvailability(
            definition: definition,
            figures: figures,
            components: components,
            limiting: components.filter { $0.kitsAvailable == limiting }.map(\.need.componentID)
        )
    }

    func kitFiguresByWarehouse(_ kit: KitDefinition, in scope: ResolvedScope) -> [(warehouse: WarehouseID, figures: StockFigures)] {
        var perWarehouse: [WarehouseID: [VariantID: StockFigures]] = [:]
        for component in kit.componentIDs {
            for (warehouse, figures) in quantFiguresByWarehouse(for: component, in: scope) {
                perWarehouse[warehouse, default: [:]][component] = figures
            }
        }
        let rules = state.settings.kitRules
        return perWarehouse.map { warehouse, components in
            let code = state.warehouses[warehouse]?.code
            let safety = state.settings.safetyStock.quantity(sku: state.safetyStockSKU(kit.kitID), warehouseCode: code)
            return (warehouse, KitFigures.figures(of: kit, rules: rules, safetyStock: safety) { components[$0] ?? .zero })
        }.sorted { $0.0 < $1.0 }
    }

    func kitFiguresByLocation(_ kit: KitDefinition, in scope: ResolvedScope) -> [(location: LocationID, figures: StockFigures)] {
        var perLocation: [LocationID: [VariantID: StockFigures]] = [:]
        for component in kit.componentIDs {
            for (location, figures) in quantFiguresByLocation(for: component, in: scope) {
                perLocation[location, default: [:]][component] = figures
            }
        }
        let rules = state.settings.kitRules
        return perLocation.map { location, components in
            (location, KitFigures.figures(of: kit, rules: rules, safetyStock: .zero) { components[$0] ?? .zero })
        }.sorted { $0.0 < $1.0 }
    }
}

/// A kit's figures in one scope, with what each component contributes.
public struct KitAvailability: Hashable, Sendable {
    /// The kit's definition.
    public var definition: KitDefinition
    /// The kit's figures.
    public var figures: StockFigures
    /// Each need (component) with its figures in the scope.
    public var components: [Component]
    /// The components that limit the kit's available figure (ties all listed).
    public var limiting: [VariantID]

    /// One component of a kit in a scope.
    public struct Component: Hashable, Sendable {
        /// The need per batch.
        public var need: KitNeed
        /// The component's own figures in the scope.
        public var figures: StockFigures
        /// How many kits this component alone allows to sell (from its available figure).
        public var kitsAvailable: Quantity
    }
}

extension Array where Element == VariantID {
    /// The index of the first id at or above `key`, in an ascending array.
    func firstIndex(atOrAbove key: Int) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if Int(self[middle].rawValue) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
