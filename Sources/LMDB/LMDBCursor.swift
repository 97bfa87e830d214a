import CLMDB

/// Whether an iteration such as ``LMDBCursor/forEach(from:_:)`` goes on to the next entry.
public enum LMDBIterationControl: Hashable, Sendable {
    /// Visit the next entry.
    case `continue`
    /// End the iteration after this entry.
    case stop
}

/// A position in one database of an open transaction, used to walk its entries in key order.
///
/// Obtain one with `withCursor(in:_:)` on ``LMDBReadTransaction`` or ``LMDBWriteTransaction``;
/// it is closed when that closure returns and cannot escape it, so it never outlives its
/// transaction. Keys are compared byte-wise, so big-endian integer keys come out in numeric order.
///
/// Each positioning method comes in two forms:
/// - without a closure, it copies the entry it lands on into a pair of `[UInt8]` arrays;
/// - with a closure, it passes the entry as two `UnsafeRawBufferPointer`s pointing straight into
///   the memory map. They are valid only during the closure: do not store them or let them escape.
///
/// All return `nil` when there is no such entry. For bulk reads prefer ``forEach(from:_:)``,
/// which allocates nothing per entry.
///
/// The corresponding C type is `MDB_cursor`.
public struct LMDBCursor: ~Copyable {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        mdb_cursor_close(pointer)
    }

    // MARK: Positioning, borrowing the entry

    /// Moves to the first entry and passes it to `body`.
    ///
    /// - Parameters:
    ///   - body: Receives the key and value, valid only during the call.
    /// - Returns: The result of `body`, or `nil` if the database is empty.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_FIRST`.
    public func first<R>(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try move(MDB_FIRST, body)
    }

    /// Moves to the last entry and passes it to `body`.
    ///
    /// - Parameters:
    ///   - body: Receives the key and value, valid only during the call.
    /// - Returns: The result of `body`, or `nil` if the database is empty.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_LAST`.
    public func last<R>(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try move(MDB_LAST, body)
    }

    /// Moves to the entry after the current one and passes it to `body`.
    ///
    /// On a cursor that has not been positioned yet this moves to the first entry.
    ///
    /// - Parameters:
    ///   - body: Receives the key and value, valid only during the call.
    /// - Returns: The result of `body`, or `nil` past the last entry.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_NEXT`.
    public func next<R>(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try move(MDB_NEXT, body)
    }

    /// Moves to the entry before the current one and passes it to `body`.
    ///
    /// On a cursor that has not been positioned yet this moves to the last entry.
    ///
    /// - Parameters:
    ///   - body: Receives the key and value, valid only during the call.
    /// - Returns: The result of `body`, or `nil` before the first entry.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_PREV`.
    public func previous<R>(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try move(MDB_PREV, body)
    }

    /// Moves to the first entry whose key is greater than or equal to `key` and passes it to `body`.
    ///
    /// - Parameters:
    ///   - key: The smallest key to accept; must not be empty.
    ///   - body: Receives the key and value found, valid only during the call.
    /// - Returns: The result of `body`, or `nil` if every key is smaller than `key`.
    /// - Throws: ``LMDBError`` if LMDB fails (``LMDBError/Code/badValueSize`` for an empty key),
    ///   or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_SET_RANGE`.
    public func seek<R>(
        atLeast key: UnsafeRawBufferPointer,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        try move(MDB_SET_RANGE, seekKey: key, body)
    }

    /// Moves to the first entry whose key is greater than or equal to `key` and passes it to `body`.
    ///
    /// - Parameters:
    ///   - key: The smallest key to accept; must not be empty.
    ///   - body: Receives the key and value found, valid only during the call.
    /// - Returns: The result of `body`, or `nil` if every key is smaller than `key`.
    /// - Throws: ``LMDBError`` if LMDB fails (``LMDBError/Code/badValueSize`` for an empty key),
    ///   or whatever `body` throws.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_SET_RANGE`.
    public func seek<R>(
        atLeast key: [UInt8],
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        try key.withUnsafeBytes { try seek(atLeast: $0, body) }
    }

    // MARK: Positioning, copying the entry

    /// Moves to the first entry and returns a copy of it.
    ///
    /// - Returns: The key and value, or `nil` if the database is empty.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_FIRST`.
    public func first() throws -> (key: [UInt8], value: [UInt8])? {
        try first(Self.copyEntry)
    }

    /// Moves to the last entry and returns a copy of it.
    ///
    /// - Returns: The key and value, or `nil` if the database is empty.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_LAST`.
    public func last() throws -> (key: [UInt8], value: [UInt8])? {
        try last(Self.copyEntry)
    }

    /// Moves to the entry after the current one and returns a copy of it.
    ///
    /// On a cursor that has not been positioned yet this moves to the first entry.
    ///
    /// - Returns: The key and value, or `nil` past the last entry.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_NEXT`.
    public func next() throws -> (key: [UInt8], value: [UInt8])? {
        try next(Self.copyEntry)
    }

    /// Moves to the entry before the current one and returns a copy of it.
    ///
    /// On a cursor that has not been positioned yet this moves to the last entry.
    ///
    /// - Returns: The key and value, or `nil` before the first entry.
    /// - Throws: ``LMDBError`` if LMDB fails.
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_PREV`.
    public func previous() throws -> (key: [UInt8], value: [UInt8])? {
        try previous(Self.copyEntry)
    }

    /// Moves to the first entry whose key is greater than or equal to `key` and returns a copy of it.
    ///
    /// - Parameters:
    ///   - key: The smallest key to accept; must not be empty.
    /// - Returns: The key and value found, or `nil` if every key is smaller than `key`.
    /// - Throws: ``LMDBError`` if LMDB fails (``LMDBError/Code/badValueSize`` for an empty key).
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_SET_RANGE`.
    public func seek(atLeast key: [UInt8]) throws -> (key: [UInt8], value: [UInt8])? {
        try seek(atLeast: key, Self.copyEntry)
    }

    /// Moves to the first entry whose key is greater than or equal to `key` and returns a copy of it.
    ///
    /// - Parameters:
    ///   - key: The smallest key to accept; must not be empty.
    /// - Returns: The key and value found, or `nil` if every key is smaller than `key`.
    /// - Throws: ``LMDBError`` if LMDB fails (``LMDBError/Code/badValueSize`` for an empty key).
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_SET_RANGE`.
    public func seek(atLeast key: UnsafeRawBufferPointer) throws -> (key: [UInt8], value: [UInt8])? {
        try seek(atLeast: key, Self.copyEntry)
    }

    // MARK: Iteration

    /// Visits the entries in key order, starting at the first one or at the first key `>= startKey`.
    ///
    /// Nothing is allocated per entry: `body` sees the key and value in place in the memory map,
    /// valid only during that call. Copy out what you need to keep.
    ///
    /// - Parameters:
    ///   - startKey: The smallest key to visit, or `nil` to start at the first entry.
    ///   - body: Receives each key and value; returns ``LMDBIterationControl/stop`` to end early.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws (which ends the iteration).
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_FIRST` or `MDB_SET_RANGE`,
    /// then `MDB_NEXT`.
    public func forEach(
        from startKey: [UInt8]? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> LMDBIterationControl
    ) throws {
        if let startKey {
            try startKey.withUnsafeBytes { try iterate(seekKey: $0, body) }
        } else {
            try iterate(seekKey: nil, body)
        }
    }

    /// Visits the entries in key order, starting at the first key `>= startKey`.
    ///
    /// Nothing is allocated per entry: `body` sees the key and value in place in the memory map,
    /// valid only during that call. Copy out what you need to keep.
    ///
    /// - Parameters:
    ///   - startKey: The smallest key to visit; must not be empty.
    ///   - body: Receives each key and value; returns ``LMDBIterationControl/stop`` to end early.
    /// - Throws: ``LMDBError`` if LMDB fails, or whatever `body` throws (which ends the iteration).
    ///
    /// The corresponding C function is `mdb_cursor_get` with `MDB_SET_RANGE`, then `MDB_NEXT`.
    public func forEach(
        from startKey: UnsafeRawBufferPointer,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> LMDBIterationControl
    ) throws {
        try iterate(seekKey: startKey, body)
    }

    // MARK: Implementation

    private static func copyEntry(
        _ key: UnsafeRawBufferPointer,
        _ value: UnsafeRawBufferPointer
    ) -> (key: [UInt8], value: [UInt8]) {
        (Array(key), Array(value))
    }

    private func iterate(
        seekKey: UnsafeRawBufferPointer?,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> LMDBIterationControl
    ) throws {
        var keyValue = seekKey.map(MDB_val.init) ?? MDB_val()
        var dataValue = MDB_val()
        var operation = seekKey == nil ? MDB_FIRST : MDB_SET_RANGE
        while true {
            switch mdb_cursor_get(pointer, &keyValue, &dataValue, operation) {
            case MDB_SUCCESS:
                break
            case MDB_NOTFOUND:
                return
            case let returnCode:
                throw LMDBError(returnCode, "mdb_cursor_get")
            }
            if try body(UnsafeRawBufferPointer(keyValue), UnsafeRawBufferPointer(dataValue)) == .stop {
                return
            }
            operation = MDB_NEXT
        }
    }

    private func move<R>(
        _ operation: MDB_cursor_op,
        seekKey: UnsafeRawBufferPointer? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        var keyValue = seekKey.map(MDB_val.init) ?? MDB_val()
        var dataValue = MDB_val()
        switch mdb_cursor_get(pointer, &keyValue, &dataValue, operation) {
        case MDB_SUCCESS:
            return try body(UnsafeRawBufferPointer(keyValue), UnsafeRawBufferPointer(dataValue))
        case MDB_NOTFOUND:
            return nil
        case let returnCode:
            throw LMDBError(returnCode, "mdb_cursor_get")
        }
    }
}
