import Foundation
import StockCatalogue
import StockProjection
import TestSupport
import Testing

@testable import StockStorage

/// The change log survives a clean restart in the store, so channels keep their cursors; a new epoch expires them.
@Suite struct ChangeLogPersistenceTests {
    static func seeded(_ directory: TemporaryDirectory, epoch: UInt16 = 7) throws -> (StockProjection, LMDBProjectionStore, OdooOperations) {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, seed: 4))
        let live = StockProjection(state: ProjectionState(changeEpoch: epoch))
        let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
        try live.apply([SourceTransaction(checkpoint: Checkpoint(position: 10), changes: catalogue.allChanges)], persistingTo: store)
        return (live, store, OdooOperations(catalogue: catalogue, seed: 5))
    }

    /// Before, a restart made every cursor expire (410 and a full pull of the catalogue for every channel).
    @Test func aCursorTakenBeforeACleanRestartStillReadsTheSameChanges() throws {
        let directory = TemporaryDirectory()
        let (live, store, operations) = try Self.seeded(directory)
        var generator = operations
        let cursor = live.snapshot().changeCursor
        var position: UInt64 = 11
        for _ in 0..<40 {
            var transaction = generator.next()
            transaction.checkpoint = Checkpoint(position: position)
            position += 1
            try live.apply([transaction], persistingTo: store)
        }
        let expected = try live.snapshot().changes(after: cursor, limit: 10_000)
        #expect(!expected.changes.isEmpty)

        let restored = StockProjection(state: try LMDBProjectionStore(path: directory.path).load())
        #expect(restored.snapshot().changeCursor == live.snapshot().changeCursor)
        #expect(restored.snapshot().changeEpoch == 7)
        let page = try restored.snapshot().changes(after: cursor, limit: 10_000)
        #expect(page == expected)
    }

    @Test func aNewEpochExpiresEveryEarlierCursorAndIsStored() throws {
        let directory = TemporaryDirectory()
        let (live, store, operations) = try Self.seeded(directory)
        var generator = operations
        let cursor = live.snapshot().changeCursor
        var transaction = generator.next()
        transaction.checkpoint = Checkpoint(position: 11)
        try live.apply([transaction], persistingTo: store)

        let slice = live.startNewChangeEpoch()
        try store.resetChangeLog(slice)
        #expect(slice.epoch == 8)
        #expect(throws: ChangeFeedError.self) { try live.snapshot().changes(after: cursor, limit: 10) }
        let fresh = live.snapshot().changeCursor
        #expect(try live.snapshot().changes(after: fresh, limit: 10).changes.isEmpty)

        let restored = StockProjection(state: try LMDBProjectionStore(path: directory.path).load())
        #expect(throws: ChangeFeedError.self) { try restored.snapshot().changes(after: cursor, limit: 10) }
        #expect(restored.snapshot().changeCursor == fresh)
    }

    /// A cursor whose position is valid but whose epoch is another store's never reads as a position here.
    @Test func aCursorOfAnotherEpochIsExpiredEvenAtAValidPosition() throws {
        let directory = TemporaryDirectory()
        let (live, _, _) = try Self.seeded(directory, epoch: 3)
        let cursor = live.snapshot().changeCursor
        let (_, position) = ChangeCursor.decode(cursor)
        let foreign = ChangeCursor.encode(epoch: 4, position: position)
        #expect(throws: ChangeFeedError.expired(oldestCursor: ChangeCursor.encode(epoch: 3, position: 0))) {
            try live.snapshot().changes(after: foreign, limit: 10)
        }
    }

    /// The store keeps the newest entries only: older ones are dropped with the log's capacity, and what is
    /// loaded again still answers every cursor from the oldest valid one.
    @Test func theStoredLogIsTrimmedToTheLogsCapacity() throws {
        let directory = TemporaryDirectory()
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 300, seed: 6))
        let settings = ProjectionSettings(changeLogCapacity: 4_096)
        let live = StockProjection(state: ProjectionState(settings: settings, changeEpoch: 9))
        let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 22)
        try live.apply([SourceTransaction(checkpoint: Checkpoint(position: 10), changes: catalogue.allChanges)], persistingTo: store)
        var generator = OdooOperations(catalogue: catalogue, seed: 8)
        var position: UInt64 = 11
        while ChangeCursor.decode(live.snapshot().changeCursor).position < 12_000 {
            let batch = (0..<50).map { _ in
                var transaction = generator.next()
                transaction.checkpoint = Checkpoint(position: position)
                position += 1
                return transaction
            }
            try live.apply(batch, persistingTo: store)
        }
        let stored = try store.info()
        #expect(stored.changeCursor == ChangeCursor.decode(live.snapshot().changeCursor).position)
        let restored = StockProjection(state: try LMDBProjectionStore(path: directory.path).load(settings: settings))
        let oldest: UInt64
        do {
            _ = try live.snapshot().changes(after: ChangeCursor.encode(epoch: 9, position: 0), limit: 1)
            Issue.record("position 0 should have expired")
            return
        } catch ChangeFeedError.expired(let cursor) {
            oldest = cursor
        }
        #expect(try restored.snapshot().changes(after: oldest, limit: 100_000) == live.snapshot().changes(after: oldest, limit: 100_000))
        let kept = ChangeCursor.decode(live.snapshot().changeCursor).position - ChangeCursor.decode(oldest).position
        #expect(kept <= 2 * 4_096)
    }

    /// A session that was opened and not closed (a crash, a kill) is reported at the next open.
    @Test func anUncleanEndIsReportedAtTheNextOpen() throws {
        let directory = TemporaryDirectory()
        let store = try LMDBProjectionStore(path: directory.path, initialMapSize: 1 << 20)
        #expect(try store.openSession())  // none before
        #expect(try !store.openSession())  // the first was never closed
        try store.closeSession()
        #expect(try store.openSession())
    }
}
