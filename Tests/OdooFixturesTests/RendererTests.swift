import OdooFixtures
import StockCatalogue
import StockProjection
import Testing

/// Changes become the statements Odoo's ORM writes.
@Suite struct RendererTests {
    static let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, warehouses: 2, shelvesPerWarehouse: 1, levelsPerVariant: 2, seed: 9))
    static func transaction(_ changes: [StockChange]) -> SourceTransaction {
        SourceTransaction(checkpoint: Checkpoint(position: 1), changes: changes)
    }

    @Test func quantUpsertsUpdateExistingRowsAndInsertNewOnes() {
        var existing: Set<QuantID> = [QuantID(1)]
        let updated = Quant(
            id: QuantID(1), variantID: VariantID(3), locationID: LocationID(9), quantity: Quantity(rawValue: 12_500_001), reserved: Quantity(units: 2)
        )
        let inserted = Quant(id: QuantID(77), variantID: VariantID(4), locationID: LocationID(3), quantity: Quantity(rawValue: -1), reserved: .zero)
        let statements = OdooSQL.statements(
            for: Self.transaction([.upsertQuant(updated), .upsertQuant(inserted), .upsertQuant(inserted)]), existingQuantIDs: &existing, version: .v16
        )
        #expect(statements.count == 3)
        #expect(
            statements[0]
                == "UPDATE stock_quant SET quantity = 12.500001, reserved_quantity = 2, write_uid = 1, write_date = (now() at time zone 'utc') WHERE id = 1"
        )
        #expect(statements[1].hasPrefix("INSERT INTO stock_quant (id, product_id, location_id, company_id, quantity, reserved_quantity, in_date,"))
        #expect(statements[1].contains("VALUES (77, 4, 3, (SELECT company_id FROM stock_location WHERE id = 3), -0.000001, 0, "))
        #expect(statements[2].hasPrefix("UPDATE stock_quant SET quantity = -0.000001"))
        #expect(existing == [QuantID(1), QuantID(77)])
    }

    @Test func quantDeletesAndTruncates() {
        var existing: Set<QuantID> = [QuantID(1), QuantID(2)]
        let statements = OdooSQL.statements(for: Self.transaction([.deleteQuant(QuantID(2))]), existingQuantIDs: &existing, version: .v18)
        #expect(statements == ["DELETE FROM stock_quant WHERE id = 2"])
        #expect(existing == [QuantID(1)])
        let truncate = OdooSQL.statements(for: Self.transaction([.truncate(.quants)]), existingQuantIDs: &existing, version: .v18)
        #expect(truncate == ["TRUNCATE stock_quant"])
        #expect(existing.isEmpty)
    }

    @Test func transactionScriptWrapsInBeginAndCommit() {
        var existing: Set<QuantID> = []
        let quant = Quant(id: QuantID(5), variantID: VariantID(1), locationID: LocationID(9), quantity: Quantity(units: 1), reserved: .zero)
        let script = OdooSQL.transactionScript(
            for: Self.transaction([.upsertQuant(quant), .deleteQuant(QuantID(5))]), existingQuantIDs: &existing, version: .v17)
        #expect(script.hasPrefix("BEGIN;\nINSERT INTO stock_quant "))
        #expect(script.hasSuffix(";\nDELETE FROM stock_quant WHERE id = 5;\nCOMMIT;\n"))
        var empty: Set<QuantID> = []
        #expect(OdooSQL.transactionScript(for: Self.transaction([]), existingQuantIDs: &empty, version: .v17) == "BEGIN;\nCOMMIT;\n")
    }

    @Test func reparentingALocationUpdatesItsPathNameAndWarehouse() throws {
        let catalogue = Self.catalogue
        var renderer = OdooChangeRenderer(version: .v16, catalogue: catalogue)
        let shelf = try #require(catalogue.locations.first { $0.completeName == "WH/Stock/Shelf 1" })
        let target = try #require(catalogue.locations.first { $0.completeName == "WH2/Stock" })
        var moved = shelf
        moved.parentID = target.id
        moved.parentPath = target.parentPath + "\(shelf.id)/"
        moved.completeName = "WH2/Stock/Shelf 1"
        let statements = renderer.statements(for: .upsertLocation(moved))
        #expect(statements.count == 1)
        let sql = statements[0]
        #expect(
            sql.hasPrefix(
                "UPDATE stock_location SET complete_name = 'WH2/Stock/Shelf 1', location_id = \(target.id), parent_path = '\(moved.parentPath)', warehouse_id = (SELECT w.id FROM stock_warehouse w"
            ))
        #expect(!sql.contains("name = 'Shelf 1'"))  // the name itself did not change
        #expect(!sql.contains("usage ="))
        #expect(sql.hasSuffix("WHERE id = \(shelf.id)"))

        var renamed = moved
        renamed.completeName = "WH2/Stock/Bay A"
        let rename = renderer.statements(for: .upsertLocation(renamed))[0]
        #expect(rename.hasPrefix("UPDATE stock_location SET name = 'Bay A', complete_name = 'WH2/Stock/Bay A', write_uid = 1"))
    }

    @Test func archivingWritesActiveFalse() throws {
        let catalogue = Self.catalogue
        var renderer = OdooChangeRenderer(version: .v17, catalogue: catalogue)
        var variant = try #require(catalogue.variants.first { $0.active })
        variant.active = false
        #expect(
            renderer.statements(for: .upsertVariant(variant))
                == ["UPDATE product_product SET active = false, write_uid = 1, write_date = (now() at time zone 'utc') WHERE id = \(variant.id)"]
        )
        var warehouse = catalogue.warehouses[1]
        warehouse.active = false
        #expect(
            renderer.statements(for: .upsertWarehouse(warehouse))
                == ["UPDATE stock_warehouse SET active = false, write_uid = 1, write_date = (now() at time zone 'utc') WHERE id = \(warehouse.id)"]
        )
    }

    @Test(arguments: OdooVersion.allCases)
    func storabilityIsWrittenAsTheVersionSpellsIt(version: OdooVersion) throws {
        let catalogue = Self.catalogue
        var renderer = OdooChangeRenderer(version: version, catalogue: catalogue)
        var template = try #require(catalogue.templates.first { $0.storable })
        template.storable = false
        let sql = try #require(renderer.statements(for: .upsertTemplate(template)).first)
        switch version {
        case .v16, .v17:
            #expect(sql.hasPrefix("UPDATE product_template SET detailed_type = 'consu', type = 'consu', write_uid = 1"))
        case .v18:
            #expect(sql.hasPrefix("UPDATE product_template SET is_storable = false, write_uid = 1"))
        }
        template.storable = true
        let back = try #require(renderer.statements(for: .upsertTemplate(template)).first)
        #expect(back.contains(version.hasIsStorable ? "is_storable = true" : "detailed_type = 'product', type = 'product'"))
    }

    @Test func unknownRowsWithoutACatalogueBecomeUpserts() {
        var existing: Set<QuantID> = []
        let location = Location(
            id: LocationID(500), parentID: LocationID(9), parentPath: "1/8/9/500/", completeName: "WH/Stock/Bin", usage: .internal,
            companyID: CompanyID(1), active: true
        )
        let statements = OdooSQL.statements(for: Self.transaction([.upsertLocation(location)]), existingQuantIDs: &existing, version: .v18)
        #expect(statements.count == 1)
        #expect(
            statements[0].hasPrefix(
                "INSERT INTO stock_location (id, name, complete_name, usage, location_id, parent_path, company_id, active, warehouse_id, create_uid"))
        #expect(statements[0].contains("VALUES (500, 'Bin', 'WH/Stock/Bin', 'internal', 9, '1/8/9/500/', 1, true, (SELECT w.id"))
        #expect(statements[0].contains(" ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"))
    }

    @Test func newRowsWithACatalogueArePlainInserts() {
        var renderer = OdooChangeRenderer(version: .v16, catalogue: Self.catalogue)
        let template = ProductTemplate(id: TemplateID(999), storable: true, unitID: UnitID(1), active: true)
        let sql = renderer.statements(for: .upsertTemplate(template))[0]
        #expect(
            sql.hasPrefix(
                "INSERT INTO product_template (id, name, detailed_type, type, uom_id, uom_po_id, active, categ_id, tracking, sale_ok, purchase_ok, create_uid"
            ))
        #expect(sql.contains("'{\"en_US\": \"Product 999\"}'"))
        #expect(!sql.contains("ON CONFLICT"))
    }

    @Test func operationsRenderWithoutLosingPrecision() {
        let catalogue = Self.catalogue
        var operations = OdooOperations(catalogue: catalogue, seed: 4)
        var renderer = OdooChangeRenderer(version: .v18, catalogue: catalogue)
        var kinds: Set<String> = []
        for _ in 0..<300 {
            let transaction = operations.next()
            let statements = renderer.statements(for: transaction)
            #expect(statements.count == transaction.changes.count)
            for (change, sql) in zip(transaction.changes, statements) {
                switch change {
                case .upsertQuant(let quant):
                    #expect(sql.contains("\(quant.quantity.description), ") || sql.contains("quantity = \(quant.quantity.description),"))
                    kinds.insert(sql.hasPrefix("UPDATE") ? "update" : "insert")
                case .deleteQuant(let id):
                    #expect(sql == "DELETE FROM stock_quant WHERE id = \(id)")
                    kinds.insert("delete")
                default: Issue.record("unexpected \(change)")
                }
            }
        }
        #expect(kinds == ["update", "insert", "delete"])
        #expect(renderer.existingQuantIDs == Set(operations.quants.keys))
    }
}

/// The oracle SQL picks Odoo's roots.
@Suite struct OracleQueryTests {
    @Test func rootsFollowOdoosContext() {
        #expect(OdooOracle.rootsQuery(.everywhere).hasSuffix("WHERE w.active"))
        #expect(OdooOracle.rootsQuery(.warehouse(WarehouseID(2))).hasSuffix("WHERE w.id = 2"))
        #expect(OdooOracle.rootsQuery(.location(LocationID(7))) == "SELECT parent_path FROM stock_location WHERE id = 7")
        let union = OdooOracle.rootsQuery(.union([.location(LocationID(3)), .warehouse(WarehouseID(1))]))
        #expect(union.contains(") UNION ALL ("))
        let query = OdooOracle.query(.everywhere)
        #expect(query.contains("l.parent_path LIKE r.parent_path || '%'"))
        #expect(query.contains("coalesce(sum(s.quantity), 0) AS on_hand"))
        #expect(query.contains("FROM product_product p"))
        #expect(!OdooOracle.query(.everywhere, allVariants: false).contains("product_product"))
        #expect(!query.contains("usage"))
    }

    @Test func parsesPsqlOutput() throws {
        let rows = try OdooOracle.parse("1|12.500000|2\n2|0|0\n3|-384.000|0.5\n")
        #expect(rows.count == 3)
        #expect(rows[0] == OdooOracle.Row(variantID: VariantID(1), onHand: Quantity(rawValue: 12_500_000), reserved: Quantity(units: 2)))
        #expect(rows[2].onHand == Quantity(units: -384))
        #expect(rows[2].free == Quantity(rawValue: -384_500_000))
        #expect(throws: OdooOracle.ParseError.self) { try OdooOracle.parse("1|x|0") }
        #expect(throws: OdooOracle.ParseError.self) { try OdooOracle.parse("1|2") }
    }
}
