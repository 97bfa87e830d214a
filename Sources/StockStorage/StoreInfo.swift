public import StockProjection

/// What `stockd inspect` reports about a store.
public struct StoreInfo: Hashable, Sendable {
    /// The directory of the LMDB environment.
    public var path: String
    /// The storage format version.
    public var formatVersion: UInt32
    /// The checkpoint of the last committed transaction, if any.
    public var checkpoint: Checkpoint?
    /// The change-feed cursor saved with that checkpoint.
    public var changeCursor: UInt64
    /// Rows per mirrored table.
    public var rowCounts: [SourceTable: Int]
    /// Bytes of the data file on disk.
    public var fileSize: Int
    /// The current LMDB map size in bytes.
    public var mapSize: Int
}
