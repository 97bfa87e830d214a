import Foundation
import LMDB
import StockCatalogue
import StockProjection
import TestSupport
import Testing

@testable import StockStorage

@Suite struct LMDBProjectionStoreTests {
    /// Writes a generated catalogue and thousands of random operations, reopens the store, and checks that
    /// the reloaded projection answers exactly as the live one, at the same checkpoint.
    @Test func roundTripRestoresIdenticalStateAndCheckpoint() throws {
        let directory = TemporaryDirectory()
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 400, seed: 9))
        let settings = ProjectionSettings(quarantine: QuarantineRules(namePatterns: ["*/Damaged"]))
        let live = StockProjection(state: ProjectionState(settings: settings))
        do {
            let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
            try live.apply(
                [SourceTransaction(checkpoint: Checkpoint(position: 10, commitTime: 123), changes: catalogue.allChanges)], persistingTo: store)
            var operations = OdooOperations(catalogue: catalogue, seed: 3)
            operations.moveRate = 3  // open moves too (format version 3)
            for _ in 0..<200 {
                try live.apply((0..<10).map { _ in operations.next() }, persistingTo: store)
            }
            var renamed = catalogue.locations.first { $0.completeName == "WH2/Stock" }!
            renamed.completeName = "WH2/Main Stock"
            try live.apply(
                [
                    SourceTransaction(
                        checkpoint: Checkpoint(position: 999_999_999),
                        changes: [.upsertLocation(renamed), .deleteVariant(VariantID(5)), .deleteQuant(QuantID(3))])
                ],
                persistingTo: store
            )
        }
        let reopened = try LMDBProjectionStore(path: directory.path)
        let restored = StockProjection(state: try reopened.load(settings: settings))
        let (a, b) = (live.snapshot(), restored.snapshot())
        #expect(b.checkpoint == a.checkpoint)
        #expect(b.changeCursor == a.changeCursor)
        #expect(b.counts == a.counts)
        #expect(b.locations(named: "WH2/Main Stock") == a.locations(named: "WH2/Main Stock"))
        #expect(b.variant(VariantID(5)) == nil)
        for scope in [StockScope.everywhere, .warehouse(WarehouseID(2)), .location(OdooCatalogue.Standard.vendors)] {
            let (ra, rb) = (try a.resolve(scope), try b.resolve(scope))
            for variant in catalogue.variants {
                #expect(a.figures(for: variant.id, in: ra) == b.figures(for: variant.id, in: rb))
                #expect(a.forecast(for: variant.id, in: ra) == b.forecast(for: variant.id, in: rb))
                #expect(a.variant(variant.id) == b.variant(variant.id))
            }
        }
        let info = try reopened.info()
        #expect(a.openMoveCount > 0)
        #expect(b.openMoveCount == a.openMoveCount)
        #expect(info.rowCounts[.moves] == a.openMoveCount)
        #expect(info.rowCounts[.quants] == a.counts.quants)
        #expect(info.rowCounts[.variants] == 399)
        #expect(info.checkpoint?.position == 999_999_999)
        #expect(info.fileSize > 0)
    }

    @Test func aStoreOfAnotherFormatVersionIsRefused() throws {
        let directory = TemporaryDirectory()
        _ = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
        // Rewrite the version as an older stockd wrote it.
        let environment = try LMDBEnvironment(path: directory.path, maxDatabases: 16, mapSize: 1 << 20)
        try environment.withWriteTransaction { transaction in
            let meta = try transaction.openDatabase(named: "meta", create: false)
            try transaction.put([1, 0, 0, 0], forKey: Array("format_version".utf8), in: meta)
        }
        // Version 1 had no manufacturing tables: serving it would show kits without BoMs.
        #expect(throws: StoreError.incompatibleFormat(found: 1, supported: 3)) {
            try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
        }
        // Version 2 had no open moves: serving it would show a forecast without them.
        try environment.withWriteTransaction { transaction in
            let meta = try transaction.openDatabase(named: "meta", create: false)
            try transaction.put([2, 0, 0, 0], forKey: Array("format_version".utf8), in: meta)
        }
        let error = #expect(throws: StoreError.incompatibleFormat(found: 2, supported: 3)) {
            try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
        }
        #expect(error?.description.contains("stockd resync") == true)
    }

    @Test func truncateEmptiesTheTableOnDisk() throws {
        let directory = TemporaryDirectory()
        let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 50))
        let projection = StockProjection()
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 1), changes: catalogue.allChanges)], persistingTo: store)
        try projection.apply([SourceTransaction(checkpoint: Checkpoint(position: 2), changes: [.truncate(.quants)])], persistingTo: store)
        #expect(try store.info().rowCounts[.quants] == 0)
        #expect(try store.load().quantCount == 0)
    }

    @Test func corruptRowsAreReportedNotMisread() throws {
        var writer = RowWriter()
        writer.write(Int32(5))
        _ = writer.bytes.withUnsafeBytes { bytes in
            #expect(throws: StoreError.self) { try RowCodec.decodeQuant(id: 1, bytes) }
        }
        let quant = Quant(id: QuantID(1), variantID: VariantID(2), locationID: LocationID(3), quantity: Quantity(units: 4), reserved: .zero)
        writer.reset()
        RowCodec.encode(quant, into: &writer)
        writer.write(UInt8(0))
        _ = writer.bytes.withUnsafeBytes { bytes in
            #expect(throws: StoreError.self) { try RowCodec.decodeQuant(id: 1, bytes) }
        }
    }

    @Test(arguments: [Int32.min, -1, 0, 1, 255, 256, Int32.max])
    func rowKeysSortInIDOrder(id: Int32) throws {
        let next = id == .max ? id : id + 1
        let a = RowKey.encode(id)
        let b = RowKey.encode(next)
        #expect([a.0, a.1, a.2, a.3].lexicographicallyPrecedes([b.0, b.1, b.2, b.3]) || id == next)
        let decoded = try withUnsafeBytes(of: a) { try RowKey.decode($0) }
        #expect(decoded == id)
    }
}
