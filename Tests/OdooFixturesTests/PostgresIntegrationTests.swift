import Foundation
import OdooFixtures
import StockCatalogue
import StockProjection
import Testing

/// Against a real PostgreSQL (run with `scripts/pg-test.sh start && eval "$(scripts/pg-test.sh env)" &&
/// STOCKD_TEST_PGPORT=$PGPORT swift test --filter OdooFixturesTests`): the schema and catalogue load, Odoo-style
/// operations rendered as SQL keep the table equal to the generator's truth, and the oracle SQL gives the same
/// figures as ``ReferenceFigures`` for every variant in every scope.
@Suite(.enabled(if: Psql.isAvailable))
struct PostgresIntegrationTests {
    static let shape = CatalogueShape(variants: 1_500, warehouses: 3, shelvesPerWarehouse: 2, levelsPerVariant: 3, seed: 11)

    @Test(arguments: OdooVersion.allCases)
    func operationsReplayedThroughSQLMatchTheReference(version: OdooVersion) throws {
        let port = try #require(Psql.port)
        let catalogue = OdooCatalogue(shape: Self.shape)
        let versionTag = version.rawValue.split(separator: ".")[0]
        let database = try Psql.createDatabase(port: port, prefix: "stockd_fixture_\(versionTag)")
        defer { database.drop() }

        try database.run(OdooSchema.ddl(for: version))
        try database.run(OdooSQL.catalogueScript(catalogue, version: version))

        // The catalogue landed as Odoo computes it.
        try expectLocations(in: database, equal: catalogue.locations, warehouses: catalogue.warehouses)
        try expectQuants(in: database, equal: catalogue.quants)
        try expectFigures(
            in: database, catalogue: catalogue, locations: catalogue.locations, warehouses: catalogue.warehouses, quants: catalogue.quants)
        let storableColumn =
            version.hasIsStorable ? "sum(is_storable::int)" : "count(*) FILTER (WHERE type = 'product' AND detailed_type = 'product')"
        let storable = try database.run("SELECT \(storableColumn) FROM product_template;").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(storable == String(catalogue.templates.filter(\.storable).count))
        let nextID = try database.run("SELECT nextval('stock_quant_id_seq');").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(nextID == String(catalogue.quants.count + 1))

        // A few hundred Odoo-style transactions, half rendered by the stateful renderer, half by the static API.
        var operations = OdooOperations(catalogue: catalogue, seed: 5)
        var renderer = OdooChangeRenderer(version: version, catalogue: catalogue)
        var script = ""
        for index in 0..<400 {
            let transaction = operations.next()
            if index.isMultiple(of: 2) {
                script += renderer.transactionScript(for: transaction)
            } else {
                script += OdooSQL.transactionScript(for: transaction, existingQuantIDs: &renderer.existingQuantIDs, version: version)
            }
        }
        for kind in [OdooOperations.Kind.merge, .cleanUp, .reservation] {
            for _ in 0..<40 { script += renderer.transactionScript(for: operations.next(kind)) }
        }
        try database.run(script)
        let quants = Array(operations.quants.values)
        try expectQuants(in: database, equal: quants)
        try expectFigures(in: database, catalogue: catalogue, locations: catalogue.locations, warehouses: catalogue.warehouses, quants: quants)

        // Structure changes: re-parent a shelf into another warehouse, rename a location, archive a warehouse,
        // a variant, and flip a template's storability.
        var locations = catalogue.locations
        var warehouses = catalogue.warehouses
        let shelfIndex = try #require(locations.firstIndex { $0.completeName == "WH/Stock/Shelf 1" })
        let target = try #require(locations.first { $0.completeName == "WH2/Stock" })
        locations[shelfIndex].parentID = target.id
        locations[shelfIndex].parentPath = target.parentPath + "\(locations[shelfIndex].id)/"
        locations[shelfIndex].completeName = "WH2/Stock/Shelf 1"
        let renamedIndex = try #require(locations.firstIndex { $0.completeName == "WH3/Stock/Shelf 2" })
        locations[renamedIndex].completeName = "WH3/Stock/Bay 9"
        warehouses[2].active = false
        let stocked = Set(operations.quants.values.map(\.variantID))
        var variant = try #require(catalogue.variants.first { $0.active && stocked.contains($0.id) })
        variant.active = false
        var template = try #require(catalogue.templates.first { $0.storable })
        template.storable = false
        let structural = SourceTransaction(
            checkpoint: Checkpoint(position: 1),
            changes: [
                .upsertLocation(locations[shelfIndex]), .upsertLocation(locations[renamedIndex]), .upsertWarehouse(warehouses[2]),
                .upsertVariant(variant), .upsertTemplate(template),
            ]
        )
        try database.run(renderer.transactionScript(for: structural))
        try expectLocations(in: database, equal: locations, warehouses: warehouses)
        #expect(try database.run("SELECT active FROM product_product WHERE id = \(variant.id);").hasPrefix("f"))
        let flipped = version.hasIsStorable ? "is_storable::text" : "detailed_type || '/' || type"
        #expect(
            try database.run("SELECT \(flipped) FROM product_template WHERE id = \(template.id);").hasPrefix(
                version.hasIsStorable ? "false" : "consu/consu"))
        #expect(try database.run("SELECT name FROM stock_location WHERE id = \(locations[renamedIndex].id);").hasPrefix("Bay 9"))
        try expectFigures(in: database, catalogue: catalogue, locations: locations, warehouses: warehouses, quants: quants)

        // Rows the static API does not know become upserts; a truncate empties the quants.
        var existing = renderer.existingQuantIDs
        let bin = Location(
            id: LocationID(5_000), parentID: target.id, parentPath: target.parentPath + "5000/", completeName: "WH2/Stock/Bin",
            usage: .internal, companyID: CompanyID(1), active: true
        )
        let newQuant = Quant(
            id: QuantID(900_000), variantID: catalogue.variants[0].id, locationID: bin.id, quantity: Quantity(rawValue: 1_234_567), reserved: .zero)
        let upserts = SourceTransaction(
            checkpoint: Checkpoint(position: 2), changes: [.upsertLocation(bin), .upsertLocation(bin), .upsertQuant(newQuant)])
        try database.run(OdooSQL.transactionScript(for: upserts, existingQuantIDs: &existing, version: version))
        let binRow = try database.run("SELECT name, complete_name, warehouse_id FROM stock_location WHERE id = 5000;")
        #expect(binRow.hasPrefix("Bin|WH2/Stock/Bin|2"))
        #expect(try database.run("SELECT quantity, company_id FROM stock_quant WHERE id = 900000;").hasPrefix("1.234567|1"))
        let truncate = SourceTransaction(checkpoint: Checkpoint(position: 3), changes: [.truncate(.quants)])
        try database.run(OdooSQL.transactionScript(for: truncate, existingQuantIDs: &existing, version: version))
        #expect(try database.run("SELECT count(*) FROM stock_quant;").hasPrefix("0"))
        #expect(existing.isEmpty)
    }

    // MARK: - Checks

    private func expectLocations(in database: Psql, equal locations: [Location], warehouses: [Warehouse]) throws {
        let output = try database.run(
            "SELECT id, coalesce(location_id::text, ''), parent_path, complete_name, coalesce(warehouse_id::text, '') FROM stock_location ORDER BY id;"
        )
        let rows = output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        let expected = locations.sorted { $0.id < $1.id }
        #expect(rows.count == expected.count)
        let activeViews = Dictionary(warehouses.filter(\.active).map { ($0.viewLocationID, $0.id) }, uniquingKeysWith: { first, _ in first })
        let allViews = Dictionary(warehouses.map { ($0.viewLocationID, $0.id) }, uniquingKeysWith: { first, _ in first })
        for (row, location) in zip(rows, expected) {
            #expect(row[0] == String(location.id.rawValue))
            #expect(row[1] == (location.parentID.map { String($0.rawValue) } ?? ""), "location_id of \(location.completeName)")
            #expect(row[2] == location.parentPath, "parent_path of \(location.completeName)")
            #expect(row[3] == location.completeName)
            // warehouse_id is recomputed only for rows that were written; an archived warehouse keeps its locations.
            let warehouse = location.ancestry.reversed().lazy.compactMap { activeViews[$0] ?? allViews[$0] }.first
            #expect(row[4] == (warehouse.map { String($0.rawValue) } ?? ""), "warehouse_id of \(location.completeName)")
        }
    }

    private func expectQuants(in database: Psql, equal quants: [Quant]) throws {
        let output = try database.run("SELECT id, product_id, location_id, quantity, reserved_quantity FROM stock_quant ORDER BY id;")
        var actual: [Quant] = []
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            actual.append(
                Quant(
                    id: QuantID(Int32(fields[0])!), variantID: VariantID(Int32(fields[1])!), locationID: LocationID(Int32(fields[2])!),
                    quantity: try Quantity(parsing: fields[3]), reserved: try Quantity(parsing: fields[4])
                )
            )
        }
        let expected = quants.sorted { $0.id < $1.id }
        #expect(actual.count == expected.count)
        let mismatches = zip(actual, expected).filter { $0 != $1 }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(3))")
    }

    private func expectFigures(
        in database: Psql, catalogue: OdooCatalogue, locations: [Location], warehouses: [Warehouse], quants: [Quant]
    ) throws {
        let reference = ReferenceFigures(locations: locations, warehouses: warehouses)
        var quantsByVariant: [VariantID: [Quant]] = [:]
        for quant in quants { quantsByVariant[quant.variantID, default: []].append(quant) }
        var scopes: [StockScope] = [.everywhere]
        scopes += warehouses.map { .warehouse($0.id) }
        scopes += [
            .location(OdooCatalogue.Standard.vendors), .location(OdooCatalogue.Standard.customers), .location(OdooCatalogue.Standard.scrap),
            .location(OdooCatalogue.Standard.physical), .location(warehouses[0].stockLocationID), .location(warehouses[1].viewLocationID),
            .location(catalogue.stockLocations[1]), .union([.warehouse(warehouses[0].id), .location(OdooCatalogue.Standard.vendors)]),
        ]
        var nonZero = 0
        for scope in scopes {
            let rows = try OdooOracle.parse(try database.run(OdooOracle.query(scope) + ";"))
            #expect(rows.count == catalogue.variants.count, "\(scope)")
            let byVariant = Dictionary(rows.map { ($0.variantID, $0) }, uniquingKeysWith: { $1 })
            var mismatches: [String] = []
            for variant in catalogue.variants {
                let expected = reference.figures(variant: variant.id, scope: scope, quants: quantsByVariant[variant.id] ?? [])
                let actual = byVariant[variant.id]
                if actual?.onHand != expected.onHand || actual?.reserved != expected.reserved {
                    mismatches.append("variant \(variant.id): oracle \(String(describing: actual)) reference \(expected.onHand)/\(expected.reserved)")
                }
                if expected.onHand != .zero { nonZero += 1 }
            }
            #expect(mismatches.isEmpty, "\(scope): \(mismatches.count) mismatches, e.g. \(mismatches.prefix(3))")
        }
        #expect(nonZero > catalogue.variants.count, "the scopes hold stock")
    }
}
