import OdooFixtures
import StockCatalogue
import StockProjection
import Testing

/// The DDL follows each Odoo version's columns, and versions differ where Odoo's do.
@Suite struct SchemaTests {
    @Test func version18HasIsStorableAndNoDetailedType() {
        let ddl = OdooSchema.ddl(for: .v18)
        let template = OdooSchema.columns(of: "product_template", version: .v18)
        #expect(template.contains("is_storable"))
        #expect(template.contains("type"))
        #expect(!template.contains("detailed_type"))
        #expect(!ddl.contains("detailed_type"))
        #expect(OdooSchema.isNotNull("type", in: "product_template", version: .v18) == true)
        #expect(OdooSchema.type(of: "is_storable", in: "product_template", version: .v18) == "bool")
    }

    @Test(arguments: [OdooVersion.v16, .v17])
    func versions16And17HaveDetailedTypeAndNoIsStorable(version: OdooVersion) {
        let template = OdooSchema.columns(of: "product_template", version: version)
        #expect(template.contains("detailed_type"))
        #expect(template.contains("type"))
        #expect(!template.contains("is_storable"))
        #expect(OdooSchema.isNotNull("detailed_type", in: "product_template", version: version) == true)
        #expect(!OdooSchema.ddl(for: version).contains("is_storable"))
    }

    @Test func stockMoveColumnsFollowTheVersion() {
        let v16 = OdooSchema.columns(of: "stock_move", version: .v16)
        let v17 = OdooSchema.columns(of: "stock_move", version: .v17)
        let v18 = OdooSchema.columns(of: "stock_move", version: .v18)
        #expect(v16.contains("quantity_done") && !v16.contains("quantity") && !v16.contains("picked"))
        #expect(v17.contains("quantity") && v17.contains("picked") && !v17.contains("quantity_done") && !v17.contains("location_final_id"))
        #expect(v18.contains("quantity") && v18.contains("picked") && v18.contains("location_final_id"))
        #expect(OdooSchema.ddl(for: .v18).contains("stock_move_location_final_id_fkey"))
    }

    @Test func stockLocationDiffersWhereOdooDoes() {
        #expect(OdooSchema.columns(of: "stock_location", version: .v16).contains("return_location"))
        #expect(OdooSchema.columns(of: "stock_location", version: .v17).contains("return_location"))
        #expect(!OdooSchema.columns(of: "stock_location", version: .v18).contains("return_location"))
        for version in OdooVersion.allCases {
            let columns = OdooSchema.columns(of: "stock_location", version: version)
            for column in [
                "parent_path", "complete_name", "usage", "location_id", "company_id", "active", "scrap_location", "replenish_location",
                "warehouse_id",
            ] {
                #expect(columns.contains(column), "\(version) stock_location.\(column)")
            }
        }
        #expect(OdooSchema.ddl(for: .v16).contains("REFERENCES stock_location(id) ON DELETE CASCADE"))
        #expect(
            OdooSchema.ddl(for: .v18).contains(
                "stock_location_location_id_fkey FOREIGN KEY (location_id) REFERENCES stock_location(id) ON DELETE SET NULL"))
    }

    @Test(arguments: OdooVersion.allCases)
    func typesAndNullabilityFollowOdoo(version: OdooVersion) {
        let ddl = OdooSchema.ddl(for: version)
        #expect(OdooSchema.type(of: "quantity", in: "stock_quant", version: version) == "numeric")
        #expect(OdooSchema.isNotNull("quantity", in: "stock_quant", version: version) == false)
        #expect(OdooSchema.type(of: "reserved_quantity", in: "stock_quant", version: version) == "numeric")
        #expect(OdooSchema.isNotNull("reserved_quantity", in: "stock_quant", version: version) == true)
        #expect(OdooSchema.isNotNull("in_date", in: "stock_quant", version: version) == true)
        #expect(OdooSchema.isNotNull("company_id", in: "stock_quant", version: version) == false)
        #expect(OdooSchema.type(of: "code", in: "stock_warehouse", version: version) == "varchar(5)")
        #expect(OdooSchema.type(of: "name", in: "product_template", version: version) == "jsonb")
        #expect(OdooSchema.type(of: "name", in: "uom_uom", version: version) == "jsonb")
        #expect(OdooSchema.type(of: "name", in: "stock_location", version: version) == "varchar")
        #expect(OdooSchema.type(of: "factor", in: "uom_uom", version: version) == "numeric")
        #expect(OdooSchema.type(of: "product_qty", in: "mrp_bom_line", version: version) == "numeric")
        #expect(ddl.contains("CONSTRAINT mrp_bom_line_bom_qty_zero CHECK (product_qty >= 0)"))
        #expect(ddl.contains("CONSTRAINT mrp_bom_qty_positive CHECK (product_qty > 0)"))
        #expect(ddl.contains("CREATE TABLE mrp_bom_line_product_template_attribute_value_rel"))
        #expect(ddl.contains("CREATE TABLE product_variant_combination"))
        for table in OdooSchema.tableNames(for: version) {
            let columns = OdooSchema.columns(of: table, version: version)
            if columns.contains("create_uid") {
                #expect(ddl.contains("CREATE TABLE \(table) (\n    id serial PRIMARY KEY,"), "\(table)")
                for audit in ["create_date", "write_uid", "write_date"] { #expect(columns.contains(audit), "\(table).\(audit)") }
            }
        }
    }

    @Test(arguments: OdooVersion.allCases)
    func foreignKeysPointAtCreatedTables(version: OdooVersion) {
        let tables = Set(OdooSchema.tableNames(for: version))
        let ddl = OdooSchema.ddl(for: version)
        var count = 0
        for line in ddl.split(separator: "\n") where line.contains(" REFERENCES ") {
            count += 1
            let target = line.split(separator: " REFERENCES ")[1].split(separator: "(")[0]
            #expect(tables.contains(String(target)), "\(line)")
        }
        #expect(count > 30)
    }

    @Test func everyVersionHasCustomColumnsAndItsOwnColumnOrder() {
        for version in OdooVersion.allCases {
            let custom = OdooSchema.customColumns(for: version)
            #expect(!custom.isEmpty)
            for column in custom {
                #expect(OdooSchema.columns(of: column.table, version: version).contains(column.column), "\(version) \(column)")
            }
        }
        let orders = OdooVersion.allCases.map { OdooSchema.columns(of: "stock_quant", version: $0) }
        #expect(orders[0] != orders[1] && orders[1] != orders[2] && orders[0] != orders[2])
        for table in ["stock_location", "stock_warehouse", "product_product", "product_template", "uom_uom"] {
            let perVersion = OdooVersion.allCases.map { OdooSchema.columns(of: table, version: $0) }
            let shared = Set(perVersion[0]).intersection(perVersion[1]).intersection(perVersion[2])
            let orderOfShared = perVersion.map { $0.filter(shared.contains) }
            #expect(Set(orderOfShared).count == 3, "\(table) keeps one column order across versions")
        }
        // Apart from custom columns, 16 and 17 stock_quant have the same columns.
        let customNames = Set(OdooVersion.allCases.flatMap { OdooSchema.customColumns(for: $0) }.map(\.column))
        #expect(Set(orders[0]).subtracting(customNames) == Set(orders[1]).subtracting(customNames))
    }
}

/// The catalogue script holds every row, in Odoo's shapes.
@Suite struct CatalogueScriptTests {
    static let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 300, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 3))

    /// The data lines of a `COPY table (...) FROM stdin;` block.
    static func copyRows(_ script: String, table: String) -> [Substring] {
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("COPY \(table) (") }) else { return [] }
        let end = lines[start...].firstIndex(of: "\\.") ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    static func copyHeader(_ script: String, table: String) -> Substring? {
        script.split(separator: "\n").first { $0.hasPrefix("COPY \(table) (") }
    }

    @Test(arguments: OdooVersion.allCases)
    func holdsEveryRow(version: OdooVersion) {
        let catalogue = Self.catalogue
        let script = OdooSQL.catalogueScript(catalogue, version: version)
        #expect(script.hasPrefix("-- Catalogue"))
        #expect(script.contains("BEGIN;\n"))
        #expect(script.contains("COMMIT;\n"))
        #expect(Self.copyRows(script, table: "stock_quant").count == catalogue.quants.count)
        #expect(Self.copyRows(script, table: "stock_location").count == catalogue.locations.count)
        #expect(Self.copyRows(script, table: "stock_warehouse").count == catalogue.warehouses.count)
        #expect(Self.copyRows(script, table: "product_product").count == catalogue.variants.count)
        #expect(Self.copyRows(script, table: "product_template").count == catalogue.templates.count)
        #expect(Self.copyRows(script, table: "uom_uom").count == catalogue.units.count)
        #expect(script.contains("pg_get_serial_sequence"))
        #expect(script.contains("'stock_quant'"))
        // Every data line has as many fields as its header names.
        for table in [
            "stock_quant", "stock_location", "stock_warehouse", "product_product", "product_template", "uom_uom", "product_variant_combination",
        ] {
            guard let header = Self.copyHeader(script, table: table) else {
                Issue.record("no COPY for \(table)")
                continue
            }
            let columns = header.split(separator: "(")[1].split(separator: ")")[0].split(separator: ",").count
            for row in Self.copyRows(script, table: table) {
                #expect(row.split(separator: "\t", omittingEmptySubsequences: false).count == columns, "\(table): \(row)")
            }
        }
    }

    @Test func writesStorabilityAsTheVersionSpellsIt() throws {
        let v16 = OdooSQL.catalogueScript(Self.catalogue, version: .v16)
        let v18 = OdooSQL.catalogueScript(Self.catalogue, version: .v18)
        let header16 = try #require(Self.copyHeader(v16, table: "product_template"))
        let header18 = try #require(Self.copyHeader(v18, table: "product_template"))
        #expect(header16.contains("detailed_type, type") && !header16.contains("is_storable"))
        #expect(header18.contains("type, is_storable") && !header18.contains("detailed_type"))
        let storable = try #require(Self.catalogue.templates.first { $0.storable })
        let row16 = try #require(Self.copyRows(v16, table: "product_template").first { $0.hasPrefix("\(storable.id)\t") })
        let row18 = try #require(Self.copyRows(v18, table: "product_template").first { $0.hasPrefix("\(storable.id)\t") })
        #expect(row16.contains("\tproduct\tproduct\t"))
        #expect(row18.contains("\tconsu\tt\t"))
        #expect(row16.contains("{\"en_US\": "))
        #expect(v16.contains("return_location") && !v18.contains("return_location"))
    }

    @Test func writesLocationsAndQuantsExactly() throws {
        let catalogue = Self.catalogue
        let script = OdooSQL.catalogueScript(catalogue, version: .v17)
        let locations = Self.copyRows(script, table: "stock_location")
        let stock = try #require(catalogue.locations.first { $0.completeName == "WH/Stock" })
        let row = try #require(locations.first { $0.hasPrefix("\(stock.id)\t") }).split(separator: "\t", omittingEmptySubsequences: false)
        #expect(row[1] == "Stock")
        #expect(row[2] == "WH/Stock")
        #expect(row[6] == Substring(stock.parentPath))
        let view = try #require(locations.first { $0.hasPrefix("\(catalogue.warehouses[0].viewLocationID)\t") })
        #expect(view.split(separator: "\t")[1] == "WH")
        // Locations are linked to their warehouse after the warehouses exist.
        #expect(script.contains("UPDATE stock_location SET warehouse_id = 1 WHERE id IN (\(catalogue.warehouses[0].viewLocationID), "))
        // Quantities are the exact decimal text.
        let quants = Self.copyRows(script, table: "stock_quant")
        for (quant, row) in zip(catalogue.quants, quants) {
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(fields[0] == Substring(String(quant.id.rawValue)))
            #expect(fields[4] == Substring(quant.quantity.description))
            #expect(fields[5] == Substring(quant.reserved.description))
        }
        let units = Self.copyRows(script, table: "uom_uom")
        #expect(units.contains { $0.contains("Dozens") && $0.contains("\t0.08333333333333333\t") && $0.contains("\tbigger\t") })
        #expect(units.contains { $0.contains("\"g\"") && $0.contains("\tsmaller\t") })
    }

    @Test func escapesTextForCopyAndSQL() {
        #expect(SQLText.copyField("a\tb\\c\nd") == "a\\tb\\\\c\\nd")
        #expect(SQLText.copyField(nil as String?) == "\\N")
        #expect(SQLText.literal("O'Neil") == "'O''Neil'")
        #expect(SQLText.translated("Quote \" and \\") == "{\"en_US\": \"Quote \\\" and \\\\\"}")
        #expect(SQLText.literal(Quantity(rawValue: 1)) == "0.000001")
        #expect(SQLText.literal(Quantity(rawValue: -7_500_000)) == "-7.5")
    }
}
