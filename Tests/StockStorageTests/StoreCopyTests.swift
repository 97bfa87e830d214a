import Foundation
import StockCatalogue
import StockProjection
import TestSupport
import Testing

@testable import StockStorage

/// `stockd clone`'s store side: a copy holds the store's rows and checkpoint as of one transaction, and adopting it
/// makes it another instance's: a new change-log epoch (the peer's cursors expire), the session closed, and the
/// peer's outbox and delivery state gone.
@Suite struct StoreCopyTests {
    @Test func aCopyHoldsTheStoreAndAdoptingItStartsANewEpochWithoutThePeersEvents() throws {
        let directory = TemporaryDirectory()
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 40, seed: 9))
        let peer = StockProjection(state: ProjectionState(changeEpoch: 0x0105))
        let store = try LMDBProjectionStore(path: directory.path + "/peer", initialMapSize: 1 << 20)
        try peer.apply([SourceTransaction(checkpoint: Checkpoint(position: 10), changes: catalogue.allChanges)], persistingTo: store)
        var operations = OdooOperations(catalogue: catalogue, seed: 3)
        let peerCursor = peer.snapshot().changeCursor
        for position in 11...30 {
            var transaction = operations.next()
            transaction.checkpoint = Checkpoint(position: UInt64(position))
            try peer.apply([transaction], persistingTo: store)
        }
        try store.recordConfirmed(45)
        #expect(try store.openSession())  // the peer is running: its session is open in the copy
        try store.persist(
            [], checkpoint: Checkpoint(position: 30), changes: peer.snapshot().changeLogSlice(from: peer.snapshot().changeLogPosition),
            outbox: OutboxBatch(
                records: [OutboxRecord(key: OutboxKey(position: 30, index: 0), commitTime: Int64(Date().timeIntervalSince1970 * 1e6), payload: [1])],
                state: [.init(key: "wh/cursor/shop", value: [2])]))

        let copy = try store.writeCopy(into: directory.path + "/copy")
        #expect(copy.checkpoint == Checkpoint(position: 30))
        #expect(copy.covered == 45)
        #expect(copy.changeEpoch == 0x0105)
        #expect(FileManager.default.fileExists(atPath: copy.dataFile))

        let cloned = try LMDBProjectionStore(path: copy.directory, initialMapSize: 1 << 20)
        #expect(try cloned.outboxRecords(after: nil, limit: .max).count == 1)
        try cloned.adoptAsClone(changeEpoch: 0x0901)
        #expect(try cloned.outboxRecords(after: nil, limit: .max).isEmpty)
        #expect(try cloned.eventStateValue("wh/cursor/shop") == nil)
        #expect(try cloned.openSession(), "the copy's session counts as closed: no replay ran ahead of it")
        #expect(try cloned.confirmedPosition() == 45)

        let state = try cloned.load()
        #expect(state.checkpoint == Checkpoint(position: 30))
        let restored = StockProjection(state: state)
        #expect(restored.snapshot().changeEpoch == 0x0901)
        #expect(throws: ChangeFeedError.self) { try restored.snapshot().changes(after: peerCursor, limit: 10) }
        #expect(try restored.snapshot().changes(after: restored.snapshot().changeCursor, limit: 10).changes.isEmpty)
        #expect(restored.snapshot().counts == peer.snapshot().counts)
    }

    @Test func aStoreWithoutACheckpointHasNothingToCopy() throws {
        let directory = TemporaryDirectory()
        let store = try LMDBProjectionStore(path: directory.path + "/empty", initialMapSize: 1 << 20)
        #expect(throws: StoreError.self) { try store.writeCopy(into: directory.path + "/copy") }
    }
}
