import ProjectionTestFixtures
import Synchronization
import Testing

@testable import StockProjection

@Suite struct ApplyTests {
    struct FailingStore: ProjectionStore {
        struct Failure: Error {}
        func persist(_ transactions: [SourceTransaction], checkpoint: Checkpoint, changes: ChangeLogSlice) throws { throw Failure() }
    }

    final class RecordingStore: ProjectionStore, Sendable {
        let calls = Mutex<[(count: Int, checkpoint: Checkpoint)]>([])
        func persist(_ transactions: [SourceTransaction], checkpoint: Checkpoint, changes: ChangeLogSlice) throws {
            calls.withLock { $0.append((transactions.count, checkpoint)) }
        }
    }

    @Test func transactionsAtOrBelowTheCheckpointAreSkipped() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "1")])
        let store = RecordingStore()
        let add = Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "2")
        var report = try projection.apply([Fixtures.transaction(1, [add]), Fixtures.transaction(5, [add])], persistingTo: store)
        #expect(report.skipped == 1)
        #expect(report.applied == 1)
        report = try projection.apply([Fixtures.transaction(5, [Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "99")])], persistingTo: store)
        #expect(report.skipped == 1)
        #expect(store.calls.withLock { $0.map(\.checkpoint.position) } == [5])
        let snapshot = projection.snapshot()
        #expect(snapshot.figures(for: Fixtures.desk, in: try snapshot.resolve(.everywhere)).onHand == "2")
    }

    @Test func aFailedPersistPublishesNothing() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "1")])
        let before = projection.snapshot()
        #expect(throws: FailingStore.Failure.self) {
            try projection.apply([Fixtures.transaction(2, [Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "50")])], persistingTo: FailingStore())
        }
        let after = projection.snapshot()
        #expect(after === before)
        #expect(after.figures(for: Fixtures.desk, in: try after.resolve(.everywhere)).onHand == "1")
        #expect(after.changeCursor == before.changeCursor)
    }

    @Test func aGroupOfTransactionsIsPersistedOnceWithTheLastCheckpoint() throws {
        let projection = try Fixtures.projection([])
        let store = RecordingStore()
        try projection.apply(
            (2...11).map { Fixtures.transaction(UInt64($0), [Fixtures.quant(Int32($0), Fixtures.chair, Fixtures.whStock, "1")]) }, persistingTo: store
        )
        #expect(store.calls.withLock { $0.map(\.count) } == [10])
        #expect(projection.snapshot().checkpoint == Checkpoint(position: 11, commitTime: 11))
    }

    @Test func aQuantRewrittenToAnotherVariantMovesItsStock() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "4")])
        try projection.apply([Fixtures.transaction(2, [Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "4")])])
        let snapshot = projection.snapshot()
        let scope = try snapshot.resolve(.everywhere)
        #expect(snapshot.figures(for: Fixtures.desk, in: scope).onHand == .zero)
        #expect(snapshot.figures(for: Fixtures.chair, in: scope).onHand == "4")
        #expect(snapshot.counts.quants == 1)
    }

    @Test func truncatingQuantsEmptiesStockAndExpiresCursors() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "4")])
        let cursor = projection.snapshot().changeCursor
        try projection.apply([Fixtures.transaction(2, [.truncate(.quants), Fixtures.quant(7, Fixtures.chair, Fixtures.whStock, "1")])])
        let snapshot = projection.snapshot()
        #expect(snapshot.counts.quants == 1)
        #expect(snapshot.figures(for: Fixtures.desk, in: try snapshot.resolve(.everywhere)).onHand == .zero)
        #expect(throws: ChangeFeedError.self) { try snapshot.changes(after: cursor, limit: 10) }
    }
}

@Suite struct ChangeFeedTests {
    @Test func returnsDistinctChangedPairsAfterTheCursor() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "4")])
        let start = projection.snapshot().changeCursor
        try projection.apply([
            Fixtures.transaction(
                2, [Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "3"), Fixtures.quant(2, Fixtures.desk, Fixtures.shelf1, "1")]),
            Fixtures.transaction(
                3, [Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "2"), Fixtures.quant(3, Fixtures.chair, Fixtures.euStock, "5")]),
        ])
        let snapshot = projection.snapshot()
        let page = try snapshot.changes(after: start, limit: 100)
        #expect(page.changes.map(\.variantID) == [Fixtures.desk, Fixtures.desk, Fixtures.chair])
        #expect(page.changes.map(\.locationID) == [Fixtures.whStock, Fixtures.shelf1, Fixtures.euStock])
        #expect(page.nextCursor == snapshot.changeCursor)
        #expect(!page.hasMore)
        let onlyEU = try snapshot.changes(after: start, in: try snapshot.resolve(.warehouse(Fixtures.eu)), limit: 100)
        #expect(onlyEU.changes.map(\.variantID) == [Fixtures.chair])
        #expect(try snapshot.changes(after: snapshot.changeCursor, limit: 10).changes.isEmpty)
    }

    @Test func pagesNeverSkipAChange() throws {
        let projection = try Fixtures.projection([])
        let start = projection.snapshot().changeCursor
        try projection.apply(
            (2...51).map { Fixtures.transaction(UInt64($0), [Fixtures.quant(Int32($0), VariantID(Int32($0)), Fixtures.whStock, "1")]) })
        let snapshot = projection.snapshot()
        var cursor = start
        var seen: [VariantID] = []
        while true {
            let page = try snapshot.changes(after: cursor, limit: 7)
            seen += page.changes.map(\.variantID)
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        #expect(seen == (2...51).map { VariantID(Int32($0)) })
    }

    @Test func cursorsOlderThanTheLogExpire() throws {
        let projection = StockProjection(state: ProjectionState(settings: ProjectionSettings(changeLogCapacity: 1)))
        try projection.apply([Fixtures.transaction(1, Fixtures.tree)])
        try projection.apply((2...10_001).map { Fixtures.transaction(UInt64($0), [Fixtures.quant(1, Fixtures.desk, Fixtures.whStock, "\($0)")]) })
        let snapshot = projection.snapshot()
        #expect(throws: ChangeFeedError.expired(oldestCursor: 4096)) { try snapshot.changes(after: 0, limit: 10) }
        #expect(throws: ChangeFeedError.fromTheFuture(latestCursor: snapshot.changeCursor)) {
            try snapshot.changes(after: snapshot.changeCursor + 1, limit: 10)
        }
    }
}
