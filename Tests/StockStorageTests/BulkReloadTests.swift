import StockCatalogue
import StockProjection
import TestSupport
import Testing

@testable import StockStorage

/// The bulk reload (`load(settings:)`) against the row-by-row reference (`loadRowByRow(settings:)`, every row
/// through the replication apply path) on the same stores: random catalogues with kits, quarantine, shared and
/// long SKUs, inactive and deleted rows, open moves; then the same operations applied to both states, which
/// exercises the owner tables and indexes the bulk load built.
@Suite struct BulkReloadTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func bulkReloadAnswersExactlyAsTheRowByRowReload(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let directory = TemporaryDirectory()
        let variantCount = Int.random(in: 200...1_500, using: &random)
        let catalogue = OdooCatalogue(
            shape: CatalogueShape(
                variants: variantCount, warehouses: Int.random(in: 1...4, using: &random), levelsPerVariant: Int.random(in: 1...5, using: &random),
                seed: seed))
        let settings = ProjectionSettings(quarantine: QuarantineRules(namePatterns: ["*/Shelf 1"]))
        let live = StockProjection(state: ProjectionState(settings: settings))
        let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 22)
        try live.apply([SourceTransaction(checkpoint: Checkpoint(position: 10, commitTime: 7), changes: catalogue.allChanges)], persistingTo: store)
        var operations = OdooOperations(catalogue: catalogue, seed: seed)
        operations.moveRate = 3
        for _ in 0..<60 { try live.apply((0..<10).map { _ in operations.next() }, persistingTo: store) }
        // Catalogue edits the generator does not make: shared, long and non-ASCII SKUs, missing barcodes,
        // inactive and deleted variants and templates, a quant of an unknown variant, a quant and a move of a
        // negative variant id (which have nowhere to live).
        var edits: [StockChange] = []
        for variant in catalogue.variants.shuffled(using: &random).prefix(variantCount / 3) {
            var edited = variant
            switch Int.random(in: 0..<6, using: &random) {
            case 0: edited.sku = "SHARED-\(Int.random(in: 0..<5, using: &random))"
            case 1: edited.sku = "a-very-long-sku-that-does-not-fit-inline-\(variant.id.rawValue)-Ünïcødé-ß"
            case 2: edited.barcode = nil
            case 3: edited.active = false
            case 4: edited.sku = nil
            default:
                edits.append(.deleteVariant(variant.id))
                continue
            }
            edits.append(.upsertVariant(edited))
        }
        if var template = catalogue.templates.first {
            template.active = false
            edits.append(.upsertTemplate(template))
        }
        let (shelf, five) = (catalogue.stockLocations[0], Quantity(rawValue: 5))
        edits.append(.upsertQuant(Quant(id: QuantID(9_000_000), variantID: VariantID(8_000_000), locationID: shelf, quantity: five, reserved: .zero)))
        edits.append(.upsertQuant(Quant(id: QuantID(9_000_001), variantID: VariantID(-3), locationID: shelf, quantity: five, reserved: .zero)))
        edits.append(
            .upsertMove(
                StockMove(
                    id: MoveID(9_000_002), variantID: VariantID(-3), quantity: Quantity(rawValue: 1), state: .confirmed,
                    sourceID: catalogue.stockLocations[0],
                    destinationID: OdooCatalogue.Standard.customers, date: 0)))
        try live.apply([SourceTransaction(checkpoint: Checkpoint(position: 999_999), changes: edits)], persistingTo: store)
        for _ in 0..<20 { try live.apply((0..<10).map { _ in operations.next() }, persistingTo: store) }

        let bulk = StockProjection(state: try store.load(settings: settings))
        let reference = StockProjection(state: try store.loadRowByRow(settings: settings))
        let maxVariant = catalogue.variants.map(\.id.rawValue).max()! + 2
        try expectSameAnswers(bulk.snapshot(), reference.snapshot(), variants: maxVariant, moves: operations.nextMoveID)
        #expect(bulk.snapshot().counts == live.snapshot().counts)
        #expect(bulk.snapshot().openMoveCount == live.snapshot().openMoveCount)

        // The same operations on both: quant deletes and move closes find their owners, upserts their indexes.
        var more = operations
        for _ in 0..<30 {
            let batch = (0..<10).map { _ in more.next() }
            try bulk.apply(batch)
            try reference.apply(batch)
        }
        try expectSameAnswers(bulk.snapshot(), reference.snapshot(), variants: maxVariant, moves: more.nextMoveID)
    }

    @Test func anEmptyStoreBulkLoadsToAnEmptyState() throws {
        let directory = TemporaryDirectory()
        let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
        let (bulk, reference) = (try store.load(), try store.loadRowByRow())
        let (a, b) = (StockProjection(state: bulk).snapshot(), StockProjection(state: reference).snapshot())
        #expect(a.counts == b.counts)
        #expect(a.checkpoint == nil && b.checkpoint == nil)
        #expect(a.openMoveCount == 0)
    }

    /// Compares everything a client can ask of two snapshots for variant ids below `variants` and move ids below
    /// `moves`.
    private func expectSameAnswers(_ a: ProjectionSnapshot, _ b: ProjectionSnapshot, variants: Int32, moves: Int32) throws {
        #expect(a.checkpoint == b.checkpoint)
        #expect(a.changeCursor == b.changeCursor)
        #expect(a.counts == b.counts)
        #expect(a.openMoveCount == b.openMoveCount)
        #expect(a.invalidKitCount == b.invalidKitCount)
        var scopes: [StockScope] = [.everywhere, .location(OdooCatalogue.Standard.vendors)]
        for warehouse in 1...4 where a.warehouse(WarehouseID(Int32(warehouse))) != nil { scopes.append(.warehouse(WarehouseID(Int32(warehouse)))) }
        let resolved = try scopes.map { (try a.resolve($0), try b.resolve($0)) }
        var mismatches = 0
        for raw in -1..<variants {
            let id = VariantID(raw)
            let (va, vb) = (a.variant(id), b.variant(id))
            if va != vb || a.templateID(of: id) != b.templateID(of: id) || Array(a.entries(for: id)) != Array(b.entries(for: id))
                || a.isKit(id) != b.isKit(id) || a.kitDefinition(for: id) != b.kitDefinition(for: id)
                || a.kits(containing: id) != b.kits(containing: id)
            {
                mismatches += 1
            }
            if let va {
                if let sku = va.sku, Array(a.variants(sku: sku)) != Array(b.variants(sku: sku)) { mismatches += 1 }
                if let barcode = va.barcode, Array(a.variants(barcode: barcode)) != Array(b.variants(barcode: barcode)) { mismatches += 1 }
                if Array(a.variants(template: va.templateID)) != Array(b.variants(template: va.templateID)) { mismatches += 1 }
                #expect(a.template(va.templateID) == b.template(va.templateID))
            }
            for (ra, rb) in resolved {
                if a.figures(for: id, in: ra) != b.figures(for: id, in: rb) || a.forecast(for: id, in: ra) != b.forecast(for: id, in: rb) {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
        for raw in 0..<moves { #expect(a.holdsOpenMove(MoveID(raw)) == b.holdsOpenMove(MoveID(raw))) }
        var (quantsA, quantsB): ([Quant], [Quant]) = ([], [])
        a.forEachQuant { quantsA.append($0) }
        b.forEachQuant { quantsB.append($0) }
        #expect(quantsA == quantsB)
        var (movesA, movesB): ([MoveEntry], [MoveEntry]) = ([], [])
        a.forEachOpenMove { movesA.append($1) }
        b.forEachOpenMove { movesB.append($1) }
        #expect(movesA == movesB)
        let (pageA, pageB) = (try a.changes(after: 0, limit: 100_000), try b.changes(after: 0, limit: 100_000))
        #expect(pageA == pageB)
    }
}
