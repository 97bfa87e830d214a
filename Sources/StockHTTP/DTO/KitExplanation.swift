import StockProjection

/// One kit in `GET /v1/kits/{sku}`: its availability item, its BoM, the exploded lines as a tree, each
/// component's figures and how many kits it allows, and the limiting components.
struct KitExplanation: JSONWritable {
    /// The kit's availability item (identity, `kit`, `invalid`, figures over the scope).
    var item: AvailabilityItem
    /// A readable description of why the kit cannot be computed, when `invalid` is set.
    var problem: String?
    /// The phantom BoM chosen for the kit.
    var bomID: BoMID
    /// Kits per BoM batch (`mrp_bom.product_qty`).
    var batchQuantity: Double
    /// The rules the figures were computed with.
    var rules: KitRules
    /// The exploded BoM: top-level lines, each sub-kit line holding its own lines.
    var expansion: [Line]
    /// The limiting candidates, in Odoo's order.
    var components: [Component]
    /// The components that limit `available` (ties all listed).
    var limiting: [(id: VariantID, sku: String?)]

    /// One line of the exploded BoM.
    struct Line: JSONWritable {
        /// The line, as the projection explodes it.
        var node: KitExpansionNode
        /// The component's SKU.
        var sku: String?
        /// The sub-kit's lines, when the component is a kit exploded through `sub_bom_id`.
        var lines: [Line]

        func write(to json: inout JSONWriter) {
            json.beginObject()
            json.key("line_id")
            json.integer(node.lineID.rawValue)
            json.key("bom_id")
            json.integer(node.bomID.rawValue)
            json.key("variant_id")
            json.integer(node.componentID.rawValue)
            json.key("sku")
            json.string(sku)
            json.key("quantity")
            json.decimal(node.quantity)
            json.key("unit_id")
            json.integer(node.unitID.rawValue)
            json.key("sub_bom_id")
            json.integer(node.subBoMID?.rawValue)
            json.key("ignored")
            json.string(node.ignored?.rawValue)
            json.key("lines")
            json.beginArray()
            for line in lines { json.value(line) }
            json.endArray()
            json.endObject()
        }
    }

    /// One component (limiting candidate) in the scope.
    struct Component: JSONWritable {
        /// The component variant.
        var variantID: VariantID
        /// Its SKU.
        var sku: String?
        /// Its need per BoM batch, in its own unit.
        var perBatch: Double
        /// Its own figures in the scope (no safety stock).
        var figures: StockFigures
        /// How many kits it alone allows to sell.
        var kitsAvailable: Quantity

        func write(to json: inout JSONWriter) {
            json.beginObject()
            json.key("variant_id")
            json.integer(variantID.rawValue)
            json.key("sku")
            json.string(sku)
            json.key("need_per_batch")
            json.decimal(perBatch)
            json.figureMembers(figures)
            json.key("kits_available")
            json.quantity(kitsAvailable)
            json.endObject()
        }
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("variant_id")
        json.integer(item.variantID.rawValue)
        json.key("sku")
        json.string(item.sku)
        json.key("barcode")
        json.string(item.barcode)
        json.key("template_id")
        json.integer(item.templateID.rawValue)
        json.key("active")
        json.bool(item.active)
        json.key("kit")
        json.bool(item.kit)
        if let invalid = item.invalid {
            json.key("invalid")
            json.string(invalid)
            json.key("problem")
            json.string(problem)
        }
        json.figureMembers(item.figures)
        json.key("bom_id")
        json.integer(bomID.rawValue)
        json.key("batch_quantity")
        json.decimal(batchQuantity)
        json.key("rules")
        Self.write(rules, to: &json)
        json.key("expansion")
        json.beginArray()
        for line in expansion { json.value(line) }
        json.endArray()
        json.key("components")
        json.beginArray()
        for component in components { json.value(component) }
        json.endArray()
        json.key("limiting")
        json.beginArray()
        for entry in limiting {
            json.beginObject()
            json.key("variant_id")
            json.integer(entry.id.rawValue)
            json.key("sku")
            json.string(entry.sku)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    /// The rules summary: each step that differs between Odoo versions.
    static func write(_ rules: KitRules, to json: inout JSONWriter) {
        json.beginObject()
        json.key("groups_lines_by_component")
        json.bool(rules.groupsLinesByComponent)
        json.key("ratio_rounding")
        json.string(rules.ratioRounding?.rawValue)
        json.key("rounds_batches_to_last_component")
        json.bool(rules.roundsBatchesToLastComponent)
        json.key("rounds_sub_kit_quantities")
        json.bool(rules.roundsSubKitQuantities)
        json.key("explodes_sub_kits_first")
        json.bool(rules.explodesSubKitsFirst)
        json.key("variant_bom_wins_tie")
        json.bool(rules.variantBoMWinsTie)
        json.key("float_rounding")
        json.string(rules.floatRounding.rawValue)
        json.endObject()
    }
}
