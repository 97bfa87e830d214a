import HashTreeCollections

/// The kits of a state: each kit's definition, and which kits each component feeds (the reverse index that
/// turns one component change into change-feed entries for every kit built from it, at any depth).
struct KitIndex: Sendable {
    var definitions = TreeDictionary<VariantID, KitDefinition>()
    /// Kits by leaf component (transitive: a kit of kits is listed under the leaves of its sub-kits).
    var dependents = TreeDictionary<VariantID, [VariantID]>()
    /// Kit ids in ascending order, for location pulls.
    var sortedKits: [VariantID] = []
    /// Templates of kits, sub-kits and components: a change to one of them can change a definition.
    var involvedTemplates = TreeSet<TemplateID>()
    /// Kits whose definition has a problem.
    var invalidCount = 0

    var isEmpty: Bool { definitions.isEmpty }
}

/// The most leaf lines one kit's exploded BoM may have before stockd reports it as too large.
let kitExplosionLineLimit = 10_000

extension ProjectionState {
    /// Marks the kit index for a rebuild when a changed row can change a kit definition.
    mutating func noteKitInput(template: TemplateID?) {
        guard !kitSource.isEmpty else { return }
        guard let template else {
            kitsAreStale = true
            return
        }
        if kitSource.bomsByTemplate[template] != nil || kits.involvedTemplates.contains(template) { kitsAreStale = true }
    }

    /// Rebuilds the kit index after changes to BoMs, lines, units, products or attribute values, and records a
    /// change-feed entry for every kit whose definition changed (at each location its components hold stock).
    ///
    /// - Returns: The changed kits that cannot be computed (cycles, unit mismatches), to log and count.
    @discardableResult
    mutating func refreshKitsIfNeeded(recordingChanges: Bool) -> [KitDefinition] {
        guard kitsAreStale else { return [] }
        kitsAreStale = false
        let previous = kits
        kits = buildKitIndex()
        guard recordingChanges else { return [] }
        var changed = Set<VariantID>()
        for (kit, definition) in kits.definitions where previous.definitions[kit] != definition { changed.insert(kit) }
        for (kit, _) in previous.definitions where kits.definitions[kit] == nil { changed.insert(kit) }
        for kit in changed.sorted() {
            var components = Set(kits.definitions[kit]?.componentIDs ?? [])
            components.formUnion(previous.definitions[kit]?.componentIDs ?? [])
            var locations = Set<LocationID>()
            for component in components {
                for entry in stock[Int(component.rawValue)] { locations.insert(entry.locationID) }
            }
            for entry in stock[Int(kit.rawValue)] { locations.insert(entry.locationID) }  // its own quants stop (or start) counting
            for location in locations.sorted() { changeLog.append(.init(variantID: kit, locationID: location)) }
        }
        return changed.sorted().compactMap { kits.definitions[$0] }.filter { $0.problem != nil }
    }

    /// Appends change-feed entries for the kits built from `component`, after its stock at `location` changed.
    mutating func recordKitChanges(component: VariantID, location: LocationID) {
        guard let kitsOfComponent = kits.dependents[component] else { return }
        for kit in kitsOfComponent { changeLog.append(.init(variantID: kit, locationID: location)) }
    }

    func buildKitIndex() -> KitIndex {
        var index = KitIndex()
        guard !kitSource.isEmpty else { return index }
        var candidates = Set<VariantID>()
        for (_, bom) in kitSource.boms where bom.isKit && bom.active {
            if let variant = bom.variantID {
                candidates.insert(variant)
            } else {
                candidates.formUnion(variantsByTemplate[bom.templateID] ?? [])
            }
        }
        for kit in candidates.sorted() {
            guard let definition = explodeKit(kit, recordingNodes: false)?.0 else { continue }
            index.definitions[kit] = definition
            index.sortedKits.append(kit)
            if definition.problem != nil { index.invalidCount += 1 }
            if let template = variants[kit]?.templateID { index.involvedTemplates.insert(template) }
            for component in definition.componentIDs {
                index.dependents[component, default: []].append(kit)
                if let template = variants[component]?.templateID { index.involvedTemplates.insert(template) }
            }
        }
        // Sub-kits' (their BoMs are found through the top BoM's company, as Odoo's explode does) and skipped components' templates matter too: a change to them can change the explosion.
        for (_, line) in kitSource.lines {
            if let template = variants[line.componentID]?.templateID { index.involvedTemplates.insert(template) }
        }
        return index
    }

    /// The phantom BoM Odoo's `_bom_find(product, bom_type='phantom')` picks for a variant, or `nil` when it is
    /// not a kit: active phantom BoMs of the variant or of its template (without a variant), lowest `sequence`
    /// first (NULL last), then by `product_id` (16 and 17 put a template-level BoM, whose `product_id` is NULL,
    /// first; 18 puts the variant's own BoM first), then `id`.
    func kitBoM(for variant: ProductVariant, company: CompanyID?) -> BillOfMaterials? {
        guard let ids = kitSource.bomsByTemplate[variant.templateID] else { return nil }
        var best: BillOfMaterials?
        for id in ids {
            guard let bom = kitSource.boms[id], bom.isKit, bom.active else { continue }
            if let target = bom.variantID, target != variant.id { continue }
            if let company, let bomCompany = bom.companyID, bomCompany != company { continue }
            if let current = best, !Self.bomSortsBefore(bom, current, variantWinsTie: settings.kitRules.variantBoMWinsTie) { continue }
            best = bom
        }
        return best
    }

    static func bomSortsBefore(_ lhs: BillOfMaterials, _ rhs: BillOfMaterials, variantWinsTie: Bool) -> Bool {
        switch (lhs.sequence, rhs.sequence) {
        case let (l?, r?) where l != r: return l < r
        case (.some, nil): return true
        case (nil, .some): return false
        default: break
        }
        switch (lhs.variantID, rhs.variantID) {
        case (nil, .some): return !variantWinsTie
        case (.some, nil): return variantWinsTie
        case let (l?, r?) where l != r: return l < r
        default: return lhs.id < rhs.id
        }
    }

    /// Explodes a kit's BoM as Odoo's `mrp.bom.explode(product, 1)` does, then reduces the leaf lines to needs as
    /// `_compute_quantities_dict` does, under the settings' ``KitRules``.
    ///
    /// - Returns: `nil` when the variant is not a kit; otherwise its definition and, when asked, the expansion.
    func explodeKit(_ kitID: VariantID, recordingNodes: Bool) -> (KitDefinition, [KitExpansionNode])? {
        guard let kit = variants[kitID], let bom = kitBoM(for: kit, company: nil) else { return nil }
        let rules = settings.kitRules
        var definition = KitDefinition(kitID: kitID, bomID: bom.id, batchQuantity: OdooFloat.double(bom.quantity), needs: [])
        var nodes: [KitExpansionNode] = []

        struct Pending {
            var line: BoMLine
            var owner: VariantID
            var factor: Double
            var parentLine: BoMLineID?
            var path: [VariantID]
        }
        var queue = kitSource.orderedLines(of: bom.id).map {
            Pending(line: $0, owner: kitID, factor: 1, parentLine: nil, path: [kitID])
        }
        var leaves: [(line: BoMLine, quantity: Double, node: Int)] = []
        var position = 0
        while position < queue.count {
            guard queue.count < kitExplosionLineLimit else {
                definition.problem = .tooLarge(lines: kitExplosionLineLimit)
                return (definition, nodes)
            }
            let item = queue[position]
            position += 1
            let line = item.line
            var node = KitExpansionNode(
                lineID: line.id, bomID: line.bomID, parentLineID: item.parentLine, componentID: line.componentID,
                quantity: item.factor * OdooFloat.double(line.quantity), unitID: line.unitID
            )
            if skipsLine(line.id, for: item.owner) {
                node.ignored = .attributeValues
                if recordingNodes { nodes.append(node) }
                continue
            }
            let lineQuantity = item.factor * OdooFloat.double(line.quantity)
            if let component = variants[line.componentID], let subBoM = kitBoM(for: component, company: bom.companyID) {
                if item.path.contains(component.id) {
                    definition.problem = .cycle(item.path + [component.id])
                    return (definition, nodes)
                }
                guard
                    let converted = convert(
                        lineQuantity / OdooFloat.double(subBoM.quantity), from: line.unitID, to: subBoM.unitID,
                        rounding: rules.roundsSubKitQuantities ? .up : nil)
                else {
                    definition.problem = .unitMismatch(line.id)
                    return (definition, nodes)
                }
                node.subBoMID = subBoM.id
                if recordingNodes { nodes.append(node) }
                let subLines = kitSource.orderedLines(of: subBoM.id).map {
                    Pending(line: $0, owner: component.id, factor: converted, parentLine: line.id, path: item.path + [component.id])
                }
                // 16 appends a sub-kit's lines after the parent's remaining ones; 17 and 18 explode them first.
                if rules.explodesSubKitsFirst {
                    queue.insert(contentsOf: subLines, at: position)
                } else {
                    queue.append(contentsOf: subLines)
                }
            } else {
                guard let lineUnit = units[line.unitID] else {
                    definition.problem = .unitMismatch(line.id)
                    return (definition, nodes)
                }
                let rounded = rules.round(lineQuantity, rounding: OdooFloat.double(lineUnit.rounding), method: .up)
                node.quantity = rounded
                leaves.append((line, rounded, nodes.count))
                if recordingNodes { nodes.append(node) }
            }
        }

        var needIndex: [VariantID: Int] = [:]
        for leaf in leaves {
            let line = leaf.line
            func ignore(_ reason: KitExpansionNode.IgnoredReason) { if recordingNodes { nodes[leaf.node].ignored = reason } }
            guard let component = variants[line.componentID], let template = templates[component.templateID] else {
                ignore(.unknownComponent)
                continue
            }
            guard template.storable else {
                ignore(.notStorable)
                continue
            }
            guard let lineUnit = units[line.unitID], !rules.isZero(leaf.quantity, rounding: OdooFloat.double(lineUnit.rounding)) else {
                ignore(.zeroQuantity)
                continue
            }
            // `_compute_quantity(..., round=False, raise_if_failure=False)`: units of another category pass unconverted.
            let perBatch = convert(leaf.quantity, from: line.unitID, to: template.unitID, rounding: nil) ?? leaf.quantity
            let rounding = units[template.unitID].map { OdooFloat.double($0.rounding) } ?? 0.01
            if rules.groupsLinesByComponent, let existing = needIndex[component.id] {
                definition.needs[existing].perBatch += perBatch
                continue
            }
            needIndex[component.id] = definition.needs.count
            definition.needs.append(KitNeed(componentID: component.id, perBatch: perBatch, rounding: rounding))
        }
        definition.needs.removeAll { $0.perBatch == 0 }  // Odoo skips a need that converts to zero
        return (definition, nodes)
    }

    /// Odoo's `_skip_bom_line`: a line restricted to attribute values applies only to a variant that carries, for
    /// every attribute among them, at least one of the listed values.
    func skipsLine(_ line: BoMLineID, for variant: VariantID) -> Bool {
        guard let restriction = kitSource.lineValues[line], !restriction.isEmpty else { return false }
        let carried = Set(kitSource.variantValues[variant] ?? [])
        var satisfied: [AttributeID: Bool] = [:]
        for value in restriction {
            let attribute = kitSource.attributeOfValue[value] ?? AttributeID(-value.rawValue)
            satisfied[attribute] = (satisfied[attribute] ?? false) || carried.contains(value)
        }
        return satisfied.values.contains(false)
    }

    /// Odoo's `uom.uom._compute_quantity(qty, to_unit, round=…)` (16 to 18): `qty / from.factor * to.factor`,
    /// then, when rounding, `float_round(…, to.rounding, method)`.
    ///
    /// - Returns: `nil` when a unit is unknown or the units belong to different categories.
    func convert(_ quantity: Double, from: UnitID, to: UnitID, rounding method: OdooFloat.RoundingMethod?) -> Double? {
        guard let source = units[from], let target = units[to] else { return nil }
        if quantity == 0 { return quantity }
        var amount = quantity
        if from != to {
            guard source.categoryID == target.categoryID, let sourceFactor = Double(source.factor), let targetFactor = Double(target.factor),
                sourceFactor != 0
            else { return nil }
            amount = quantity / sourceFactor
            amount = amount * targetFactor
        }
        if let method { amount = settings.kitRules.round(amount, rounding: OdooFloat.double(target.rounding), method: method) }
        return amount
    }
}
