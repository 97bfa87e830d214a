import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import StockProjection
import StockStorage
import TestSupport
import Testing

/// Change-feed cursors across restarts and resyncs of the live feed: valid after a clean restart (the log is
/// stored with the rows), expired (410) after a resync or an unclean end, never read into another log.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct ChangeCursorTests {
    static func changedPairs(_ page: ChangePage) -> [String] { page.changes.map { "\($0.variantID.rawValue)@\($0.locationID.rawValue)" } }

    @Test func aCursorSurvivesACleanRestartAndExpiresAfterAResync() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 50, seed: 51))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 4)
        try writer.write(10, to: database)
        try harness.waitUntilCaughtUp()
        let cursor = harness.projection.snapshot().changeCursor
        try writer.write(30, to: database)
        try harness.waitUntilCaughtUp()
        let before = try harness.projection.snapshot().changes(after: cursor, limit: 100_000)
        #expect(!before.changes.isEmpty)

        // A clean restart: the same cursor reads the same changes (before, it answered 410).
        try harness.restart()
        try harness.waitUntilCaughtUp()
        let after = try harness.projection.snapshot().changes(after: cursor, limit: 100_000)
        #expect(Self.changedPairs(after) == Self.changedPairs(before))
        #expect(after.nextCursor == before.nextCursor)

        // A resync: a new log; the old cursor is expired, never read as a position of the new one.
        let epoch = harness.projection.snapshot().changeEpoch
        harness.feed.requestResync()
        try harness.wait(for: "the resync") { harness.feed.status.resyncAttempts >= 1 && harness.feed.status.phase == .streaming }
        // Until the new log's positions pass the old cursors': a bare position would then read a partial list.
        for _ in 0..<40
        where ChangeCursor.decode(harness.projection.snapshot().changeCursor).position <= ChangeCursor.decode(before.nextCursor).position {
            try writer.write(10, to: database)
            try harness.waitUntilCaughtUp()
        }
        #expect(ChangeCursor.decode(harness.projection.snapshot().changeCursor).position > ChangeCursor.decode(before.nextCursor).position)
        #expect(harness.projection.snapshot().changeEpoch != epoch)
        #expect(throws: ChangeFeedError.self) { try harness.projection.snapshot().changes(after: cursor, limit: 100) }
        #expect(throws: ChangeFeedError.self) { try harness.projection.snapshot().changes(after: before.nextCursor, limit: 100) }
        harness.feed.stop()
    }

    /// After an unclean end the replay may number entries differently from what clients saw: every cursor of
    /// the old epoch expires.
    @Test func anUncleanEndStartsANewEpoch() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 30, seed: 52))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        let harness = try FeedHarness(database: database)
        harness.feed.start()
        var writer = OperationWriter(catalogue: catalogue, version: .v18, seed: 6)
        try writer.write(10, to: database)
        try harness.waitUntilCaughtUp()
        let cursor = harness.projection.snapshot().changeCursor
        let epoch = harness.projection.snapshot().changeEpoch
        harness.feed.stop()
        _ = try harness.store.openSession()  // as a killed process leaves it: opened, never closed

        try harness.reopen()
        harness.feed.start()
        defer { harness.feed.stop() }
        try writer.write(5, to: database)
        try harness.waitUntilCaughtUp()
        #expect(harness.projection.snapshot().changeEpoch != epoch)
        #expect(throws: ChangeFeedError.self) { try harness.projection.snapshot().changes(after: cursor, limit: 100) }
        try OracleComparison.expectEqual(harness.projection, database: database, scopes: OracleComparison.scopes(catalogue))
    }
}
