import StockProjection

extension SnapshotReader {
    // MARK: Kits

    /// The kit variants a path's `{sku}` names: the variants with that SKU, or else the variant with that id.
    ///
    /// - Throws: 404 when nothing has that SKU or id, 422 when what it names is not a kit.
    func kitVariants(named text: String) throws(APIProblem) -> [VariantID] {
        var variants = snapshot.variants(sku: text)
        if variants.isEmpty, let raw = Int32(text), raw > 0, snapshot.containsVariant(VariantID(raw)) {
            variants = [VariantID(raw)]
        }
        guard !variants.isEmpty else {
            throw APIProblem(kind: .unknownProduct, detail: "no variant with SKU or id '\(text)'", parameter: "sku")
        }
        let kits = variants.filter { snapshot.isKit($0) }
        guard !kits.isEmpty else {
            let ids = variants.map { String($0.rawValue) }.joined(separator: ", ")
            var problem = APIProblem(
                kind: .notAKit,
                detail: "'\(text)' names variant\(variants.count == 1 ? "" : "s") \(ids), which no active phantom BoM (kit) matches",
                parameter: "sku"
            )
            problem.extensions = [("variant_ids", .strings(variants.map { String($0.rawValue) }))]
            throw problem
        }
        return kits
    }

    /// A kit's explanation over a scope.
    ///
    /// - Returns: `nil` when the variant is unknown or not a kit.
    func kitExplanation(for id: VariantID, in scope: ResolvedScope) -> KitExplanation? {
        guard let item = item(for: id, in: scope, grouping: .total),
            let availability = snapshot.kitAvailability(for: id, in: scope)
        else { return nil }
        let sku: (VariantID) -> String? = { snapshot.variant($0)?.sku }
        let nodes = snapshot.kitExpansion(for: id) ?? []
        let components = availability.components.map { component in
            KitExplanation.Component(
                variantID: component.need.componentID,
                sku: sku(component.need.componentID),
                perBatch: component.need.perBatch,
                figures: component.figures,
                kitsAvailable: component.kitsAvailable
            )
        }
        return KitExplanation(
            item: item,
            problem: availability.definition.problem?.description,
            bomID: availability.definition.bomID,
            batchQuantity: availability.definition.batchQuantity,
            rules: snapshot.kitRules,
            expansion: Self.tree(nodes, sku: sku),
            components: components,
            limiting: availability.limiting.map { ($0, sku($0)) }
        )
    }

    /// Nests an explosion's lines under the lines whose sub-kits they belong to, keeping Odoo's order.
    static func tree(_ nodes: [KitExpansionNode], sku: (VariantID) -> String?) -> [KitExplanation.Line] {
        var children: [BoMLineID?: [KitExpansionNode]] = [:]
        for node in nodes { children[node.parentLineID, default: []].append(node) }
        let known = Set(nodes.map(\.lineID))
        func build(_ parent: BoMLineID?, depth: Int) -> [KitExplanation.Line] {
            guard depth < 64 else { return [] }  // a cycle stops the explosion, but never recurse without bound
            return (children[parent] ?? []).map { node in
                KitExplanation.Line(
                    node: node,
                    sku: sku(node.componentID),
                    lines: node.subBoMID == nil ? [] : build(node.lineID, depth: depth + 1)
                )
            }
        }
        var roots = build(nil, depth: 0)
        // Lines whose parent line is not in the list (never expected) are kept at the top rather than lost.
        for node in nodes where node.parentLineID.map({ !known.contains($0) }) ?? false {
            roots.append(KitExplanation.Line(node: node, sku: sku(node.componentID), lines: []))
        }
        return roots
    }

    // MARK: Cart check

    /// Resolves a cart's lines to variants and checks them against the scope.
    ///
    /// - Throws: 422 when a line's SKU is shared by several variants.
    func checkCart(_ cart: CartRequest, in scope: ResolvedScope, asOf: AsOf) throws(APIProblem) -> CartCheckResponse {
        var resolved: [(index: Int, variant: VariantID, quantity: Quantity)] = []
        var missing: [String] = []
        for (index, line) in cart.lines.enumerated() {
            switch line.product {
            case .sku(let sku):
                let variants = snapshot.variants(sku: sku)
                if variants.isEmpty {
                    missing.append(sku)
                } else if variants.count > 1 {
                    let ids = variants.map { String($0.rawValue) }
                    var problem = APIProblem(
                        kind: .ambiguousSKU,
                        detail: "lines[\(index)].sku: '\(sku)' is shared by variants \(ids.joined(separator: ", ")); name one by variant_id",
                        parameter: "lines[\(index)].sku"
                    )
                    problem.extensions = [("variant_ids", .strings(ids))]
                    throw problem
                } else {
                    resolved.append((index, variants[0], line.quantity))
                }
            case .variantID(let id):
                if let raw = id.value, snapshot.containsVariant(VariantID(raw)) {
                    resolved.append((index, VariantID(raw), line.quantity))
                } else {
                    missing.append(id.text)
                }
            }
        }
        let check = snapshot.checkCart(resolved.map { ($0.variant, $0.quantity) }, in: scope)
        let lines = zip(resolved, check.lines).map { request, line in
            CartCheckResponse.Line(
                index: request.index,
                sku: snapshot.variant(line.variantID)?.sku,
                invalid: snapshot.kitDefinition(for: line.variantID)?.problem?.code,
                line: line
            )
        }
        return CartCheckResponse(asOf: asOf, ok: check.ok && missing.isEmpty, lines: lines, missing: missing)
    }
}
