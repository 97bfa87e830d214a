public import StockCatalogue
import StockProjection

/// SQL that writes stock data into an Odoo-shaped database the way Odoo does: the initial catalogue as `COPY`
/// blocks, and each ``SourceTransaction`` as the `INSERT` / `UPDATE` / `DELETE` statements Odoo's ORM issues.
public enum OdooSQL {
    /// The timestamp written into `create_date`, `write_date` and `in_date` of catalogue rows (UTC, like Odoo).
    public static let catalogueTimestamp = "2025-01-01 00:00:00"

    /// The expression Odoo's ORM writes for "now" into a `timestamp` column (UTC without time zone).
    public static let now = "(now() at time zone 'utc')"

    /// A `timestamp` literal's text (`YYYY-MM-DD HH:MM:SS.ffffff`) for microseconds since 1970 UTC.
    public static func timestampText(_ microseconds: Int64) -> String {
        let seconds = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        var (days, secondOfDay) = seconds.quotient.quotientAndRemainder(dividingBy: 86_400)
        var micros = seconds.remainder
        if micros < 0 {
            micros += 1_000_000
            secondOfDay -= 1
        }
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(secondOfDay / 3_600, 2)):\(pad(secondOfDay / 60 % 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(micros, 6))"
    }

    /// A script that loads a catalogue into an empty database created with ``OdooSchema/ddl(for:)`` (the same version).
    ///
    /// Loads one company, the units of measure with their categories (Odoo's factor meaning: one reference unit
    /// equals `factor` of this unit), a product category, the templates (storable as the version spells it), the
    /// variants with Color/Size attribute values and `product_variant_combination` rows, the locations with
    /// `parent_path` and `complete_name` as Odoo computes them, the warehouses (then `stock_location.warehouse_id`),
    /// and the quants, with `COPY ... FROM stdin` blocks, inside one transaction. The schema's foreign keys are
    /// dropped for the load and added back (validated in bulk) before the commit. It ends by moving every `id`
    /// sequence past the largest id and running `ANALYZE`. A million quants load in about 15 seconds.
    ///
    /// Run it with `psql -v ON_ERROR_STOP=1 -f`.
    ///
    /// - Parameters:
    ///   - catalogue: The catalogue to load.
    ///   - version: The Odoo version the schema was created for.
    /// - Returns: The SQL script.
    public static func catalogueScript(_ catalogue: OdooCatalogue, version: OdooVersion) -> String {
        var script = ""
        writeCatalogueScript(catalogue, version: version, to: &script)
        return script
    }

    /// Writes ``catalogueScript(_:version:)`` piece by piece to a stream (for catalogues of millions of quants).
    ///
    /// - Parameters:
    ///   - catalogue: The catalogue to load.
    ///   - version: The Odoo version the schema was created for.
    ///   - output: Where to write the script.
    public static func writeCatalogueScript(_ catalogue: OdooCatalogue, version: OdooVersion, to output: inout some TextOutputStream) {
        let stamp = catalogueTimestamp
        let audit = "1\t\(stamp)\t1\t\(stamp)"
        let auditColumns = "create_uid, create_date, write_uid, write_date"
        output.write("-- Catalogue for Odoo \(version): \(catalogue.variants.count) variants, \(catalogue.locations.count) locations, ")
        output.write("\(catalogue.warehouses.count) warehouses, \(catalogue.quants.count) quants.\n")
        output.write("BEGIN;\n")
        // Foreign keys are checked once, in bulk, when they are added back at the end (much faster than per row).
        let foreignKeys = OdooSchema.foreignKeyStatements(for: version)
        output.write(foreignKeys.drop)

        // Company, product category.
        output.write(
            "INSERT INTO res_company (id, name, sequence, active, \(auditColumns)) VALUES (1, 'My Company', 10, true, 1, '\(stamp)', 1, '\(stamp)');\n"
        )
        output.write(
            "INSERT INTO product_category (id, name, complete_name, parent_path, \(auditColumns)) VALUES (1, 'All', 'All', '1/', 1, '\(stamp)', 1, '\(stamp)');\n"
        )

        // Units of measure and their categories.
        let categoryIDs = Array(Set(catalogue.units.map(\.categoryID))).sorted()
        output.write("COPY uom_category (id, name, \(auditColumns)) FROM stdin;\n")
        for id in categoryIDs {
            output.write("\(id)\t\(SQLText.copyField(SQLText.translated(categoryName(id))))\t\(audit)\n")
        }
        output.write("\\.\n")
        output.write("COPY uom_uom (id, name, category_id, factor, rounding, active, uom_type, \(auditColumns)) FROM stdin;\n")
        for unit in catalogue.units {
            let fields = [
                String(unit.id.rawValue), SQLText.copyField(SQLText.translated(unitName(unit))), String(unit.categoryID),
                SQLText.copyField(unit.factor), unit.rounding.description, SQLText.copyField(unit.active), unitType(factor: unit.factor),
            ]
            output.write(fields.joined(separator: "\t") + "\t" + audit + "\n")
        }
        output.write("\\.\n")

        // Product templates.
        var variantsByTemplate: [TemplateID: [ProductVariant]] = [:]
        for variant in catalogue.variants { variantsByTemplate[variant.templateID, default: []].append(variant) }
        let typeColumns = version.hasIsStorable ? "type, is_storable" : "detailed_type, type"
        output.write(
            "COPY product_template (id, name, sequence, \(typeColumns), categ_id, list_price, sale_ok, purchase_ok, uom_id, uom_po_id, active, default_code, tracking, \(auditColumns)) FROM stdin;\n"
        )
        for template in catalogue.templates {
            let variants = variantsByTemplate[template.id] ?? []
            let name = templateName(template, variants: variants)
            let typeFields =
                version.hasIsStorable
                ? "consu\t" + SQLText.copyField(template.storable)
                : (template.storable ? "product\tproduct" : "consu\tconsu")
            let defaultCode = variants.count == 1 ? variants[0].sku : nil
            let fields = [
                String(template.id.rawValue), SQLText.copyField(SQLText.translated(name)), "1", typeFields, "1", "1.0", "t", "t",
                String(template.unitID.rawValue), String(template.unitID.rawValue), SQLText.copyField(template.active),
                SQLText.copyField(defaultCode), "none",
            ]
            output.write(fields.joined(separator: "\t") + "\t" + audit + "\n")
        }
        output.write("\\.\n")

        // Attributes (Color, Size), one attribute line per template and attribute used, the template attribute
        // values, and each variant's combination.
        let attributes = catalogue.attributeRows
        output.write("COPY product_attribute (id, name, sequence, create_variant, display_type, \(auditColumns)) FROM stdin;\n")
        output.write("1\t\(SQLText.copyField(SQLText.translated("Color")))\t1\talways\tradio\t\(audit)\n")
        output.write("2\t\(SQLText.copyField(SQLText.translated("Size")))\t2\talways\tradio\t\(audit)\n")
        output.write("\\.\n")
        output.write("COPY product_attribute_value (id, name, sequence, attribute_id, is_custom, \(auditColumns)) FROM stdin;\n")
        for (index, color) in VariantAttributeRows.colors.enumerated() {
            output.write(
                "\(VariantAttributeRows.colorValueID(index))\t\(SQLText.copyField(SQLText.translated(color)))\t\(index + 1)\t1\tf\t\(audit)\n")
        }
        for (index, size) in VariantAttributeRows.sizes.enumerated() {
            output.write("\(VariantAttributeRows.sizeValueID(index))\t\(SQLText.copyField(SQLText.translated(size)))\t\(index + 1)\t2\tf\t\(audit)\n")
        }
        output.write("\\.\n")
        output.write("COPY product_template_attribute_line (id, active, product_tmpl_id, attribute_id, \(auditColumns)) FROM stdin;\n")
        for line in attributes.lines {
            output.write("\(line.id)\tt\t\(line.templateID)\t\(line.attributeID)\t\(audit)\n")
        }
        output.write("\\.\n")
        output.write(
            "COPY product_template_attribute_value (id, ptav_active, product_attribute_value_id, attribute_line_id, price_extra, product_tmpl_id, attribute_id, \(auditColumns)) FROM stdin;\n"
        )
        for value in attributes.values {
            output.write("\(value.id)\tt\t\(value.valueID)\t\(value.lineID)\t0\t\(value.templateID)\t\(value.attributeID)\t\(audit)\n")
        }
        output.write("\\.\n")

        // Variants.
        output.write("COPY product_product (id, product_tmpl_id, default_code, barcode, active, combination_indices, \(auditColumns)) FROM stdin;\n")
        for variant in catalogue.variants {
            let fields = [
                String(variant.id.rawValue), String(variant.templateID.rawValue), SQLText.copyField(variant.sku),
                SQLText.copyField(variant.barcode), SQLText.copyField(variant.active),
                SQLText.copyField(attributes.combinationIndices[variant.id] ?? ""),
            ]
            output.write(fields.joined(separator: "\t") + "\t" + audit + "\n")
        }
        output.write("\\.\n")
        output.write("COPY product_variant_combination (product_product_id, product_template_attribute_value_id) FROM stdin;\n")
        for variant in catalogue.variants {
            for value in attributes.combinations[variant.id] ?? [] {
                output.write("\(variant.id.rawValue)\t\(value)\n")
            }
        }
        output.write("\\.\n")

        // Locations (warehouse_id is written after the warehouses exist, as Odoo does).
        let locationsByID = Dictionary(catalogue.locations.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        let replenish = Set(catalogue.warehouses.map(\.stockLocationID))
        let returnColumn = version < .v18 ? "return_location, " : ""
        output.write(
            "COPY stock_location (id, name, complete_name, active, usage, location_id, parent_path, company_id, scrap_location, \(returnColumn)replenish_location, posx, posy, posz, cyclic_inventory_frequency, \(auditColumns)) FROM stdin;\n"
        )
        for location in catalogue.locations {
            let name = locationName(location, parent: location.parentID.flatMap { locationsByID[$0] })
            var fields = [
                String(location.id.rawValue), SQLText.copyField(name), SQLText.copyField(location.completeName),
                SQLText.copyField(location.active), SQLText.copyField(location.usage.rawValue), SQLText.copyField(location.parentID?.rawValue),
                SQLText.copyField(location.parentPath), SQLText.copyField(location.companyID?.rawValue),
                SQLText.copyField(location.usage == .inventory && name == "Scrap"),
            ]
            if version < .v18 { fields.append("f") }
            fields += [SQLText.copyField(replenish.contains(location.id) && location.usage == .internal), "0", "0", "0", "0"]
            output.write(fields.joined(separator: "\t") + "\t" + audit + "\n")
        }
        output.write("\\.\n")

        // Warehouses.
        var childrenByName: [LocationID: [String: LocationID]] = [:]
        for location in catalogue.locations {
            guard let parent = location.parentID else { continue }
            childrenByName[parent, default: [:]][locationName(location, parent: locationsByID[parent])] = location.id
        }
        output.write(
            "COPY stock_warehouse (id, name, active, company_id, view_location_id, lot_stock_id, code, reception_steps, delivery_steps, wh_input_stock_loc_id, wh_qc_stock_loc_id, wh_output_stock_loc_id, wh_pack_stock_loc_id, sequence, \(auditColumns)) FROM stdin;\n"
        )
        for warehouse in catalogue.warehouses {
            let children = childrenByName[warehouse.viewLocationID] ?? [:]
            let input = children["Input"]
            let output_ = children["Output"]
            let pack = children["Packing Zone"]
            let reception = warehouse.qualityControlLocationID != nil ? "three_steps" : input != nil ? "two_steps" : "one_step"
            let delivery = pack != nil ? "pick_pack_ship" : output_ != nil ? "pick_ship" : "ship_only"
            let fields = [
                String(warehouse.id.rawValue), SQLText.copyField(warehouse.name), SQLText.copyField(warehouse.active),
                String(warehouse.companyID.rawValue), String(warehouse.viewLocationID.rawValue), String(warehouse.stockLocationID.rawValue),
                SQLText.copyField(warehouse.code), reception, delivery, SQLText.copyField(input?.rawValue),
                SQLText.copyField(warehouse.qualityControlLocationID?.rawValue), SQLText.copyField(output_?.rawValue),
                SQLText.copyField(pack?.rawValue), "10",
            ]
            output.write(fields.joined(separator: "\t") + "\t" + audit + "\n")
        }
        output.write("\\.\n")
        for (warehouse, locations) in warehouseMembers(catalogue) {
            output.write("UPDATE stock_location SET warehouse_id = \(warehouse.rawValue) WHERE id IN (")
            output.write(locations.map { String($0.rawValue) }.joined(separator: ", "))
            output.write(");\n")
        }

        // Quants; company_id is the stored related location_id.company_id.
        output.write(
            "COPY stock_quant (id, product_id, company_id, location_id, quantity, reserved_quantity, in_date, inventory_quantity_set, \(auditColumns)) FROM stdin;\n"
        )
        let companyTail = "\t\(stamp)\tf\t\(audit)\n"
        for quant in catalogue.quants {
            let company = SQLText.copyField(locationsByID[quant.locationID]?.companyID?.rawValue)
            var row = String(quant.id.rawValue)
            row += "\t"
            row += String(quant.variantID.rawValue)
            row += "\t"
            row += company
            row += "\t"
            row += String(quant.locationID.rawValue)
            row += "\t"
            row += quant.quantity.description
            row += "\t"
            row += quant.reserved.description
            row += companyTail
            output.write(row)
        }
        output.write("\\.\n")

        writeBoMs(catalogue, audit: audit, auditColumns: auditColumns, to: &output)

        output.write(foreignKeys.add)
        output.write(sequenceResetScript(version: version))
        output.write("COMMIT;\n")
        output.write("ANALYZE;\n")
    }

    /// `mrp_bom`, `mrp_bom_line` (with the stored related `product_tmpl_id` and `company_id`) and the lines'
    /// attribute restrictions, as `COPY` blocks. `ready_to_produce` and `consumption` get Odoo's defaults.
    static func writeBoMs(_ catalogue: OdooCatalogue, audit: String, auditColumns: String, to output: inout some TextOutputStream) {
        guard !catalogue.boms.isEmpty else { return }
        output.write(
            "COPY mrp_bom (id, code, active, type, product_tmpl_id, product_id, product_qty, product_uom_id, sequence, ready_to_produce, company_id, consumption, produce_delay, days_to_prepare_mo, \(auditColumns)) FROM stdin;\n"
        )
        var companyOfBoM: [BoMID: CompanyID] = [:]
        for bom in catalogue.boms {
            companyOfBoM[bom.id] = bom.companyID
            let fields = [
                String(bom.id.rawValue), SQLText.copyField(Optional<String>.none), SQLText.copyField(bom.active), bom.isKit ? "phantom" : "normal",
                String(bom.templateID.rawValue), SQLText.copyField(bom.variantID?.rawValue), bom.quantity.description,
                String(bom.unitID.rawValue), SQLText.copyField(bom.sequence), "all_available", SQLText.copyField(bom.companyID?.rawValue), "warning",
                "0", "0",
            ]
            output.write(fields.joined(separator: "\t") + "\t" + audit + "\n")
        }
        output.write("\\.\n")
        let templateOf = Dictionary(catalogue.variants.map { ($0.id, $0.templateID) }, uniquingKeysWith: { $1 })
        output.write(
            "COPY mrp_bom_line (id, product_id, product_tmpl_id, company_id, product_qty, product_uom_id, sequence, bom_id, \(auditColumns)) FROM stdin;\n"
        )
        for line in catalogue.bomLines {
            let fields = [
                String(line.id.rawValue), String(line.componentID.rawValue), SQLText.copyField(templateOf[line.componentID]?.rawValue),
                SQLText.copyField(companyOfBoM[line.bomID]?.rawValue), line.quantity.description, String(line.unitID.rawValue),
                String(line.sequence), String(line.bomID.rawValue),
            ]
            output.write(fields.joined(separator: "\t") + "\t" + audit + "\n")
        }
        output.write("\\.\n")
        output.write("COPY mrp_bom_line_product_template_attribute_value_rel (mrp_bom_line_id, product_template_attribute_value_id) FROM stdin;\n")
        for link in catalogue.bomLineValueLinks {
            output.write("\(link.ownerID.rawValue)\t\(link.valueID.rawValue)\n")
        }
        output.write("\\.\n")
    }

    /// A `DO` block that moves every table's `id` sequence past its largest id (after rows were written with
    /// explicit ids).
    public static func sequenceResetScript(version: OdooVersion) -> String {
        let tables = OdooSchema.tableNames(for: version).filter { OdooSchema.columns(of: $0, version: version).contains("create_uid") }
        return """
            DO $$
            DECLARE t text;
            BEGIN
                FOREACH t IN ARRAY ARRAY[\(tables.map { SQLText.literal($0) }.joined(separator: ", "))] LOOP
                    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), COALESCE((SELECT max(id) FROM %I), 0) + 1, false)', t, t);
                END LOOP;
            END $$;

            """
    }

    // MARK: - Naming

    /// The location's own `name`: `complete_name` minus the parent's `complete_name/` prefix (Odoo computes
    /// `complete_name` as `parent.complete_name + '/' + name` unless the location is a view or has no parent).
    static func locationName(_ location: Location, parent: Location?) -> String {
        if let parent, location.usage != .view {
            let prefix = parent.completeName + "/"
            if location.completeName.hasPrefix(prefix) { return String(location.completeName.dropFirst(prefix.count)) }
        }
        if location.usage == .view || location.parentID == nil { return location.completeName }
        return location.completeName.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? location.completeName
    }

    static func categoryName(_ id: Int32) -> String {
        switch id {
        case 1: "Unit"
        case 2: "Weight"
        default: "Category \(id)"
        }
    }

    static func unitName(_ unit: UnitOfMeasure) -> String {
        switch (unit.categoryID, factorComparedToOne(unit.factor)) {
        case (1, 0): "Units"
        case (1, -1) where unit.factor.hasPrefix("0.0833"): "Dozens"
        case (2, 0): "kg"
        case (2, 1) where unit.factor == "1000": "g"
        default: "Unit \(unit.id)"
        }
    }

    /// Odoo's `uom_type` for a factor: `reference` for 1, `bigger` below 1 (a Dozen is 1/12), `smaller` above.
    static func unitType(factor: String) -> String {
        switch factorComparedToOne(factor) {
        case 0: "reference"
        case ..<0: "bigger"
        default: "smaller"
        }
    }

    /// Compares a positive decimal text with 1 without converting it to a binary floating-point number.
    static func factorComparedToOne(_ text: String) -> Int {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts.first.map { String($0.drop { $0 == "0" || $0 == "+" }) } ?? ""
        let fraction = parts.count > 1 ? String(parts[1].reversed().drop { $0 == "0" }) : ""
        if whole.isEmpty { return -1 }
        if whole == "1" && fraction.isEmpty { return 0 }
        return 1
    }

    static func templateName(_ template: ProductTemplate, variants: [ProductVariant]) -> String {
        let noun = variants.lazy.compactMap(\.sku).first?.split(separator: "-").first.map(String.init) ?? "Product"
        let word = noun.prefix(1).uppercased() + noun.dropFirst().lowercased()
        return "\(word) \(template.id)"
    }

    /// The warehouse each location belongs to, as Odoo's stored `stock_location.warehouse_id` compute finds it:
    /// the warehouse whose view location appears in the location's `parent_path` (the deepest one wins).
    static func warehouseMembers(_ catalogue: OdooCatalogue) -> [(WarehouseID, [LocationID])] {
        // Odoo searches warehouses with the default active_test, so archived ones are skipped.
        let byView = Dictionary(
            catalogue.warehouses.filter(\.active).map { ($0.viewLocationID, $0.id) },
            uniquingKeysWith: { first, _ in first }
        )
        var members: [WarehouseID: [LocationID]] = [:]
        for location in catalogue.locations {
            guard let warehouse = location.ancestry.reversed().lazy.compactMap({ byView[$0] }).first else { continue }
            members[warehouse, default: []].append(location.id)
        }
        return members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
