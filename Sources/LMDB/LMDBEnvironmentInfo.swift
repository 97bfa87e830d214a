import CLMDB

/// A snapshot of an environment's map and reader table.
///
/// The corresponding C type is `MDB_envinfo`.
public struct LMDBEnvironmentInfo: Hashable, Sendable {
    /// The size of the memory map in bytes; the data file cannot grow beyond it.
    public let mapSize: Int
    /// The number of the last page used in the data file; `(lastPageNumber + 1) * pageSize`
    /// is the space in use.
    public let lastPageNumber: Int
    /// The identifier of the last committed transaction.
    public let lastTransactionID: Int
    /// The size of the reader lock table (the environment's `maxReaders`).
    public let maxReaders: Int
    /// The number of reader table slots used so far (a high-water mark across all processes,
    /// not the number of read transactions open right now).
    public let readersUsed: Int

    init(_ info: MDB_envinfo) {
        mapSize = info.me_mapsize
        lastPageNumber = info.me_last_pgno
        lastTransactionID = info.me_last_txnid
        maxReaders = Int(info.me_maxreaders)
        readersUsed = Int(info.me_numreaders)
    }
}
