import StockCatalogue
import Testing

@testable import StockProjection

/// After thousands of random Odoo-style transactions, every figure equals the reference recomputation from
/// the raw quant rows, for every variant and every scope.
@Suite struct OracleTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func figuresEqualTheReferenceAfterRandomOperations(seed: UInt64) throws {
        let catalogue = OdooCatalogue(
            shape: CatalogueShape(variants: 150, warehouses: 3, shelvesPerWarehouse: 2, levelsPerVariant: 3, kits: 0, seed: seed))
        let rules = QuarantineRules(namePatterns: ["*/Quality Control", "*/Damaged"])
        let projection = StockProjection(state: ProjectionState(settings: ProjectionSettings(quarantine: rules)))
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 1), changes: catalogue.allChanges)])
        var operations = OdooOperations(catalogue: catalogue, seed: seed)
        var batch: [SourceTransaction] = []
        for index in 0..<3_000 {
            batch.append(operations.next())
            if index % 7 == 0 {
                try projection.apply(batch)
                batch.removeAll()
            }
        }
        try projection.apply(batch)

        let reference = ReferenceFigures(locations: catalogue.locations, warehouses: catalogue.warehouses) { location in
            rules.namePatterns.contains { Glob.matches(pattern: $0, text: location.completeName) }
        }
        let snapshot = projection.snapshot()
        let quants = Array(operations.quants.values)
        var scopes: [StockScope] = [
            .everywhere, .location(OdooCatalogue.Standard.vendors), .location(OdooCatalogue.Standard.customers),
            .location(OdooCatalogue.Standard.scrap),
        ]
        scopes += catalogue.warehouses.map { .warehouse($0.id) }
        scopes += catalogue.stockLocations.map { .location($0) }
        #expect(snapshot.counts.quants == quants.count)
        for scope in scopes {
            let resolved = try snapshot.resolve(scope)
            for variant in catalogue.variants {
                let expected = reference.figures(variant: variant.id, scope: scope, quants: quants)
                let actual = snapshot.figures(for: variant.id, in: resolved)
                #expect(actual == expected, "variant \(variant.id) in \(scope)")
            }
        }
    }
}
