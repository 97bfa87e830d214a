import StockProjection

/// How many kits of each kind a shape gets.
struct KitPlan {
    /// Kits that are one product (a single-variant template).
    var singleKits: Int
    /// Kits whose BoM is on a multi-variant template, with lines restricted to attribute values.
    var templateKits: Int
    /// Variants per template-level kit (Red, Blue, Green).
    static let variantsPerTemplateKit = 3

    init(shape: CatalogueShape) {
        templateKits = shape.kits >= 8 ? 2 : shape.kits >= 3 ? 1 : 0
        singleKits = shape.kits - templateKits
    }

    /// The variants the kits take out of the shape's budget.
    var variantCount: Int { singleKits + templateKits * Self.variantsPerTemplateKit }
}

extension OdooCatalogue {
    static let kitNames = ["DESK-SET", "BED-SET", "LAMP-PACK", "CHAIR-PAIR", "OFFICE-BUNDLE", "DINING-SET", "SHELF-KIT", "RUG-PACK"]

    /// The kit products: storable templates in Units with `KIT-...` SKUs; one variant each, or three colours for
    /// the template-level kits. They get no quants (Odoo ignores a kit's own quants).
    mutating func makeKitProducts(_ plan: KitPlan, _ random: inout SeededGenerator) {
        var templateID = (templates.last?.id.rawValue ?? 0) + 1
        var variantID = (variants.last?.id.rawValue ?? 0) + 1
        let colors = ["RED", "BLUE", "GREEN"]
        for kit in 0..<(plan.singleKits + plan.templateKits) {
            let templateLevel = kit >= plan.singleKits
            templates.append(ProductTemplate(id: TemplateID(templateID), storable: true, unitID: UnitID(1), active: true))
            kitTemplates.insert(TemplateID(templateID))
            let name = Self.kitNames[kit % Self.kitNames.count]
            for ordinal in 0..<(templateLevel ? KitPlan.variantsPerTemplateKit : 1) {
                let sku = "KIT-\(name)-\(templateID)" + (templateLevel ? "-\(colors[ordinal])" : "")
                variants.append(
                    ProductVariant(
                        id: VariantID(variantID), templateID: TemplateID(templateID), sku: sku, barcode: Self.ean13(for: variantID), active: true)
                )
                variantID += 1
            }
            templateID += 1
        }
    }

    /// The attribute rows of every multi-variant template, and the catalogue's copies of them.
    mutating func makeAttributeRows() {
        var variantsByTemplate: [TemplateID: [ProductVariant]] = [:]
        for variant in variants { variantsByTemplate[variant.templateID, default: []].append(variant) }
        attributeRows = VariantAttributeRows(templates: templates, variantsByTemplate: variantsByTemplate)
        attributeValues = attributeRows.values.map {
            TemplateAttributeValue(id: AttributeValueID(Int32($0.id)), attributeID: AttributeID(Int32($0.attributeID)))
        }
        variantValueLinks = variants.flatMap { variant in
            (attributeRows.combinations[variant.id] ?? []).map { VariantValueLink(ownerID: variant.id, valueID: AttributeValueID(Int32($0))) }
        }
    }

    /// Phantom BoMs for the kit products over storable variants: 2 to 6 lines, some quantities above 1, some
    /// BoMs for more than one kit, some lines in Dozens (or g for kg components), a consumable line, kits of kits
    /// (up to three levels), template-level BoMs with lines restricted to colours, and one or two normal BoMs.
    mutating func makeBoMs(_ plan: KitPlan, _ random: inout SeededGenerator) {
        guard plan.singleKits + plan.templateKits > 0 else { return }
        let templateByID = Dictionary(templates.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        let storable = variants.filter { templateByID[$0.templateID]!.storable && !kitTemplates.contains($0.templateID) }
        let consumables = variants.filter { !templateByID[$0.templateID]!.storable }
        guard storable.count >= 6 else { return }
        var nextBoM: Int32 = 1
        var nextLine: Int32 = 1
        var kitDepth: [VariantID: Int] = [:]
        var singleKitVariants: [VariantID] = []

        func addLine(_ bom: BoMID, _ component: ProductVariant, _ sequence: Int, kitComponent: Bool = false) -> BoMLineID {
            let unit = templateByID[component.templateID]!.unitID
            var lineUnit = unit
            var quantity = Quantity(units: Int.random(in: 0..<3, using: &random) == 0 ? Int.random(in: 2...4, using: &random) : 1)
            if !kitComponent, Int.random(in: 0..<6, using: &random) == 0 {
                if unit == UnitID(1) {
                    lineUnit = UnitID(2)  // Dozens
                    quantity = Int.random(in: 0..<2, using: &random) == 0 ? Quantity(units: 1) : Quantity(rawValue: Quantity.scale / 2)
                } else if unit == UnitID(3) {
                    lineUnit = UnitID(4)  // g of a kg component
                    quantity = Quantity(units: 250 * Int.random(in: 1...3, using: &random))
                }
            } else if unit == UnitID(3) {
                quantity = Quantity(rawValue: Quantity.scale / 2 * Int64(Int.random(in: 1...5, using: &random)))  // 0.5 ... 2.5 kg
            }
            let line = BoMLine(
                id: BoMLineID(nextLine), bomID: bom, componentID: component.id, quantity: quantity, unitID: lineUnit, sequence: Int32(sequence))
            nextLine += 1
            bomLines.append(line)
            return line.id
        }

        func components(_ count: Int) -> [ProductVariant] {
            var picked: [ProductVariant] = []
            var seen = Set<VariantID>()
            while picked.count < count {
                let candidate = storable.randomElement(using: &random)!
                if seen.insert(candidate.id).inserted { picked.append(candidate) }
            }
            return picked
        }

        let variantByID = Dictionary(variants.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        let kitVariants = variants.filter { kitTemplates.contains($0.templateID) }
        var kitIndex = 0
        for template in templates where kitTemplates.contains(template.id) {
            let own = kitVariants.filter { $0.templateID == template.id }
            let bomID = BoMID(nextBoM)
            nextBoM += 1
            let templateLevel = own.count > 1
            let variantLevel = !templateLevel && kitIndex % 2 == 0
            boms.append(
                BillOfMaterials(
                    id: bomID, templateID: template.id, variantID: variantLevel ? own[0].id : nil, isKit: true,
                    quantity: kitIndex % 5 == 4 ? Quantity(units: 2) : Quantity(units: 1), unitID: UnitID(1), active: true,
                    sequence: kitIndex % 3 == 0 ? nil : Int32(kitIndex % 3), companyID: kitIndex % 4 == 1 ? CompanyID(1) : nil
                )
            )
            var sequence = 1
            for component in components(Int.random(in: 2...(templateLevel ? 3 : 6), using: &random)) {
                _ = addLine(bomID, component, sequence)
                sequence += 1
            }
            if !templateLevel {
                // Kits of kits: every third kit uses an earlier kit (itself possibly nested) as a component.
                if kitIndex % 3 == 2, let inner = singleKitVariants.filter({ (kitDepth[$0] ?? 1) < 3 }).randomElement(using: &random) {
                    _ = addLine(bomID, variantByID[inner]!, sequence, kitComponent: true)
                    sequence += 1
                    kitDepth[own[0].id] = (kitDepth[inner] ?? 1) + 1
                }
                if kitIndex == 1, let consumable = consumables.first {
                    _ = addLine(bomID, consumable, sequence)
                    sequence += 1
                }
                singleKitVariants.append(own[0].id)
            } else {
                // One line per colour, one for Red and Blue: each variant explodes to its own components.
                for (position, component) in components(own.count).enumerated() {
                    let line = addLine(bomID, component, sequence)
                    sequence += 1
                    let ptav = attributeRows.combinations[own[position].id]!
                    bomLineValueLinks += ptav.map { BoMLineValueLink(ownerID: line, valueID: AttributeValueID(Int32($0))) }
                }
                let line = addLine(bomID, components(1)[0], sequence)
                for variant in own.prefix(2) {
                    bomLineValueLinks += attributeRows.combinations[variant.id]!.map {
                        BoMLineValueLink(ownerID: line, valueID: AttributeValueID(Int32($0)))
                    }
                }
            }
            kitIndex += 1
        }

        // Normal (manufacturing) BoMs: not kits, Odoo computes their products' stock from quants.
        for product in components(plan.singleKits >= 4 ? 2 : 1) {
            let bomID = BoMID(nextBoM)
            nextBoM += 1
            boms.append(
                BillOfMaterials(
                    id: bomID, templateID: product.templateID, variantID: product.id, isKit: false, quantity: Quantity(units: 1),
                    unitID: templateByID[product.templateID]!.unitID, active: true, sequence: nil, companyID: nil
                )
            )
            for (offset, component) in components(2).enumerated() where component.id != product.id {
                _ = addLine(bomID, component, offset + 1)
            }
        }
    }
}
