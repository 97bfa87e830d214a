/// A transaction that can be read: ``LMDBReadTransaction`` and ``LMDBWriteTransaction``.
///
/// The two transaction types implement the three primitive reads (``withValue(forKey:in:_:)-(UnsafeRawBufferPointer,_,_)``,
/// ``statistics(of:)`` and ``withCursor(in:_:)``) by calling LMDB; every other read is written once, in an extension
/// here. Those are `@inlinable`, so a call on a concrete transaction is specialized at the call site and calls the
/// primitive directly: sharing them costs nothing on the hot path (no witness-table call, no allocation).
///
/// In a write transaction, reads include the transaction's own uncommitted changes, and a value or cursor entry
/// is valid only until the next write.
///
/// The protocol is `~Copyable` because both transactions are: conforming types are unique resources.
public protocol LMDBReadable: ~Copyable {
    /// Passes the value stored under `key` to `body` without copying it.
    ///
    /// - Parameters:
    ///   - key: The key to look up; must not be empty.
    ///   - database: The database to look in.
    ///   - body: Receives the value in place in the memory map, valid only during the call (and, in a write
    ///     transaction, only until the next write).
    /// - Returns: The result of `body`, or `nil` if there is no such key.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_get`.
    func withValue<R>(
        forKey key: UnsafeRawBufferPointer,
        in database: LMDBDatabase,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R?

    /// Returns the B-tree statistics of `database` as seen by this transaction.
    ///
    /// - Parameters:
    ///   - database: The database to describe.
    /// - Returns: Its page size, depth, page counts and number of entries.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_stat`.
    func statistics(of database: LMDBDatabase) throws -> LMDBStatistics

    /// Opens a cursor on `database` for the duration of `body`.
    ///
    /// In a write transaction, do not write from inside `body`; the cursor only reads.
    ///
    /// - Parameters:
    ///   - database: The database to walk.
    ///   - body: Receives the cursor, which is closed when `body` returns.
    /// - Returns: The result of `body`.
    /// - Throws: ``LMDBError`` if the cursor cannot be opened, or whatever `body` throws.
    ///
    /// The corresponding C functions are `mdb_cursor_open` and `mdb_cursor_close`.
    func withCursor<R>(in database: LMDBDatabase, _ body: (borrowing LMDBCursor) throws -> R) throws -> R
}

extension LMDBReadable where Self: ~Copyable {
    /// Returns a copy of the value stored under `key`.
    ///
    /// - Parameters:
    ///   - key: The key to look up; must not be empty.
    ///   - database: The database to look in.
    /// - Returns: A copy of the value, or `nil` if there is no such key.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_get`.
    @inlinable
    public func get(_ key: [UInt8], in database: LMDBDatabase) throws -> [UInt8]? {
        try withValue(forKey: key, in: database) { Array($0) }
    }

    /// Returns a copy of the value stored under `key`.
    ///
    /// - Parameters:
    ///   - key: The key to look up; must not be empty.
    ///   - database: The database to look in.
    /// - Returns: A copy of the value, or `nil` if there is no such key.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_get`.
    @inlinable
    public func get(_ key: UnsafeRawBufferPointer, in database: LMDBDatabase) throws -> [UInt8]? {
        try withValue(forKey: key, in: database) { Array($0) }
    }

    /// Passes the value stored under `key` to `body` without copying it.
    ///
    /// - Parameters:
    ///   - key: The key to look up; must not be empty.
    ///   - database: The database to look in.
    ///   - body: Receives the value in place in the memory map, valid only during the call (and, in a write
    ///     transaction, only until the next write).
    /// - Returns: The result of `body`, or `nil` if there is no such key.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_get`.
    @inlinable
    public func withValue<R>(
        forKey key: [UInt8],
        in database: LMDBDatabase,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        try key.withUnsafeBytes { try withValue(forKey: $0, in: database, body) }
    }

    /// Returns the number of entries in `database` as seen by this transaction.
    ///
    /// - Parameters:
    ///   - database: The database to count.
    /// - Returns: The number of key/value entries.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_stat`.
    @inlinable
    public func count(in database: LMDBDatabase) throws -> Int {
        try statistics(of: database).entries
    }

    /// Visits the entries of `database` in key order, without allocating per entry.
    ///
    /// - Parameters:
    ///   - database: The database to walk.
    ///   - startKey: The smallest key to visit, or `nil` to start at the first entry.
    ///   - body: Receives each key and value in place in the memory map, valid only during that call; returns
    ///     ``LMDBIterationControl/stop`` to end early.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_FIRST` or `MDB_SET_RANGE`, then `MDB_NEXT`.
    @inlinable
    public func forEach(
        in database: LMDBDatabase,
        from startKey: [UInt8]? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> LMDBIterationControl
    ) throws {
        try withCursor(in: database) { try $0.forEach(from: startKey, body) }
    }
}
