import Foundation
import StockProjection
import TestSupport
import Testing

@testable import StockStorage

/// A resync replaces the store with a fresh snapshot; the stock events it already recorded and the adapters' state
/// (webhook cursors, dead letters, audit, low-stock re-arm) are not figures, cannot be rebuilt from Odoo, and must
/// survive the swap: an event recorded before the resync and not yet delivered would otherwise be lost.
@Suite struct ResyncKeepsEventsTests {
    @Test func promotingAStagingStoreKeepsTheOutboxAndTheEventState() throws {
        let directory = TemporaryDirectory()
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)  // recent: the outbox keeps 7 days by default
        let store = try LMDBProjectionStore(path: directory.path + "/store", initialMapSize: 1 << 20)
        let records = (0..<3).map {
            OutboxRecord(key: OutboxKey(position: 100 + UInt64($0), index: 0), commitTime: now + Int64($0), payload: [UInt8($0)])
        }
        try store.persist(
            [], checkpoint: Checkpoint(position: 102), changes: .empty,
            outbox: OutboxBatch(records: records, state: [.init(key: "rule/x", value: [1])]))
        try store.writeEventState([("wh/cursor/shop", OutboxKey(position: 100, index: 0).bytes), ("wh/dead/shop/evt_1", [9])])

        do {  // the staging store is closed before the promotion, as the feed does
            let staging = try store.openStaging()
            try staging.storeSnapshotOf(checkpoint: Checkpoint(position: 500))
        }
        let promoted = try #require(try store.promoteStaging() as? LMDBProjectionStore)

        #expect(try promoted.storedCheckpoint() == Checkpoint(position: 500))
        #expect(try promoted.outboxRecords(after: nil, limit: .max) == records)
        #expect(try promoted.eventStateValue("wh/cursor/shop") == OutboxKey(position: 100, index: 0).bytes)
        #expect(try promoted.eventStateValue("wh/dead/shop/evt_1") == [9])
        #expect(try promoted.eventStateValue("rule/x") == [1])
    }
}

extension ChangeLogSlice {
    fileprivate static let empty = ChangeLogSlice(epoch: 1, entries: [], validFrom: 0, nextPosition: 0)
}

extension ReplicaStore {
    /// Commits an empty snapshot at `checkpoint`, as a resync's copy does with the rows.
    fileprivate func storeSnapshotOf(checkpoint: Checkpoint) throws {
        try persist([], checkpoint: checkpoint, changes: .empty)
    }
}
