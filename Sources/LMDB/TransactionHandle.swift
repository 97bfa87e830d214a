import CLMDB

/// The `MDB_txn` pointer of an open transaction, with the reading operations that read and
/// write transactions share.
///
/// Both ``LMDBReadTransaction`` and ``LMDBWriteTransaction`` store one and forward the three
/// primitive reads of ``LMDBReadable`` to it, so the C calls exist once (the other reads are
/// ``LMDBReadable``'s extension). It does not own the transaction: the owning type ends it.
struct TransactionHandle {
    let pointer: OpaquePointer

    func withValue<R>(
        forKey key: UnsafeRawBufferPointer,
        in database: LMDBDatabase,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        var keyValue = MDB_val(key)
        var dataValue = MDB_val()
        switch mdb_get(pointer, database.handle, &keyValue, &dataValue) {
        case MDB_SUCCESS:
            return try body(UnsafeRawBufferPointer(dataValue))
        case MDB_NOTFOUND:
            return nil
        case let returnCode:
            throw LMDBError(returnCode, "mdb_get")
        }
    }

    func statistics(of database: LMDBDatabase) throws -> LMDBStatistics {
        var stat = MDB_stat()
        try LMDBError.check(mdb_stat(pointer, database.handle, &stat), "mdb_stat")
        return LMDBStatistics(stat)
    }

    func withCursor<R>(in database: LMDBDatabase, _ body: (borrowing LMDBCursor) throws -> R) throws -> R {
        var cursorPointer: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(pointer, database.handle, &cursorPointer), "mdb_cursor_open")
        guard let cursorPointer else {
            throw LMDBError(code: .invalidArgument, operation: "mdb_cursor_open")
        }
        let cursor = LMDBCursor(pointer: cursorPointer)
        return try body(cursor)
    }
}

extension MDB_val {
    /// Points an `MDB_val` at the bytes of `buffer`, without copying.
    ///
    /// LMDB never writes through the pointers of keys and values passed in (only with
    /// `MDB_RESERVE`, which this wrapper does not use), so casting away `const` is safe.
    init(_ buffer: UnsafeRawBufferPointer) {
        self.init(mv_size: buffer.count, mv_data: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
    }
}

extension UnsafeRawBufferPointer {
    /// Views the bytes an `MDB_val` returned by LMDB points to, without copying.
    init(_ value: MDB_val) {
        self.init(start: value.mv_data, count: value.mv_size)
    }
}
