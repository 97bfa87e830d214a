import Foundation
import OdooFixtures
import StockCatalogue
import StockProjection
import Testing

/// The manufacturing tables in the DDL, and catalogues with kits: their shape, determinism and SQL load.
@Suite struct KitCatalogueTests {
    static let shape = CatalogueShape(variants: 800, warehouses: 2, shelvesPerWarehouse: 1, levelsPerVariant: 2, kits: 16, seed: 3)

    @Test(arguments: OdooVersion.allCases)
    func ddlHasTheManufacturingAndAttributeTables(version: OdooVersion) {
        let tables = OdooSchema.tableNames(for: version)
        for table in [
            "mrp_bom", "mrp_bom_line", "product_attribute", "product_attribute_value", "product_template_attribute_line",
            "product_template_attribute_value", "product_variant_combination", "mrp_bom_line_product_template_attribute_value_rel",
        ] {
            #expect(tables.contains(table), "\(table) in Odoo \(version)")
        }
        #expect(OdooSchema.isNotNull("consumption", in: "mrp_bom", version: version) == true)
        #expect(OdooSchema.isNotNull("ready_to_produce", in: "mrp_bom", version: version) == true)
        #expect(OdooSchema.isNotNull("product_qty", in: "mrp_bom", version: version) == true)
        #expect(OdooSchema.isNotNull("product_id", in: "mrp_bom", version: version) == false)
        #expect(OdooSchema.columns(of: "mrp_bom", version: version).contains("create_uid"))
        #expect(OdooSchema.columns(of: "mrp_bom_line", version: version).contains("product_tmpl_id"))
        #expect(OdooSchema.columns(of: "mrp_bom_line", version: version).contains("company_id"))
        #expect(!OdooSchema.columns(of: "product_variant_combination", version: version).contains("create_uid"))
        let ddl = OdooSchema.ddl(for: version)
        #expect(ddl.contains("PRIMARY KEY (product_product_id, product_template_attribute_value_id)"))
        #expect(ddl.contains("PRIMARY KEY (mrp_bom_line_id, product_template_attribute_value_id)"))
        // The oracle orders BoMs through product.product's _order: priority (16/17) or is_favorite (18).
        let template = OdooSchema.columns(of: "product_template", version: version)
        #expect(template.contains(version >= .v18 ? "is_favorite" : "priority"))
        #expect(!template.contains(version >= .v18 ? "priority" : "is_favorite"))
    }

    @Test func kitsAreGeneratedAsAsked() throws {
        let catalogue = OdooCatalogue(shape: Self.shape)
        #expect(catalogue.variants.count == Self.shape.variants)
        let kits = catalogue.boms.filter(\.isKit)
        #expect(kits.count == 16)
        #expect(catalogue.boms.contains { !$0.isKit })
        let kitVariants = catalogue.variants.filter { catalogue.kitTemplates.contains($0.templateID) }
        #expect(kitVariants.allSatisfy { $0.sku?.hasPrefix("KIT-") == true })
        let kitIDs = Set(kitVariants.map(\.id))
        #expect(!catalogue.quants.contains { kitIDs.contains($0.variantID) })
        // 2 to 6 lines, some quantities above 1, Dozens, BoMs for 2, nested kits, a consumable, restricted lines.
        for bom in kits {
            let count = catalogue.bomLines.filter { $0.bomID == bom.id }.count
            #expect((2...8).contains(count), "BoM \(bom.id) has \(count) lines")
        }
        #expect(catalogue.bomLines.contains { $0.quantity > Quantity(units: 1) })
        #expect(catalogue.bomLines.contains { $0.unitID == UnitID(2) })
        #expect(kits.contains { $0.quantity > Quantity(units: 1) })
        #expect(catalogue.bomLines.contains { kitIDs.contains($0.componentID) })
        let consumable = Set(catalogue.templates.filter { !$0.storable }.map(\.id))
        let templateOf = Dictionary(catalogue.variants.map { ($0.id, $0.templateID) }, uniquingKeysWith: { $1 })
        #expect(catalogue.bomLines.contains { consumable.contains(templateOf[$0.componentID]!) })
        #expect(!catalogue.bomLineValueLinks.isEmpty)
        let ptavs = Set(catalogue.attributeValues.map(\.id))
        #expect(catalogue.bomLineValueLinks.allSatisfy { ptavs.contains($0.valueID) })
        #expect(kits.contains { bom in bom.variantID == nil && kitVariants.filter { $0.templateID == bom.templateID }.count > 1 })

        // Deterministic for a seed; none when asked for none; the default is about 1 %.
        let again = OdooCatalogue(shape: Self.shape)
        #expect(again.boms == catalogue.boms && again.bomLines == catalogue.bomLines && again.bomLineValueLinks == catalogue.bomLineValueLinks)
        let none = OdooCatalogue(shape: CatalogueShape(variants: 800, kits: 0, seed: 3))
        #expect(none.boms.isEmpty && none.bomLines.isEmpty && none.kitTemplates.isEmpty)
        #expect(CatalogueShape(variants: 1_000).kits == 10)
        #expect(CatalogueShape(variants: 100).kits >= 3)
        #expect(CatalogueShape(variants: 50).kits == 0)
    }

    @Test func operationsIncludeBoMEdits() {
        let catalogue = OdooCatalogue(shape: Self.shape)
        var operations = OdooOperations(catalogue: catalogue, seed: 9)
        var edits = 0
        var kinds = Set<String>()
        for _ in 0..<4_000 {
            for change in operations.next().changes {
                switch change {
                case .upsertBoMLine:
                    kinds.insert("line")
                    edits += 1
                case .deleteBoMLine:
                    kinds.insert("delete")
                    edits += 1
                case .upsertBoM:
                    kinds.insert("bom")
                    edits += 1
                case .upsertTemplate:
                    kinds.insert("template")
                    edits += 1
                default: break
                }
            }
        }
        #expect(kinds == ["line", "delete", "bom", "template"])
        #expect((10...400).contains(edits), "\(edits) BoM edits in 4,000 transactions")
        // Kits never get stock from the operations.
        let kitIDs = Set(catalogue.variants.filter { catalogue.kitTemplates.contains($0.templateID) }.map(\.id))
        #expect(!operations.quants.values.contains { kitIDs.contains($0.variantID) })
    }

    @Test(arguments: OdooVersion.allCases)
    func catalogueWithKitsLoadsIntoPostgres(version: OdooVersion) throws {
        guard Psql.isAvailable else { return }  // the SQL part needs STOCKD_TEST_PGPORT (always runs under CI)
        let port = Psql.portOrDefault
        let catalogue = OdooCatalogue(shape: Self.shape)
        let database = try Psql.createDatabase(port: port, prefix: "stockd_kits_\(version.major)")
        defer { database.drop() }
        try database.run(OdooSchema.ddl(for: version))
        try database.run(OdooSQL.catalogueScript(catalogue, version: version))
        func count(_ sql: String) throws -> String { try database.run(sql).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try count("SELECT count(*) FROM mrp_bom WHERE type = 'phantom'") == String(catalogue.boms.filter(\.isKit).count))
        #expect(try count("SELECT count(*) FROM mrp_bom_line") == String(catalogue.bomLines.count))
        #expect(try count("SELECT count(*) FROM mrp_bom_line_product_template_attribute_value_rel") == String(catalogue.bomLineValueLinks.count))
        #expect(try count("SELECT count(*) FROM product_variant_combination") == String(catalogue.variantValueLinks.count))
        #expect(try count("SELECT count(*) FROM product_template_attribute_value") == String(catalogue.attributeValues.count))
        // Stored related columns agree with their sources; restricted lines point at their BoM template's values.
        #expect(
            try count(
                "SELECT count(*) FROM mrp_bom_line l JOIN product_product p ON p.id = l.product_id WHERE l.product_tmpl_id <> p.product_tmpl_id")
                == "0")
        #expect(
            try count("SELECT count(*) FROM mrp_bom_line l JOIN mrp_bom b ON b.id = l.bom_id WHERE l.company_id IS DISTINCT FROM b.company_id") == "0"
        )
        #expect(
            try count(
                """
                SELECT count(*) FROM mrp_bom_line_product_template_attribute_value_rel r JOIN mrp_bom_line l ON l.id = r.mrp_bom_line_id
                JOIN mrp_bom b ON b.id = l.bom_id JOIN product_template_attribute_value v ON v.id = r.product_template_attribute_value_id
                WHERE v.product_tmpl_id <> b.product_tmpl_id OR b.product_id IS NOT NULL
                """
            ) == "0"
        )
        #expect(
            try count("SELECT count(*) FROM stock_quant q JOIN product_product p ON p.id = q.product_id WHERE p.default_code LIKE 'KIT-%'") == "0")
        // The sequences moved past the rows, so Odoo-style inserts of new BoM lines work.
        #expect(try count("SELECT nextval('mrp_bom_line_id_seq')") == String(catalogue.bomLines.count + 1))

        // BoM edits rendered as SQL apply cleanly.
        var operations = OdooOperations(catalogue: catalogue, seed: 4)
        var renderer = OdooChangeRenderer(version: version, catalogue: catalogue)
        var script = ""
        for _ in 0..<60 { script += renderer.transactionScript(for: operations.next(.bomEdit)) }
        try database.run(script)
    }
}
