import CLMDB

/// A read-only snapshot of an ``LMDBEnvironment``.
///
/// A read transaction sees the data as of the moment it began: writes committed afterwards
/// (by this or another process) stay invisible to it. Any number of read transactions may
/// be open at once, on any threads, alongside the single writer.
///
/// Its reads (`get`, `withValue`, `count`, `statistics`, `withCursor`, `forEach`) are those of ``LMDBReadable``.
///
/// The usual way to get one is ``LMDBEnvironment/withReadTransaction(_:)``, which ends it when
/// the closure returns. ``LMDBEnvironment/beginReadTransaction()`` returns one you own; end it
/// with ``end()`` or let it go out of scope. It is `~Copyable`, so it cannot be used after
/// ``end()``: the compiler rejects that. Because the environment is opened with `MDB_NOTLS`, a
/// read transaction is not tied to the thread that began it and may be used across `await`s,
/// but never from two threads at once (it is not `Sendable`).
///
/// Keep read transactions short: while one is open, LMDB cannot reuse the pages it sees,
/// and growing the map (see ``LMDBEnvironment/withWriteTransaction(_:)``) waits for it to end.
///
/// The corresponding C type is `MDB_txn`, begun with `MDB_RDONLY`.
public struct LMDBReadTransaction: ~Copyable, LMDBReadable {
    let handle: TransactionHandle
    /// Keeps the environment open, and its memory map registered as in use, until this ends.
    let environment: LMDBEnvironment

    /// Takes ownership of a begun `MDB_txn`; the caller has already entered the map gate.
    init(pointer: OpaquePointer, environment: LMDBEnvironment) {
        self.handle = TransactionHandle(pointer: pointer)
        self.environment = environment
    }

    deinit {
        mdb_txn_abort(handle.pointer)
        environment.mapGate.leave()
    }

    /// Ends the transaction, releasing its snapshot and reader slot.
    ///
    /// Read transactions have nothing to commit, so ending one is an abort. Letting the value
    /// go out of scope has the same effect.
    ///
    /// The corresponding C function is `mdb_txn_abort`.
    public consuming func end() {
        // The deinit aborts the transaction when `self` is consumed here.
    }

    // MARK: LMDBReadable

    /// Passes the value stored under `key` to `body` without copying it (see ``LMDBReadable``).
    ///
    /// - Parameters:
    ///   - key: The key to look up; must not be empty.
    ///   - database: The database to look in.
    ///   - body: Receives the value in place in the memory map, valid only during the call.
    /// - Returns: The result of `body`, or `nil` if there is no such key.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    public func withValue<R>(
        forKey key: UnsafeRawBufferPointer,
        in database: LMDBDatabase,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        try handle.withValue(forKey: key, in: database, body)
    }

    /// Returns the B-tree statistics of `database` as seen by this transaction (see ``LMDBReadable``).
    ///
    /// - Parameters:
    ///   - database: The database to describe.
    /// - Returns: Its page size, depth, page counts and number of entries.
    /// - Throws: ``LMDBError`` if LMDB fails.
    public func statistics(of database: LMDBDatabase) throws -> LMDBStatistics {
        try handle.statistics(of: database)
    }

    /// Opens a cursor on `database` for the duration of `body` (see ``LMDBReadable``).
    ///
    /// - Parameters:
    ///   - database: The database to walk.
    ///   - body: Receives the cursor, which is closed when `body` returns.
    /// - Returns: The result of `body`.
    /// - Throws: ``LMDBError`` if the cursor cannot be opened, or whatever `body` throws.
    public func withCursor<R>(in database: LMDBDatabase, _ body: (borrowing LMDBCursor) throws -> R) throws -> R {
        try handle.withCursor(in: database, body)
    }
}
