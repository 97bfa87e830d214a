import CLMDB

/// A handle to one key/value database inside an ``LMDBEnvironment``.
///
/// An environment holds the unnamed main database plus up to `maxDatabases` named ones.
/// Open them with ``LMDBEnvironment/openDatabase(named:create:)`` or, inside a write
/// transaction, ``LMDBWriteTransaction/openDatabase(named:create:)``. The handle is a small
/// number valid for the lifetime of its environment (once the transaction that opened it
/// has committed), and may be copied freely and shared between threads. Keys are ordered
/// by plain byte-wise comparison, so big-endian integer keys iterate in numeric order.
///
/// The corresponding C type is `MDB_dbi`.
public struct LMDBDatabase: Hashable, Sendable {
    /// The `MDB_dbi` value.
    let handle: UInt32

    init(handle: UInt32) {
        self.handle = handle
    }
}
