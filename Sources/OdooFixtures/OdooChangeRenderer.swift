public import StockCatalogue
public import StockProjection

/// Renders ``StockChange``s as the SQL Odoo's ORM writes for them, so that a database fed with it replicates the
/// same row-level changes Odoo would produce:
///
/// - `.upsertQuant`: `UPDATE stock_quant SET quantity = …, reserved_quantity = …, write_uid, write_date WHERE id = N`
///   when the row exists (Odoo's `_update_available_quantity` / `_update_reserved_quantity`), otherwise an `INSERT`
///   with the stored related `company_id` of the location, `in_date`, and the audit columns.
/// - `.deleteQuant`: `DELETE FROM stock_quant WHERE id = N` (`_merge_quants`, `_unlink_zero_quants`).
/// - Location, warehouse, variant, template and unit upserts: an `UPDATE` of the columns that changed (a rename or
///   re-parent writes `name`, `complete_name`, `location_id`, `parent_path` and the stored `warehouse_id`;
///   archiving writes `active = false`; a template's storability writes `type`/`detailed_type` on 16 and 17,
///   `is_storable` on 18), or an `INSERT` for a new row.
/// - `.truncate(.quants)`: `TRUNCATE stock_quant`; other tables: `TRUNCATE <table> CASCADE`.
///
/// Quantities are written as exact decimal text (``Quantity/description``), never through a binary float.
///
/// The renderer remembers which rows exist and their last values. Seeded from a catalogue it knows every row;
/// without one, an upsert of a non-quant row it has not seen becomes `INSERT … ON CONFLICT (id) DO UPDATE`.
public struct OdooChangeRenderer: Sendable {
    /// The Odoo version whose columns to write.
    public let version: OdooVersion
    /// The `stock_quant` ids that exist in the database.
    public var existingQuantIDs: Set<QuantID>
    private var locations: [LocationID: Location] = [:]
    /// `stock_location.name` as last written (derived from `complete_name`, which is all a ``Location`` carries).
    private var locationNames: [LocationID: String] = [:]
    private var warehouses: [WarehouseID: Warehouse] = [:]
    private var variants: [VariantID: ProductVariant] = [:]
    private var templates: [TemplateID: ProductTemplate] = [:]
    private var units: [UnitID: UnitOfMeasure] = [:]
    private var boms: [BoMID: BillOfMaterials] = [:]
    private var bomLines: [BoMLineID: BoMLine] = [:]
    /// `stock_move` rows as last written.
    private var moves: [MoveID: StockMove] = [:]
    /// Whether every non-quant row of the database is known (absent means "does not exist").
    private var knowsEveryRow: Bool

    /// A renderer for a database loaded with ``OdooSQL/catalogueScript(_:version:)``.
    ///
    /// - Parameters:
    ///   - version: The Odoo version whose columns to write.
    ///   - catalogue: The catalogue the database holds.
    ///   - existingQuantIDs: The quant ids present now, when they differ from the catalogue's.
    public init(version: OdooVersion, catalogue: OdooCatalogue, existingQuantIDs: Set<QuantID>? = nil) {
        self.version = version
        self.existingQuantIDs = existingQuantIDs ?? Set(catalogue.quants.map(\.id))
        let locations = Dictionary(catalogue.locations.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        self.locations = locations
        for location in catalogue.locations {
            locationNames[location.id] = OdooSQL.locationName(location, parent: location.parentID.flatMap { locations[$0] })
        }
        warehouses = Dictionary(catalogue.warehouses.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        variants = Dictionary(catalogue.variants.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        templates = Dictionary(catalogue.templates.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        units = Dictionary(catalogue.units.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        boms = Dictionary(catalogue.boms.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        bomLines = Dictionary(catalogue.bomLines.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        knowsEveryRow = true
    }

    /// A renderer that knows only which quants exist; other rows are written as upserts of every mapped column.
    ///
    /// - Parameters:
    ///   - version: The Odoo version whose columns to write.
    ///   - existingQuantIDs: The `stock_quant` ids present in the database.
    public init(version: OdooVersion, existingQuantIDs: Set<QuantID> = []) {
        self.version = version
        self.existingQuantIDs = existingQuantIDs
        knowsEveryRow = false
    }

    /// The statements for one transaction's changes, in order (without `BEGIN` / `COMMIT`).
    public mutating func statements(for transaction: SourceTransaction) -> [String] {
        var result: [String] = []
        for change in transaction.changes { result += statements(for: change) }
        return result
    }

    /// One transaction as `BEGIN; …; COMMIT;` text (an empty transaction still commits, as Odoo's would).
    public mutating func transactionScript(for transaction: SourceTransaction) -> String {
        var script = "BEGIN;\n"
        for statement in statements(for: transaction) {
            script += statement
            script += ";\n"
        }
        script += "COMMIT;\n"
        return script
    }

    /// Many transactions, each in its own `BEGIN` / `COMMIT` block, as one script for `psql -f`.
    public mutating func script(for transactions: some Sequence<SourceTransaction>) -> String {
        var script = ""
        for transaction in transactions { script += transactionScript(for: transaction) }
        return script
    }

    /// The statements for one change (no trailing semicolons).
    public mutating func statements(for change: StockChange) -> [String] {
        switch change {
        case .upsertQuant(let quant): return [upsert(quant)]
        case .deleteQuant(let id):
            existingQuantIDs.remove(id)
            return ["DELETE FROM stock_quant WHERE id = \(id.rawValue)"]
        case .upsertLocation(let location): return [upsert(location)]
        case .deleteLocation(let id):
            locations[id] = nil
            locationNames[id] = nil
            return ["DELETE FROM stock_location WHERE id = \(id.rawValue)"]
        case .upsertWarehouse(let warehouse): return [upsert(warehouse)]
        case .deleteWarehouse(let id):
            warehouses[id] = nil
            return ["DELETE FROM stock_warehouse WHERE id = \(id.rawValue)"]
        case .upsertVariant(let variant): return [upsert(variant)]
        case .deleteVariant(let id):
            variants[id] = nil
            return ["DELETE FROM product_product WHERE id = \(id.rawValue)"]
        case .upsertTemplate(let template): return [upsert(template)]
        case .deleteTemplate(let id):
            templates[id] = nil
            return ["DELETE FROM product_template WHERE id = \(id.rawValue)"]
        case .upsertUnit(let unit): return [upsert(unit)]
        case .deleteUnit(let id):
            units[id] = nil
            return ["DELETE FROM uom_uom WHERE id = \(id.rawValue)"]
        case .upsertBoM(let bom): return [upsert(bom)]
        case .deleteBoM(let id):
            boms[id] = nil
            bomLines = bomLines.filter { $0.value.bomID != id }  // ON DELETE CASCADE
            return ["DELETE FROM mrp_bom WHERE id = \(id.rawValue)"]
        case .upsertBoMLine(let line): return [upsert(line)]
        case .deleteBoMLine(let id):
            bomLines[id] = nil
            return ["DELETE FROM mrp_bom_line WHERE id = \(id.rawValue)"]
        case .upsertAttributeValue(let value):
            return [
                """
                INSERT INTO product_template_attribute_value (id, attribute_id) VALUES (\(value.id.rawValue), \(value.attributeID.rawValue)) \
                ON CONFLICT (id) DO UPDATE SET attribute_id = EXCLUDED.attribute_id
                """
            ]
        case .deleteAttributeValue(let id):
            return ["DELETE FROM product_template_attribute_value WHERE id = \(id.rawValue)"]
        case .linkBoMLineValue(let link):
            return [
                """
                INSERT INTO mrp_bom_line_product_template_attribute_value_rel (mrp_bom_line_id, product_template_attribute_value_id) \
                VALUES (\(link.ownerID.rawValue), \(link.valueID.rawValue)) ON CONFLICT DO NOTHING
                """
            ]
        case .unlinkBoMLineValue(let link):
            return [
                """
                DELETE FROM mrp_bom_line_product_template_attribute_value_rel WHERE mrp_bom_line_id = \(link.ownerID.rawValue) \
                AND product_template_attribute_value_id = \(link.valueID.rawValue)
                """
            ]
        case .linkVariantValue(let link):
            return [
                """
                INSERT INTO product_variant_combination (product_product_id, product_template_attribute_value_id) \
                VALUES (\(link.ownerID.rawValue), \(link.valueID.rawValue)) ON CONFLICT DO NOTHING
                """
            ]
        case .unlinkVariantValue(let link):
            return [
                """
                DELETE FROM product_variant_combination WHERE product_product_id = \(link.ownerID.rawValue) \
                AND product_template_attribute_value_id = \(link.valueID.rawValue)
                """
            ]
        case .upsertMove(let move): return [upsert(move)]
        case .closeMove(let id):
            // The operations close a move this way only to unlink a draft or cancelled one.
            moves[id] = nil
            return ["DELETE FROM stock_move WHERE id = \(id.rawValue)"]
        case .truncate(let table): return [truncate(table)]
        }
    }

    // MARK: - Moves

    /// `stock_move` as Odoo writes it: an `INSERT` of a new move (with `product_uom` from the product's template
    /// and the company of the source location), then `UPDATE`s of the columns that changed (`state`, `product_qty`
    /// with `product_uom_qty`, `date`, the destinations); a done move also writes its done quantity (16:
    /// `quantity_done`; 17+: `quantity` and `picked`). 16 and 17 have no `location_final_id`: it is not written.
    private mutating func upsert(_ move: StockMove) -> String {
        let hasFinal = version >= .v18
        let quantity = SQLText.literal(move.quantity)
        let date = SQLText.literal(OdooSQL.timestampText(move.date))
        let state = SQLText.literal(move.state.rawValue)
        guard let previous = moves[move.id] else {
            moves[move.id] = move
            var columns = [
                "id", "name", "date", "company_id", "product_id", "product_qty", "product_uom_qty", "product_uom", "location_id",
                "location_dest_id", "state", "procure_method", "restrict_partner_id",
            ]
            var values = [
                String(move.id.rawValue), SQLText.literal("Move \(move.id.rawValue)"), date,
                "coalesce((SELECT company_id FROM stock_location WHERE id = \(move.sourceID.rawValue)), 1)", String(move.variantID.rawValue),
                quantity, quantity,
                "(SELECT t.uom_id FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = \(move.variantID.rawValue))",
                String(move.sourceID.rawValue), String(move.destinationID.rawValue), state, "'make_to_stock'", SQLText.literal(move.ownerID),
            ]
            if hasFinal {
                columns.append("location_final_id")
                values.append(SQLText.literal(move.finalDestinationID?.rawValue))
            }
            columns += ["create_uid", "create_date", "write_uid", "write_date"]
            values += ["1", OdooSQL.now, "1", OdooSQL.now]
            return "INSERT INTO stock_move (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))"
        }
        moves[move.id] = move
        var set = Assignments()
        set.set("state", state, changed: previous.state != move.state)
        set.set("product_qty", quantity, changed: previous.quantity != move.quantity)
        set.set("product_uom_qty", quantity, changed: previous.quantity != move.quantity)
        set.set("date", date, changed: previous.date != move.date)
        set.set("location_id", String(move.sourceID.rawValue), changed: previous.sourceID != move.sourceID)
        set.set("location_dest_id", String(move.destinationID.rawValue), changed: previous.destinationID != move.destinationID)
        if hasFinal {
            set.set(
                "location_final_id", SQLText.literal(move.finalDestinationID?.rawValue),
                changed: previous.finalDestinationID != move.finalDestinationID)
        }
        if move.state == .done && previous.state != .done {
            if version >= .v17 {
                set.set("quantity", quantity, changed: true)
                set.set("picked", "true", changed: true)
            } else {
                set.set("quantity_done", quantity, changed: true)
            }
        }
        return update("stock_move", id: move.id.rawValue, set)
    }

    // MARK: - Quants

    private mutating func upsert(_ quant: Quant) -> String {
        let quantity = SQLText.literal(quant.quantity)
        let reserved = SQLText.literal(quant.reserved)
        if existingQuantIDs.contains(quant.id) {
            return
                "UPDATE stock_quant SET quantity = \(quantity), reserved_quantity = \(reserved), write_uid = 1, write_date = \(OdooSQL.now) WHERE id = \(quant.id.rawValue)"
        }
        existingQuantIDs.insert(quant.id)
        let location = quant.locationID.rawValue
        return """
            INSERT INTO stock_quant (id, product_id, location_id, company_id, quantity, reserved_quantity, in_date, \
            inventory_quantity_set, create_uid, create_date, write_uid, write_date) VALUES (\(quant.id.rawValue), \
            \(quant.variantID.rawValue), \(location), (SELECT company_id FROM stock_location WHERE id = \(location)), \
            \(quantity), \(reserved), \(OdooSQL.now), false, 1, \(OdooSQL.now), 1, \(OdooSQL.now))
            """
    }

    // MARK: - Other tables

    /// An assignment list (`column = value`) for the columns whose value changed, or all of them.
    private struct Assignments {
        var pairs: [(column: String, value: String)] = []
        mutating func set(_ column: String, _ value: String, changed: Bool) {
            if changed { pairs.append((column, value)) }
        }
    }

    private func update(_ table: String, id: Int32, _ assignments: Assignments) -> String {
        var parts = assignments.pairs.map { "\($0.column) = \($0.value)" }
        parts += ["write_uid = 1", "write_date = \(OdooSQL.now)"]
        return "UPDATE \(table) SET \(parts.joined(separator: ", ")) WHERE id = \(id)"
    }

    private func insert(_ table: String, id: Int32, _ assignments: Assignments, upsert: Bool) -> String {
        let columns = ["id"] + assignments.pairs.map(\.column) + ["create_uid", "create_date", "write_uid", "write_date"]
        let values = [String(id)] + assignments.pairs.map(\.value) + ["1", OdooSQL.now, "1", OdooSQL.now]
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))"
        if upsert {
            let updates = assignments.pairs.map { "\($0.column) = EXCLUDED.\($0.column)" } + ["write_uid = 1", "write_date = \(OdooSQL.now)"]
            sql += " ON CONFLICT (id) DO UPDATE SET \(updates.joined(separator: ", "))"
        }
        return sql
    }

    /// `stock_location.warehouse_id` as Odoo's stored compute sets it: the warehouse whose view location is the
    /// deepest one on the location's `parent_path`.
    private static func warehouseExpression(parentPath: String) -> String {
        """
        (SELECT w.id FROM stock_warehouse w JOIN stock_location v ON v.id = w.view_location_id \
        WHERE w.active AND \(SQLText.literal(parentPath)) LIKE v.parent_path || '%' ORDER BY length(v.parent_path) DESC LIMIT 1)
        """
    }

    private mutating func upsert(_ location: Location) -> String {
        let previous = locations[location.id]
        let parent = location.parentID.flatMap { locations[$0] }
        let name = OdooSQL.locationName(location, parent: parent)
        let all = previous == nil
        var set = Assignments()
        set.set("name", SQLText.literal(name), changed: all || locationNames[location.id] != name)
        set.set("complete_name", SQLText.literal(location.completeName), changed: all || previous?.completeName != location.completeName)
        set.set("usage", SQLText.literal(location.usage.rawValue), changed: all || previous?.usage != location.usage)
        set.set("location_id", SQLText.literal(location.parentID?.rawValue), changed: all || previous?.parentID != location.parentID)
        set.set("parent_path", SQLText.literal(location.parentPath), changed: all || previous?.parentPath != location.parentPath)
        set.set("company_id", SQLText.literal(location.companyID?.rawValue), changed: all || previous?.companyID != location.companyID)
        set.set("active", SQLText.literal(location.active), changed: all || previous?.active != location.active)
        set.set(
            "warehouse_id", Self.warehouseExpression(parentPath: location.parentPath), changed: all || previous?.parentPath != location.parentPath)
        locations[location.id] = location
        locationNames[location.id] = name
        if previous != nil { return update("stock_location", id: location.id.rawValue, set) }
        return insert("stock_location", id: location.id.rawValue, set, upsert: !knowsEveryRow)
    }

    private mutating func upsert(_ warehouse: Warehouse) -> String {
        let previous = warehouses[warehouse.id]
        let all = previous == nil
        var set = Assignments()
        set.set("name", SQLText.literal(warehouse.name), changed: all || previous?.name != warehouse.name)
        set.set("code", SQLText.literal(warehouse.code), changed: all || previous?.code != warehouse.code)
        set.set("company_id", String(warehouse.companyID.rawValue), changed: all || previous?.companyID != warehouse.companyID)
        set.set("view_location_id", String(warehouse.viewLocationID.rawValue), changed: all || previous?.viewLocationID != warehouse.viewLocationID)
        set.set("lot_stock_id", String(warehouse.stockLocationID.rawValue), changed: all || previous?.stockLocationID != warehouse.stockLocationID)
        set.set(
            "wh_qc_stock_loc_id", SQLText.literal(warehouse.qualityControlLocationID?.rawValue),
            changed: all || previous?.qualityControlLocationID != warehouse.qualityControlLocationID
        )
        set.set("active", SQLText.literal(warehouse.active), changed: all || previous?.active != warehouse.active)
        if all {
            set.set("reception_steps", SQLText.literal(warehouse.qualityControlLocationID == nil ? "one_step" : "three_steps"), changed: true)
            set.set("delivery_steps", "'ship_only'", changed: true)
            set.set("sequence", "10", changed: true)
        }
        warehouses[warehouse.id] = warehouse
        if previous != nil { return update("stock_warehouse", id: warehouse.id.rawValue, set) }
        return insert("stock_warehouse", id: warehouse.id.rawValue, set, upsert: !knowsEveryRow)
    }

    private mutating func upsert(_ variant: ProductVariant) -> String {
        let previous = variants[variant.id]
        let all = previous == nil
        var set = Assignments()
        set.set("product_tmpl_id", String(variant.templateID.rawValue), changed: all || previous?.templateID != variant.templateID)
        set.set("default_code", SQLText.literal(variant.sku), changed: all || previous?.sku != variant.sku)
        set.set("barcode", SQLText.literal(variant.barcode), changed: all || previous?.barcode != variant.barcode)
        set.set("active", SQLText.literal(variant.active), changed: all || previous?.active != variant.active)
        // Attribute values are not modelled; NULL keeps the (product_tmpl_id, combination_indices) unique index quiet.
        if all { set.set("combination_indices", "NULL", changed: true) }
        variants[variant.id] = variant
        if previous != nil { return update("product_product", id: variant.id.rawValue, set) }
        return insert("product_product", id: variant.id.rawValue, set, upsert: !knowsEveryRow)
    }

    private mutating func upsert(_ template: ProductTemplate) -> String {
        let previous = templates[template.id]
        let all = previous == nil
        let storableChanged = all || previous?.storable != template.storable
        var set = Assignments()
        if all { set.set("name", SQLText.literal(SQLText.translated("Product \(template.id)")), changed: true) }
        if version.hasIsStorable {
            if all { set.set("type", "'consu'", changed: true) }
            set.set("is_storable", SQLText.literal(template.storable), changed: storableChanged)
        } else {
            let type = SQLText.literal(template.storable ? "product" : "consu")
            set.set("detailed_type", type, changed: storableChanged)
            set.set("type", type, changed: storableChanged)
        }
        set.set("uom_id", String(template.unitID.rawValue), changed: all || previous?.unitID != template.unitID)
        set.set("uom_po_id", String(template.unitID.rawValue), changed: all || previous?.unitID != template.unitID)
        set.set("active", SQLText.literal(template.active), changed: all || previous?.active != template.active)
        if all {
            set.set("categ_id", "1", changed: true)
            set.set("tracking", "'none'", changed: true)
            set.set("sale_ok", "true", changed: true)
            set.set("purchase_ok", "true", changed: true)
        }
        templates[template.id] = template
        if previous != nil { return update("product_template", id: template.id.rawValue, set) }
        return insert("product_template", id: template.id.rawValue, set, upsert: !knowsEveryRow)
    }

    private mutating func upsert(_ unit: UnitOfMeasure) -> String {
        let previous = units[unit.id]
        let all = previous == nil
        var set = Assignments()
        if all { set.set("name", SQLText.literal(SQLText.translated(OdooSQL.unitName(unit))), changed: true) }
        set.set("category_id", String(unit.categoryID), changed: all || previous?.categoryID != unit.categoryID)
        set.set("factor", SQLText.literal(unit.factor), changed: all || previous?.factor != unit.factor)
        set.set("uom_type", SQLText.literal(OdooSQL.unitType(factor: unit.factor)), changed: all || previous?.factor != unit.factor)
        set.set("rounding", SQLText.literal(unit.rounding), changed: all || previous?.rounding != unit.rounding)
        set.set("active", SQLText.literal(unit.active), changed: all || previous?.active != unit.active)
        units[unit.id] = unit
        if previous != nil { return update("uom_uom", id: unit.id.rawValue, set) }
        return insert("uom_uom", id: unit.id.rawValue, set, upsert: !knowsEveryRow)
    }

    private mutating func upsert(_ bom: BillOfMaterials) -> String {
        let previous = boms[bom.id]
        let all = previous == nil
        var set = Assignments()
        set.set("type", bom.isKit ? "'phantom'" : "'normal'", changed: all || previous?.isKit != bom.isKit)
        set.set("product_tmpl_id", String(bom.templateID.rawValue), changed: all || previous?.templateID != bom.templateID)
        set.set("product_id", bom.variantID.map { String($0.rawValue) } ?? "NULL", changed: all || previous?.variantID != bom.variantID)
        set.set("product_qty", SQLText.literal(bom.quantity), changed: all || previous?.quantity != bom.quantity)
        set.set("product_uom_id", String(bom.unitID.rawValue), changed: all || previous?.unitID != bom.unitID)
        set.set("active", SQLText.literal(bom.active), changed: all || previous?.active != bom.active)
        set.set("sequence", bom.sequence.map { String($0) } ?? "NULL", changed: all || previous?.sequence != bom.sequence)
        set.set("company_id", bom.companyID.map { String($0.rawValue) } ?? "NULL", changed: all || previous?.companyID != bom.companyID)
        if all {
            set.set("consumption", "'warning'", changed: true)
            set.set("ready_to_produce", "'all_available'", changed: true)
        }
        boms[bom.id] = bom
        if previous != nil { return update("mrp_bom", id: bom.id.rawValue, set) }
        return insert("mrp_bom", id: bom.id.rawValue, set, upsert: !knowsEveryRow)
    }

    private mutating func upsert(_ line: BoMLine) -> String {
        let previous = bomLines[line.id]
        let all = previous == nil
        var set = Assignments()
        set.set("bom_id", String(line.bomID.rawValue), changed: all || previous?.bomID != line.bomID)
        let componentChanged = all || previous?.componentID != line.componentID
        set.set("product_id", String(line.componentID.rawValue), changed: componentChanged)
        // product_tmpl_id is a stored related field of the component.
        set.set("product_tmpl_id", "(SELECT product_tmpl_id FROM product_product WHERE id = \(line.componentID.rawValue))", changed: componentChanged)
        set.set("product_qty", SQLText.literal(line.quantity), changed: all || previous?.quantity != line.quantity)
        set.set("product_uom_id", String(line.unitID.rawValue), changed: all || previous?.unitID != line.unitID)
        set.set("sequence", String(line.sequence), changed: all || previous?.sequence != line.sequence)
        if all { set.set("company_id", "(SELECT company_id FROM mrp_bom WHERE id = \(line.bomID.rawValue))", changed: true) }
        bomLines[line.id] = line
        if previous != nil { return update("mrp_bom_line", id: line.id.rawValue, set) }
        return insert("mrp_bom_line", id: line.id.rawValue, set, upsert: !knowsEveryRow)
    }

    private mutating func truncate(_ table: SourceTable) -> String {
        // PostgreSQL's CASCADE empties every table with a foreign key to a truncated one, transitively.
        let referencing: [SourceTable: [SourceTable]] = [
            .quants: [],
            .locations: [.quants, .warehouses, .moves],
            .warehouses: [.locations],
            .variants: [.quants, .moves],
            .templates: [.variants],
            .units: [.templates, .boms, .bomLines, .moves],
            .moves: [],
            .boms: [.bomLines],
            .bomLines: [.bomLineValues],
            .attributeValues: [.bomLineValues, .variantValues],
            .bomLineValues: [],
            .variantValues: [],
        ]
        var emptied: Set<SourceTable> = [table]
        var pending = [table]
        while let next = pending.popLast() {
            for dependent in referencing[next] ?? [] where emptied.insert(dependent).inserted { pending.append(dependent) }
        }
        for table in emptied {
            switch table {
            case .quants: existingQuantIDs.removeAll()
            case .locations:
                locations.removeAll()
                locationNames.removeAll()
            case .warehouses: warehouses.removeAll()
            case .variants: variants.removeAll()
            case .templates: templates.removeAll()
            case .units: units.removeAll()
            case .boms: boms.removeAll()
            case .bomLines: bomLines.removeAll()
            case .moves: moves.removeAll()
            case .attributeValues, .bomLineValues, .variantValues: break
            }
        }
        return table == .quants ? "TRUNCATE stock_quant" : "TRUNCATE \(table.rawValue) CASCADE"
    }
}

extension OdooSQL {
    /// The statements Odoo's ORM issues for one transaction (without `BEGIN` / `COMMIT`).
    ///
    /// Quant upserts become `UPDATE` when the id is in `existingQuantIDs` and `INSERT` otherwise; the set is updated
    /// as rows are inserted, deleted or truncated. Other tables' upserts are written as
    /// `INSERT … ON CONFLICT (id) DO UPDATE` of every mapped column; use ``OdooChangeRenderer`` seeded with the
    /// catalogue to get plain `UPDATE`s of only the changed columns instead.
    ///
    /// - Parameters:
    ///   - transaction: The transaction to render.
    ///   - existingQuantIDs: The quant ids present in the database; updated.
    ///   - version: The Odoo version whose columns to write.
    public static func statements(for transaction: SourceTransaction, existingQuantIDs: inout Set<QuantID>, version: OdooVersion) -> [String] {
        // Swap the set in and out rather than copying it: it can hold millions of ids.
        var renderer = OdooChangeRenderer(version: version)
        swap(&renderer.existingQuantIDs, &existingQuantIDs)
        defer { swap(&renderer.existingQuantIDs, &existingQuantIDs) }
        return renderer.statements(for: transaction)
    }

    /// One transaction as `BEGIN; …; COMMIT;` text; see ``statements(for:existingQuantIDs:version:)``.
    public static func transactionScript(for transaction: SourceTransaction, existingQuantIDs: inout Set<QuantID>, version: OdooVersion) -> String {
        var renderer = OdooChangeRenderer(version: version)
        swap(&renderer.existingQuantIDs, &existingQuantIDs)
        defer { swap(&renderer.existingQuantIDs, &existingQuantIDs) }
        return renderer.transactionScript(for: transaction)
    }
}
