import CLMDB

/// The B-tree statistics of a database, or of the environment's main database.
///
/// The corresponding C type is `MDB_stat`.
public struct LMDBStatistics: Hashable, Sendable {
    /// The size of a database page in bytes, usually the operating system's page size.
    public let pageSize: Int
    /// The depth (height) of the B-tree.
    public let depth: Int
    /// The number of internal (non-leaf) pages.
    public let branchPages: Int
    /// The number of leaf pages.
    public let leafPages: Int
    /// The number of overflow pages, used by values too large to fit in a leaf page.
    public let overflowPages: Int
    /// The number of key/value entries.
    public let entries: Int

    init(_ stat: MDB_stat) {
        pageSize = Int(stat.ms_psize)
        depth = Int(stat.ms_depth)
        branchPages = stat.ms_branch_pages
        leafPages = stat.ms_leaf_pages
        overflowPages = stat.ms_overflow_pages
        entries = stat.ms_entries
    }
}
