import HashTreeCollections

/// The most leaf lines one kit's exploded BoM may have before stockd reports it as too large.
let kitExplosionLineLimit = 10_000

extension ProjectionState {
    /// Notes a change to a template's row or to one of its variants: the kits it can re-define are rebuilt at
    /// the next refresh.
    mutating func noteKitInput(template: TemplateID) {
        guard !kitSource.isEmpty else { return }
        if kitSource.bomsByTemplate[template] != nil || kits.kitsByTemplate[template] != nil { kitStaleness.templates.insert(template) }
    }

    /// Notes a change every kit may depend on (a unit, a truncate): every kit is rebuilt at the next refresh.
    mutating func noteEveryKitInput() {
        if !kitSource.isEmpty { kitStaleness.all = true }
    }

    /// Notes the arrival of a variant that kits' lines named before the projection held it.
    mutating func noteKitComponentArrived(_ variant: VariantID) {
        guard let waiting = kits.kitsByUnknownComponent[variant] else { return }
        kitStaleness.kits.formUnion(waiting)
    }

    /// Notes an edit of a BoM (before and after it): the kits of its template are rebuilt.
    mutating func noteKitBoM(_ id: BoMID) {
        if let bom = kitSource.boms[id] { kitStaleness.templates.insert(bom.templateID) }
    }

    /// Notes an edit of a BoM line or of its attribute values (before and after it): the kits of its BoM's
    /// template are rebuilt. A line of a BoM the projection does not hold yet counts when the BoM arrives.
    mutating func noteKitLine(_ id: BoMLineID) {
        if let line = kitSource.lines[id], let bom = kitSource.boms[line.bomID] { kitStaleness.templates.insert(bom.templateID) }
    }

    /// Rebuilds the kit definitions the changes since the last refresh can have changed (all of them after a
    /// unit or attribute edit, a truncate or a load; otherwise the kits whose inputs were touched and the new
    /// kits of touched templates), and records a change-feed entry for every kit whose definition changed (at
    /// each location its components hold stock).
    ///
    /// - Returns: The changed kits that cannot be computed (cycles, unit mismatches), to log and count.
    @discardableResult
    mutating func refreshKitsIfNeeded(recordingChanges: Bool) -> [KitDefinition] {
        guard !kitStaleness.isEmpty else { return [] }
        let staleness = kitStaleness
        kitStaleness = KitStaleness()
        /// Kits whose definition changed, with their previous definition.
        var changed: [(kit: VariantID, previous: KitDefinition?)] = []
        if staleness.all {
            let previous = kits
            kits = buildKitIndex()
            guard recordingChanges else { return [] }
            var changedSet = Set<VariantID>()
            for (kit, definition) in kits.definitions where previous.definitions[kit] != definition { changedSet.insert(kit) }
            for (kit, _) in previous.definitions where kits.definitions[kit] == nil { changedSet.insert(kit) }
            changed = changedSet.sorted().map { ($0, previous.definitions[$0]) }
        } else {
            for kit in affectedKits(by: staleness) {
                let old = kits.remove(kit)
                var inputs = KitIndex.Inputs()
                let new = explodeKit(kit, recordingNodes: false, inputs: &inputs)?.0
                if let new { kits.insert(new, inputs: inputs) }
                if old != new { changed.append((kit, old)) }
            }
            guard recordingChanges else { return [] }
        }
        for (kit, previous) in changed {
            var components = Set(kits.definitions[kit]?.componentIDs ?? [])
            components.formUnion(previous?.componentIDs ?? [])
            var locations = Set<LocationID>()
            for component in components {
                for entry in stock[Int(component.rawValue)] { locations.insert(entry.locationID) }
            }
            for entry in stock[Int(kit.rawValue)] { locations.insert(entry.locationID) }  // its own quants stop (or start) counting
            for location in locations.sorted() { changeLog.append(.init(variantID: kit, locationID: location)) }
        }
        return changed.compactMap { kits.definitions[$0.kit] }.filter { $0.problem != nil }
    }

    /// The kits a partial staleness can re-define, in ascending order: the kits derived from a touched template
    /// or waiting for an arrived component, and every variant an active kit BoM of a touched template now makes.
    func affectedKits(by staleness: KitStaleness) -> [VariantID] {
        var affected = staleness.kits
        for template in staleness.templates {
            affected.formUnion(kits.kitsByTemplate[template] ?? [])
            for id in kitSource.bomsByTemplate[template] ?? [] {
                guard let bom = kitSource.boms[id], bom.isKit, bom.active else { continue }
                if let variant = bom.variantID {
                    affected.insert(variant)
                } else {
                    affected.formUnion(catalogue.variants(template: template))
                }
            }
        }
        return affected.sorted()
    }

    /// Appends change-feed entries for the kits built from `component`, after its stock at `location` changed.
    mutating func recordKitChanges(component: VariantID, location: LocationID) {
        guard let kitsOfComponent = kits.dependents[component] else { return }
        for kit in kitsOfComponent { changeLog.append(.init(variantID: kit, locationID: location)) }
    }

    /// The kit index built from scratch: every variant an active kit BoM makes, in ascending order.
    func buildKitIndex() -> KitIndex {
        var index = KitIndex()
        guard !kitSource.isEmpty else { return index }
        var candidates = Set<VariantID>()
        for (_, bom) in kitSource.boms where bom.isKit && bom.active {
            if let variant = bom.variantID {
                candidates.insert(variant)
            } else {
                candidates.formUnion(catalogue.variants(template: bom.templateID))
            }
        }
        for kit in candidates.sorted() {
            var inputs = KitIndex.Inputs()
            guard let definition = explodeKit(kit, recordingNodes: false, inputs: &inputs)?.0 else { continue }
            index.insert(definition, inputs: inputs)
        }
        return index
    }

    /// The phantom BoM Odoo's `_bom_find(product, bom_type='phantom')` picks for a variant, or `nil` when it is
    /// not a kit: active phantom BoMs of the variant or of its template (without a variant), lowest `sequence`
    /// first (NULL last), then by `product_id` (16 and 17 put a template-level BoM, whose `product_id` is NULL,
    /// first; 18 puts the variant's own BoM first), then `id`.
    func kitBoM(for variant: CatalogueVariant, company: CompanyID?) -> BillOfMaterials? {
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
        var inputs = KitIndex.Inputs()
        return explodeKit(kitID, recordingNodes: recordingNodes, inputs: &inputs)
    }

    /// ``explodeKit(_:recordingNodes:)``, also returning what the definition was derived from.
    ///
    /// - Parameter inputs: Set to the kit's template and its visited components' templates (ascending), and the
    ///   components it names that the projection does not hold.
    func explodeKit(_ kitID: VariantID, recordingNodes: Bool, inputs: inout KitIndex.Inputs) -> (KitDefinition, [KitExpansionNode])? {
        guard let kit = catalogue.catalogueVariant(kitID), let bom = kitBoM(for: kit, company: nil) else { return nil }
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
        // Every line queued, processed or not (an explosion stopped by a problem included), names an input.
        defer {
            var templates: Set<TemplateID> = [kit.templateID]
            var unknown = Set<VariantID>()
            for item in queue {
                if let component = catalogue.catalogueVariant(item.line.componentID) {
                    templates.insert(component.templateID)
                } else {
                    unknown.insert(item.line.componentID)
                }
            }
            inputs = KitIndex.Inputs(templates: templates.sorted(), unknownComponents: unknown.sorted())
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
            if let component = catalogue.catalogueVariant(line.componentID), let subBoM = kitBoM(for: component, company: bom.companyID) {
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
            guard let component = catalogue.catalogueVariant(line.componentID), let template = catalogue.template(component.templateID) else {
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
        // A value whose attribute row is missing counts as an attribute of its own. A restriction lists a few
        // values, so each attribute is checked by a scan of the list: no set or dictionary is built.
        func attribute(_ raw: Int32) -> AttributeID { kitSource.attribute(of: AttributeValueID(raw)) ?? AttributeID(-raw) }
        return kitSource.lineValues.withValues(of: line) { restriction in
            for value in restriction {
                let required = attribute(value)
                let satisfied = restriction.contains { other in
                    attribute(other) == required && kitSource.variantValues.contains(AttributeValueID(other), for: variant)
                }
                if !satisfied { return true }
            }
            return false
        }
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
