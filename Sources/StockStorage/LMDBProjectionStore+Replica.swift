import Foundation
import LMDB
public import StockProjection

/// The LMDB store as the replication feed's ``ReplicaStore``.
///
/// A resync fills a second store in `<path>.resync` while this one keeps serving; promoting it moves this store to
/// `<path>.retired`, the staging store to `<path>`, reopens it there and removes the retired one. Only the two
/// renames separate the old store from the new, so a crash leaves either the old store at `<path>` (and a staging
/// directory the next resync discards) or the new one.
extension LMDBProjectionStore: ReplicaStore {
    /// The store's directory.
    public var location: String { path }

    /// Whether commits are synced (`store.durability: full`).
    public var syncsEveryCommit: Bool { durability == .full }

    /// The checkpoint of the last committed transaction.
    public func storedCheckpoint() throws -> Checkpoint? { try info().checkpoint }

    /// The directory a resync fills.
    var stagingPath: String { path + ".resync" }

    /// Opens an empty store in `<path>.resync`, with this store's map size and durability.
    public func openStaging() throws -> any ReplicaStore {
        try? FileManager.default.removeItem(atPath: stagingPath)
        return try LMDBProjectionStore(path: stagingPath, initialMapSize: initialMapSize, durability: durability, outboxRetention: outboxRetention)
    }

    /// Swaps the staging directory into this store's place and opens the store there.
    public func promoteStaging() throws -> any ReplicaStore {
        let files = FileManager.default
        let retired = path + ".retired"
        try? files.removeItem(atPath: retired)
        try files.moveItem(atPath: path, toPath: retired)
        do {
            try files.moveItem(atPath: stagingPath, toPath: path)
        } catch {
            try? files.moveItem(atPath: retired, toPath: path)
            throw error
        }
        let promoted = try LMDBProjectionStore(path: path, initialMapSize: initialMapSize, durability: durability, outboxRetention: outboxRetention)
        // Events are not figures: the fresh snapshot cannot rebuild them, so the outbox (events not yet delivered
        // among them) and the adapters' state (webhook cursors, dead letters, audit, low-stock re-arm) move over
        // from the retired store, still open here, before it is removed.
        try promoted.carryEvents(from: self)
        try? files.removeItem(atPath: retired)
        return promoted
    }

    /// Copies `other`'s outbox and event state into this store, in one transaction.
    func carryEvents(from other: LMDBProjectionStore) throws {
        let records = try other.outboxRecords(after: nil, limit: .max)
        let state = try other.eventStateValues(prefix: "", limit: .max).map { ObserverStateChange(key: $0.key, value: $0.value) }
        guard !records.isEmpty || !state.isEmpty else { return }
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                try writeOutbox(OutboxBatch(records: records, state: state), into: &transaction)
            }
        }
    }

    /// Finishes a promotion that a crash interrupted between its two renames: the committed new store is waiting in
    /// `<path>.resync` and `<path>` is missing. Call it before opening the store at `path`.
    ///
    /// - Returns: Whether an interrupted promotion was finished.
    /// - Throws: The file system's error when the rename fails.
    public static func finishInterruptedPromotion(at path: String) throws -> Bool {
        let files = FileManager.default
        let staging = path + ".resync"
        guard !files.fileExists(atPath: path), files.fileExists(atPath: staging + "/data.mdb") else { return false }
        try files.moveItem(atPath: staging, toPath: path)
        return true
    }
}
