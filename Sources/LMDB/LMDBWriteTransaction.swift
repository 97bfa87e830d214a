import CLMDB

/// The single read-write transaction of an ``LMDBEnvironment``.
///
/// Write transactions exist only inside ``LMDBEnvironment/withWriteTransaction(_:)``, which
/// begins one, passes it `inout` to your closure, commits it when the closure returns and
/// aborts it when the closure throws. Its changes are invisible to every other transaction
/// until the commit, and are all discarded by an abort.
///
/// It is `~Copyable`: it cannot be duplicated, escape the closure or be used after its
/// commit or abort (the consuming ``commit()`` and ``abort()`` make such a use a compile error
/// inside this module, and the closure cannot consume the `inout` transaction it is lent).
/// There is deliberately no way to begin a write transaction outside the closure: LMDB's
/// writer lock must be released on the thread that took it, which a value held across an
/// `await` could not guarantee.
///
/// Its reads (`get`, `withValue`, `count`, `statistics`, `withCursor`, `forEach`) are those of ``LMDBReadable``
/// and include the transaction's own uncommitted changes.
///
/// The mutating methods record an `MDB_MAP_FULL` result so that
/// ``LMDBEnvironment/withWriteTransaction(_:)`` grows the map and runs the closure again even
/// if the closure catches the error.
///
/// The corresponding C type is `MDB_txn`, begun without `MDB_RDONLY`.
public struct LMDBWriteTransaction: ~Copyable, LMDBReadable {
    /// Options for `put(_:forKey:in:flags:)`.
    public struct PutFlags: OptionSet, Hashable, Sendable {
        /// The `mdb_put` flag bits.
        public let rawValue: UInt32

        /// Wraps `mdb_put` flag bits.
        ///
        /// - Parameters:
        ///   - rawValue: A combination of `MDB_NOOVERWRITE`, `MDB_APPEND`, ...
        public init(rawValue: UInt32) {
            self.rawValue = rawValue
        }

        /// Fail with ``LMDBError/Code/keyExists`` instead of replacing an existing value (`MDB_NOOVERWRITE`).
        public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))

        /// Append at the end of the database without searching (`MDB_APPEND`).
        ///
        /// Much faster for bulk loads of keys in ascending order; fails with
        /// ``LMDBError/Code/keyExists`` if the key is not greater than the last key.
        public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    }

    let handle: TransactionHandle
    /// Whether `mdb_txn_commit` or `mdb_txn_abort` has already freed the transaction.
    private var isFinished = false
    /// Whether an operation returned `MDB_MAP_FULL`, after which LMDB refuses to commit.
    private(set) var hitMapFull = false

    /// Takes ownership of a begun `MDB_txn`; the caller holds the environment's writer lock.
    init(pointer: OpaquePointer) {
        self.handle = TransactionHandle(pointer: pointer)
    }

    deinit {
        if !isFinished {
            mdb_txn_abort(handle.pointer)
        }
    }

    /// Commits the changes, making them visible and (unless the environment was opened with
    /// `noSync`) durable.
    ///
    /// LMDB frees the transaction whether or not the commit succeeds.
    ///
    /// - Throws: ``LMDBError``; ``LMDBError/Code/mapFull`` if the map filled up while writing
    ///   out the changes.
    ///
    /// The corresponding C function is `mdb_txn_commit`.
    consuming func commit() throws(LMDBError) {
        isFinished = true
        try LMDBError.check(mdb_txn_commit(handle.pointer), "mdb_txn_commit")
    }

    /// Discards every change made in the transaction.
    ///
    /// The corresponding C function is `mdb_txn_abort`.
    consuming func abort() {
        // The deinit aborts the transaction when `self` is consumed here.
    }

    // MARK: Writing

    /// Stores `value` under `key`, replacing any existing value unless `flags` says otherwise.
    ///
    /// The bytes are copied into the database; the buffers may be reused as soon as this
    /// returns, which makes encoding rows into one reused buffer the cheapest way to load data.
    ///
    /// - Parameters:
    ///   - value: The bytes to store; may be empty.
    ///   - key: The key; 1 to ``LMDBEnvironment/maxKeySize`` bytes (511 by default).
    ///   - database: The database to write to.
    ///   - flags: ``PutFlags/noOverwrite`` or ``PutFlags/append``; none by default.
    /// - Throws: ``LMDBError``: ``LMDBError/Code/keyExists`` when `flags` forbid the write,
    ///   ``LMDBError/Code/badValueSize`` for an empty or too long key, ``LMDBError/Code/mapFull``
    ///   when the map is full (``LMDBEnvironment/withWriteTransaction(_:)`` then grows it and retries).
    ///
    /// The corresponding C function is `mdb_put`.
    public mutating func put(
        _ value: UnsafeRawBufferPointer,
        forKey key: UnsafeRawBufferPointer,
        in database: LMDBDatabase,
        flags: PutFlags = []
    ) throws {
        var keyValue = MDB_val(key)
        var dataValue = MDB_val(value)
        try recordingMapFull(mdb_put(handle.pointer, database.handle, &keyValue, &dataValue, flags.rawValue), "mdb_put")
    }

    /// Stores `value` under `key`, replacing any existing value unless `flags` says otherwise.
    ///
    /// The bytes are copied into the database; the arrays may be reused as soon as this
    /// returns, which makes encoding rows into one reused buffer the cheapest way to load data.
    ///
    /// - Parameters:
    ///   - value: The bytes to store; may be empty.
    ///   - key: The key; 1 to ``LMDBEnvironment/maxKeySize`` bytes (511 by default).
    ///   - database: The database to write to.
    ///   - flags: ``PutFlags/noOverwrite`` or ``PutFlags/append``; none by default.
    /// - Throws: ``LMDBError``: ``LMDBError/Code/keyExists`` when `flags` forbid the write,
    ///   ``LMDBError/Code/badValueSize`` for an empty or too long key, ``LMDBError/Code/mapFull``
    ///   when the map is full (``LMDBEnvironment/withWriteTransaction(_:)`` then grows it and retries).
    ///
    /// The corresponding C function is `mdb_put`.
    public mutating func put(
        _ value: [UInt8],
        forKey key: [UInt8],
        in database: LMDBDatabase,
        flags: PutFlags = []
    ) throws {
        try value.withUnsafeBytes { valueBytes in
            try key.withUnsafeBytes { keyBytes in
                try put(valueBytes, forKey: keyBytes, in: database, flags: flags)
            }
        }
    }

    /// Removes the entry stored under `key`.
    ///
    /// - Parameters:
    ///   - key: The key to remove; must not be empty.
    ///   - database: The database to remove it from.
    /// - Returns: `true` if an entry was removed, `false` if there was none.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_del`.
    @discardableResult
    public mutating func delete(_ key: UnsafeRawBufferPointer, in database: LMDBDatabase) throws -> Bool {
        var keyValue = MDB_val(key)
        let returnCode = mdb_del(handle.pointer, database.handle, &keyValue, nil)
        if returnCode == MDB_NOTFOUND {
            return false
        }
        try recordingMapFull(returnCode, "mdb_del")
        return true
    }

    /// Removes the entry stored under `key`.
    ///
    /// - Parameters:
    ///   - key: The key to remove; must not be empty.
    ///   - database: The database to remove it from.
    /// - Returns: `true` if an entry was removed, `false` if there was none.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_del`.
    @discardableResult
    public mutating func delete(_ key: [UInt8], in database: LMDBDatabase) throws -> Bool {
        try key.withUnsafeBytes { try delete($0, in: database) }
    }

    /// Removes every entry of `database`, and optionally the database itself.
    ///
    /// - Parameters:
    ///   - database: The database to empty.
    ///   - delete: `false` (the default) to keep the database, empty; `true` to delete it from
    ///     the environment and close its handle, which must not be used afterwards.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_drop`.
    public mutating func drop(_ database: LMDBDatabase, delete: Bool = false) throws {
        try recordingMapFull(mdb_drop(handle.pointer, database.handle, delete ? 1 : 0), "mdb_drop")
    }

    /// Opens a named database, or the unnamed main database, and returns its handle.
    ///
    /// The handle becomes usable by other transactions once this one commits; if this one
    /// aborts, the handle is closed. The environment's `maxDatabases` limits the number of
    /// named databases. Do not mix named databases with your own keys in the main database:
    /// the names are stored there as keys.
    ///
    /// - Parameters:
    ///   - name: The database's name, or `nil` for the main database.
    ///   - create: Whether to create the database if it does not exist.
    /// - Returns: The database's handle.
    /// - Throws: ``LMDBError``: ``LMDBError/Code/notFound`` if it does not exist and `create`
    ///   is `false`, ``LMDBError/Code/dbsFull`` if `maxDatabases` is reached.
    ///
    /// The corresponding C function is `mdb_dbi_open`.
    public mutating func openDatabase(named name: String?, create: Bool = false) throws -> LMDBDatabase {
        var databaseHandle: MDB_dbi = 0
        let flags = create ? UInt32(MDB_CREATE) : 0
        if let name {
            try recordingMapFull(mdb_dbi_open(handle.pointer, name, flags, &databaseHandle), "mdb_dbi_open")
        } else {
            try recordingMapFull(mdb_dbi_open(handle.pointer, nil, flags, &databaseHandle), "mdb_dbi_open")
        }
        return LMDBDatabase(handle: databaseHandle)
    }

    // MARK: LMDBReadable

    /// Passes the value stored under `key` to `body` without copying it, including uncommitted changes of this
    /// transaction (see ``LMDBReadable``).
    ///
    /// - Parameters:
    ///   - key: The key to look up; must not be empty.
    ///   - database: The database to look in.
    ///   - body: Receives the value, valid only during the call and only until the next write.
    /// - Returns: The result of `body`, or `nil` if there is no such key.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    public func withValue<R>(
        forKey key: UnsafeRawBufferPointer,
        in database: LMDBDatabase,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        try handle.withValue(forKey: key, in: database, body)
    }

    /// Returns the B-tree statistics of `database`, including uncommitted changes of this transaction (see
    /// ``LMDBReadable``).
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
    /// Do not write to the transaction from inside `body`; the cursor only reads.
    ///
    /// - Parameters:
    ///   - database: The database to walk.
    ///   - body: Receives the cursor, which is closed when `body` returns.
    /// - Returns: The result of `body`.
    /// - Throws: ``LMDBError`` if the cursor cannot be opened, or whatever `body` throws.
    public func withCursor<R>(in database: LMDBDatabase, _ body: (borrowing LMDBCursor) throws -> R) throws -> R {
        try handle.withCursor(in: database, body)
    }

    // MARK: Implementation

    /// Throws unless `returnCode` is `MDB_SUCCESS`, remembering an `MDB_MAP_FULL`.
    private mutating func recordingMapFull(_ returnCode: Int32, _ operation: String) throws(LMDBError) {
        if returnCode == MDB_MAP_FULL {
            hitMapFull = true
        }
        try LMDBError.check(returnCode, operation)
    }
}
