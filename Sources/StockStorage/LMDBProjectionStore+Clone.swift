import Foundation
import LMDB
public import StockProjection

/// A consistent copy of a store, written for a new instance to start from (`stockd clone`).
public struct StoreCopy: Hashable, Sendable {
    /// The directory holding the copy (`data.mdb`, plus LMDB's `lock.mdb` once opened).
    public var directory: String
    /// The checkpoint of the copy: the last source transaction it holds.
    public var checkpoint: Checkpoint
    /// The highest position the copy covers: its checkpoint, or a later position the copied instance confirmed
    /// to PostgreSQL while idle (no published change between the two).
    public var covered: UInt64
    /// The change-log epoch of the copy.
    public var changeEpoch: UInt16
    /// The storage format version.
    public var formatVersion: UInt32

    /// The copy's data file, the one file an instance needs.
    public var dataFile: String { directory + "/data.mdb" }
}

/// Copies of a store for `stockd clone`: written on the serving instance, made its own by the new one.
extension LMDBProjectionStore {
    /// Writes a compacted, consistent copy of the store into `directory` (LMDB's copy of one read transaction,
    /// `mdb_env_copy2` with `MDB_CP_COMPACT`; writers go on meanwhile) and describes it.
    ///
    /// - Parameter directory: A directory that does not exist yet; it is created.
    /// - Returns: The copy and its checkpoint, read from the copy itself, so they belong to the same transaction.
    /// - Throws: ``StoreError/storage(_:)`` when the copy fails, ``StoreError/notAStore(_:)`` when the store has no
    ///   checkpoint yet (an instance that has not finished its snapshot has nothing to clone).
    public func writeCopy(into directory: String) throws -> StoreCopy {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try storageErrors { try environment.copy(to: directory, compacting: true) }
        let copy = try LMDBProjectionStore(path: directory, initialMapSize: initialMapSize, durability: .noSync)
        return try copy.describeCopy()
    }

    /// What this store holds, as a ``StoreCopy``.
    ///
    /// - Throws: ``StoreError/notAStore(_:)`` without a checkpoint.
    public func describeCopy() throws -> StoreCopy {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                guard let checkpoint = try readMeta(transaction).0 else {
                    throw StoreError.notAStore("\(path) has no checkpoint: the instance has not finished its initial snapshot")
                }
                let recorded: UInt64 = try readMetaValue(MetaKey.confirmed, transaction) ?? 0
                let epoch: UInt16 = try readMetaValue(MetaKey.changeEpoch, transaction) ?? 0
                return StoreCopy(
                    directory: path, checkpoint: checkpoint, covered: max(checkpoint.position, recorded), changeEpoch: epoch,
                    formatVersion: Self.formatVersion)
            }
        }
    }

    /// Makes a copied store this instance's own, in one transaction: the change log starts over empty in `epoch`
    /// (the new instance's tag, so the peer's cursors are answered `410` here, never read as positions), the session
    /// is marked closed (the copy was taken while the peer's was open; nothing here ran ahead of it), and the outbox
    /// and the event adapters' state are emptied (they are the peer's deliveries; a fresh snapshot starts without
    /// them too).
    ///
    /// - Parameter epoch: The new change-log epoch.
    public func adoptAsClone(changeEpoch epoch: UInt16) throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                let cursor: UInt64 =
                    try transaction.get(MetaKey.changeCursor, in: meta).map { stored in
                        try stored.withUnsafeBytes { bytes in
                            var reader = RowReader(bytes)
                            let value: UInt64 = try reader.read()
                            try reader.finish()
                            return value
                        }
                    } ?? 0
                try transaction.drop(changes)
                var writer = RowWriter()
                writer.write(cursor)
                try transaction.put(writer.bytes, forKey: MetaKey.changeValidFrom, in: meta)
                writer.reset()
                writer.write(epoch)
                try transaction.put(writer.bytes, forKey: MetaKey.changeEpoch, in: meta)
                try transaction.put([0], forKey: MetaKey.sessionOpen, in: meta)
                try transaction.drop(outbox)
                try transaction.drop(eventState)
            }
            try environment.sync(force: true)
        }
    }
}
