import CLMDB
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open LMDB environment: one directory holding `data.mdb` (the memory-mapped B-trees)
/// and `lock.mdb` (the reader table).
///
/// Open an environment once per directory and process, and share the instance: LMDB forbids
/// opening the same environment twice in one process. All work happens in transactions:
/// ``withReadTransaction(_:)`` for consistent snapshots, ``withWriteTransaction(_:)`` for
/// changes (one writer at a time; writers from other threads wait their turn).
///
/// ## Map size and growth
///
/// The data file lives in a memory map of ``mapSize`` bytes that bounds the database size.
/// When a write transaction runs out of map (`MDB_MAP_FULL`), ``withWriteTransaction(_:)``
/// aborts it, grows the map according to ``MapGrowth`` and runs the closure again. LMDB only
/// allows resizing while no transaction is open in the process, because the data file is
/// remapped, possibly at another address. So a resize waits until every read transaction of
/// this environment has ended, and new read transactions wait until it is done. Consequences:
/// - never begin a write transaction (or a nested read transaction) on a thread that holds an
///   open read transaction: if the map must grow, the resize would wait for that thread forever;
/// - keep read transactions short, since a resize (and then every new reader) waits for them.
///
/// If another process grows the map, ``withReadTransaction(_:)`` and ``withWriteTransaction(_:)``
/// adopt the new size (`MDB_MAP_RESIZED`, then `mdb_env_set_mapsize(env, 0)`) and try again.
///
/// ## Thread safety
///
/// `LMDBEnvironment` is `Sendable`. An `MDB_env` may be used from any number of threads
/// concurrently for beginning transactions, reading its info and statistics, syncing and
/// copying; the only operations that are not thread-safe are configuration before
/// `mdb_env_open` (done in `init`, before the instance is shared), `mdb_env_set_mapsize`
/// (serialised by the writer lock and the map gate as described above), `mdb_dbi_open`
/// (only called in write transactions, which the writer lock serialises) and `mdb_env_close`
/// (called in `deinit`, once no one holds a reference; open read transactions hold one).
/// The `MDB_env` pointer itself never changes after `init`. The environment is opened with
/// `MDB_NOTLS`, so read transactions are not tied to the thread that began them.
public final class LMDBEnvironment: Sendable {
    /// Options for opening an environment. The default, `[]`, is fully durable.
    public struct Flags: OptionSet, Hashable, Sendable {
        /// The `mdb_env_open` flag bits.
        public let rawValue: UInt32

        /// Wraps `mdb_env_open` flag bits.
        ///
        /// - Parameters:
        ///   - rawValue: A combination of `MDB_NOSYNC`, `MDB_NOMETASYNC`, ...
        public init(rawValue: UInt32) {
            self.rawValue = rawValue
        }

        /// Do not flush to disk on commit (`MDB_NOSYNC`).
        ///
        /// Much faster commits; a system crash may lose the last transactions (the database
        /// stays consistent). Call ``LMDBEnvironment/sync(force:)`` to flush explicitly.
        public static let noSync = Flags(rawValue: UInt32(MDB_NOSYNC))

        /// Flush the data but not the meta page on commit (`MDB_NOMETASYNC`).
        ///
        /// A system crash may lose the last transaction but not consistency.
        public static let noMetaSync = Flags(rawValue: UInt32(MDB_NOMETASYNC))
    }

    /// How the map grows when a write transaction fills it.
    public enum MapGrowth: Hashable, Sendable {
        /// Double the map size each time it fills up.
        case doubling
        /// Add this many bytes each time it fills up (rounded up to whole pages).
        case step(bytes: Int)
    }

    /// The directory holding the environment's files.
    public let path: String

    /// How the map grows on `MDB_MAP_FULL`.
    public let mapGrowth: MapGrowth

    /// The `MDB_env` pointer, set once in `init` and closed in `deinit`. `nonisolated(unsafe)`
    /// because `OpaquePointer` is not `Sendable`; see the type's documentation for why sharing
    /// it is safe.
    nonisolated(unsafe) let handle: OpaquePointer

    /// Held for the whole of every write transaction and every map resize, so writers in this
    /// process queue here (rather than inside LMDB) and no writer is open during a resize.
    let writerLock = Mutex<Void>(())

    /// Registers read-side users of the memory map so a resize can wait for them.
    let mapGate = MemoryMapGate()

    /// The map size currently in effect in this process, readable without locking.
    private let currentMapSize: Atomic<Int>

    /// The operating system's page size, the unit of map sizes.
    private static let systemPageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Opens (and if needed creates) the environment in the directory at `path`.
    ///
    /// Missing directories along `path` are created. The environment is opened with
    /// `MDB_NOTLS`, so read transactions may move between threads.
    ///
    /// - Parameters:
    ///   - path: The directory for `data.mdb` and `lock.mdb`.
    ///   - maxDatabases: The maximum number of named databases (0 to use only the main database).
    ///   - mapSize: The initial map size in bytes, rounded up to whole pages. It may be small:
    ///     the map grows on demand. LMDB raises it to at least the size of the existing data.
    ///   - maxReaders: The size of the reader table: the maximum number of read transactions
    ///     open at once across all processes.
    ///   - flags: Durability options; `[]` (fully durable) by default.
    ///   - mapGrowth: How to grow the map when it fills up; ``MapGrowth/doubling`` by default.
    /// - Throws: ``LMDBError``: for example ``LMDBError/Code/notADirectory`` (from `mdb_env_open`)
    ///   when `path` is a regular file, ``LMDBError/Code/permissionDenied``, or
    ///   ``LMDBError/Code/invalid`` when the file is not an LMDB environment.
    ///
    /// The corresponding C functions are `mdb_env_create`, `mdb_env_set_maxdbs`,
    /// `mdb_env_set_maxreaders`, `mdb_env_set_mapsize` and `mdb_env_open`.
    public init(
        path: String,
        maxDatabases: Int,
        mapSize: Int,
        maxReaders: Int = 126,
        flags: Flags = [],
        mapGrowth: MapGrowth = .doubling
    ) throws {
        guard let maxDatabasesValue = MDB_dbi(exactly: maxDatabases) else {
            throw LMDBError(code: .invalidArgument, operation: "mdb_env_set_maxdbs")
        }
        guard let maxReadersValue = UInt32(exactly: maxReaders), maxReadersValue > 0 else {
            throw LMDBError(code: .invalidArgument, operation: "mdb_env_set_maxreaders")
        }
        guard mapSize > 0 else {
            throw LMDBError(code: .invalidArgument, operation: "mdb_env_set_mapsize")
        }
        if case .step(let bytes) = mapGrowth, bytes <= 0 {
            throw LMDBError(code: .invalidArgument, operation: "mdb_env_set_mapsize")
        }
        try Self.createDirectories(atPath: path)

        var createdPointer: OpaquePointer?
        try LMDBError.check(mdb_env_create(&createdPointer), "mdb_env_create")
        guard let environmentPointer = createdPointer else {
            throw LMDBError(code: .outOfMemory, operation: "mdb_env_create")
        }
        do {
            try LMDBError.check(mdb_env_set_maxdbs(environmentPointer, maxDatabasesValue), "mdb_env_set_maxdbs")
            try LMDBError.check(mdb_env_set_maxreaders(environmentPointer, maxReadersValue), "mdb_env_set_maxreaders")
            try LMDBError.check(
                mdb_env_set_mapsize(environmentPointer, Self.roundedUpToPages(mapSize)),
                "mdb_env_set_mapsize"
            )
            let openFlags = UInt32(MDB_NOTLS) | flags.rawValue
            try LMDBError.check(mdb_env_open(environmentPointer, path, openFlags, 0o644), "mdb_env_open")
        } catch {
            mdb_env_close(environmentPointer)
            throw error
        }

        self.path = path
        self.mapGrowth = mapGrowth
        self.handle = environmentPointer
        self.currentMapSize = Atomic(Self.mapSizeInEffect(environmentPointer))
    }

    deinit {
        mdb_env_close(handle)
    }

    // MARK: Properties

    /// The current size of the memory map in bytes, which bounds the size of the data file.
    ///
    /// It grows when a write transaction fills the map; see ``MapGrowth``.
    public var mapSize: Int {
        currentMapSize.load(ordering: .acquiring)
    }

    /// The map size, last page number, last transaction ID and reader table usage.
    ///
    /// The corresponding C function is `mdb_env_info`.
    public var info: LMDBEnvironmentInfo {
        mapGate.withBriefAccess {
            var info = MDB_envinfo()
            // Fails only for a null argument.
            _ = mdb_env_info(handle, &info)
            return LMDBEnvironmentInfo(info)
        }
    }

    /// The B-tree statistics of the main database, including the page size.
    ///
    /// The corresponding C function is `mdb_env_stat`.
    public var statistics: LMDBStatistics {
        mapGate.withBriefAccess {
            var stat = MDB_stat()
            // Fails only for a null argument.
            _ = mdb_env_stat(handle, &stat)
            return LMDBStatistics(stat)
        }
    }

    /// The largest key, in bytes, that ``LMDBWriteTransaction/put(_:forKey:in:flags:)`` accepts (511 by default).
    ///
    /// The corresponding C function is `mdb_env_get_maxkeysize`.
    public var maxKeySize: Int {
        Int(mdb_env_get_maxkeysize(handle))
    }

    /// The size in bytes of `data.mdb` on disk.
    ///
    /// The file grows as pages are used, up to ``mapSize``; it never shrinks (freed pages are reused).
    ///
    /// - Throws: ``LMDBError`` (operation `stat`) if the file cannot be examined.
    public var dataFileSize: Int {
        get throws {
            var fileStatus = stat()
            if stat(path + "/data.mdb", &fileStatus) != 0 {
                throw LMDBError(errno, "stat")
            }
            return Int(fileStatus.st_size)
        }
    }

    // MARK: Maintenance

    /// Flushes written data to disk.
    ///
    /// Only needed with ``Flags/noSync`` or ``Flags/noMetaSync``: otherwise every commit is
    /// already durable. Do not call it from inside a write transaction's closure.
    ///
    /// - Parameters:
    ///   - force: `true` (the default) to flush even with ``Flags/noSync``.
    /// - Throws: ``LMDBError``, for example ``LMDBError/Code/ioError``.
    ///
    /// The corresponding C function is `mdb_env_sync`.
    public func sync(force: Bool = true) throws {
        try mapGate.withBriefAccess {
            try LMDBError.check(mdb_env_sync(handle, force ? 1 : 0), "mdb_env_sync")
        }
    }

    /// Writes a consistent copy of the environment into the directory at `destinationPath`.
    ///
    /// The copy runs in a read transaction, so writers continue meanwhile (they are blocked only
    /// briefly at the start). The directory is created if missing and must not already hold an
    /// environment. Do not call it from inside a write transaction's closure.
    ///
    /// - Parameters:
    ///   - destinationPath: The directory to write `data.mdb` into.
    ///   - compacting: Whether to omit free pages and renumber the rest (`MDB_CP_COMPACT`),
    ///     producing a smaller file at the cost of a slower copy.
    /// - Throws: ``LMDBError``, for example ``LMDBError/Code/fileExists`` if the destination
    ///   already has a `data.mdb`.
    ///
    /// The corresponding C function is `mdb_env_copy2`.
    public func copy(to destinationPath: String, compacting: Bool = false) throws {
        try Self.createDirectories(atPath: destinationPath)
        let copyFlags = compacting ? UInt32(MDB_CP_COMPACT) : 0
        try mapGate.withBriefAccess {
            try LMDBError.check(mdb_env_copy2(handle, destinationPath, copyFlags), "mdb_env_copy2")
        }
    }

    // MARK: Databases

    /// Opens a named database, or the unnamed main database, in a write transaction of its own.
    ///
    /// Open each database once, when the environment opens, and keep the handle.
    ///
    /// - Parameters:
    ///   - name: The database's name, or `nil` for the main database.
    ///   - create: Whether to create the database if it does not exist.
    /// - Returns: The database's handle, valid for the lifetime of this environment.
    /// - Throws: ``LMDBError``: ``LMDBError/Code/notFound`` if it does not exist and `create`
    ///   is `false`, ``LMDBError/Code/dbsFull`` if `maxDatabases` is reached.
    ///
    /// The corresponding C function is `mdb_dbi_open`.
    public func openDatabase(named name: String?, create: Bool = false) throws -> LMDBDatabase {
        try withWriteTransaction { transaction in
            try transaction.openDatabase(named: name, create: create)
        }
    }

    // MARK: Transactions

    /// Runs `body` in a read-only snapshot of the environment.
    ///
    /// Many read transactions can run at once, on any threads, and none of them blocks or is
    /// blocked by the writer (except while the map is being grown). `body` is synchronous and
    /// should be short; see ``LMDBReadTransaction``.
    ///
    /// - Parameters:
    ///   - body: Receives the transaction, which ends when `body` returns or throws.
    /// - Returns: The result of `body`. It must not contain buffers pointing into the map.
    /// - Throws: ``LMDBError`` if the transaction cannot begin (for example
    ///   ``LMDBError/Code/readersFull``), or whatever `body` throws.
    ///
    /// The corresponding C functions are `mdb_txn_begin` with `MDB_RDONLY` and `mdb_txn_abort`.
    public func withReadTransaction<R>(_ body: (borrowing LMDBReadTransaction) throws -> R) throws -> R {
        let transaction = try beginReadTransaction()
        return try body(transaction)
    }

    /// Begins a read-only snapshot of the environment that you end yourself.
    ///
    /// Prefer ``withReadTransaction(_:)``. End the returned transaction with
    /// ``LMDBReadTransaction/end()`` (or let it go out of scope) as soon as possible: while it is
    /// open it pins old pages and a map resize waits for it.
    ///
    /// - Returns: The open transaction.
    /// - Throws: ``LMDBError`` if the transaction cannot begin, for example
    ///   ``LMDBError/Code/readersFull``.
    ///
    /// The corresponding C function is `mdb_txn_begin` with `MDB_RDONLY`.
    public func beginReadTransaction() throws -> LMDBReadTransaction {
        for _ in 0..<Self.maxMapAdoptions {
            mapGate.enterTransaction()
            var transactionPointer: OpaquePointer?
            switch mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &transactionPointer) {
            case MDB_SUCCESS:
                guard let transactionPointer else {
                    mapGate.leave()
                    throw LMDBError(code: .outOfMemory, operation: "mdb_txn_begin")
                }
                return LMDBReadTransaction(pointer: transactionPointer, environment: self)
            case MDB_MAP_RESIZED:
                mapGate.leave()
                try writerLock.withLock { _ throws(LMDBError) in try adoptMapSizeOfOtherProcess() }
            case let returnCode:
                mapGate.leave()
                throw LMDBError(returnCode, "mdb_txn_begin")
            }
        }
        throw LMDBError(code: .mapResized, operation: "mdb_txn_begin")
    }

    /// Runs `body` in the environment's write transaction and commits it.
    ///
    /// Only one write transaction runs at a time: a call from another thread waits until this
    /// one finishes. The changes become visible to new read transactions when the commit
    /// succeeds, and are all discarded if `body` throws.
    ///
    /// **`body` must be re-runnable.** When the map fills up (`MDB_MAP_FULL`, from a write in
    /// `body` or from the commit), the transaction is aborted, the map is grown (see
    /// ``MapGrowth``; this waits until every open read transaction has ended) and `body` runs
    /// again from the start, in a fresh transaction. So `body` should only write to the
    /// transaction, or reset any outside state it changes, and it may run several times.
    ///
    /// `body` is synchronous and holds the writer lock, so keep it short and do not call
    /// `withWriteTransaction` from inside it (that would deadlock), nor call it while the
    /// current thread holds an open read transaction. It blocks the calling thread (including
    /// the disk flush of the commit), so from Swift concurrency call it where blocking is acceptable.
    ///
    /// - Parameters:
    ///   - body: Receives the transaction. Return to commit, throw to abort.
    /// - Returns: The result of `body` from the run that committed.
    /// - Throws: ``LMDBError`` if the transaction cannot begin or commit or the map cannot grow
    ///   (for example ``LMDBError/Code/outOfMemory``), or whatever `body` throws.
    ///
    /// The corresponding C functions are `mdb_txn_begin`, `mdb_txn_commit`, `mdb_txn_abort` and,
    /// to grow the map, `mdb_env_set_mapsize`.
    public func withWriteTransaction<R>(_ body: (inout LMDBWriteTransaction) throws -> R) throws -> R {
        var committedResult: R?
        try writerLock.withLock { _ in
            committedResult = try runWriteTransaction(body)
        }
        // `runWriteTransaction` either returned (setting the result) or threw.
        return committedResult!
    }

    // MARK: Implementation

    /// How many times in a row a transaction may find the map resized by another process.
    private static let maxMapAdoptions = 16

    /// Runs `body` until it commits, growing the map after each `MDB_MAP_FULL`.
    ///
    /// Must be called with `writerLock` held.
    private func runWriteTransaction<R>(_ body: (inout LMDBWriteTransaction) throws -> R) throws -> R {
        while true {
            var transaction = try beginWriteTransaction()
            let result: R
            do {
                result = try body(&transaction)
            } catch {
                let mapWasFull = transaction.hitMapFull
                transaction.abort()
                guard mapWasFull else {
                    throw error
                }
                try growMap()
                continue
            }
            if transaction.hitMapFull {
                // `body` caught the error and carried on; LMDB will not commit this transaction.
                transaction.abort()
                try growMap()
                continue
            }
            do {
                try transaction.commit()
            } catch {
                guard error.code == .mapFull else {
                    throw error
                }
                try growMap()
                continue
            }
            return result
        }
    }

    /// Begins a write transaction. Must be called with `writerLock` held.
    private func beginWriteTransaction() throws(LMDBError) -> LMDBWriteTransaction {
        for _ in 0..<Self.maxMapAdoptions {
            var transactionPointer: OpaquePointer?
            switch mdb_txn_begin(handle, nil, 0, &transactionPointer) {
            case MDB_SUCCESS:
                guard let transactionPointer else {
                    throw LMDBError(code: .outOfMemory, operation: "mdb_txn_begin")
                }
                return LMDBWriteTransaction(pointer: transactionPointer)
            case MDB_MAP_RESIZED:
                try adoptMapSizeOfOtherProcess()
            case let returnCode:
                throw LMDBError(returnCode, "mdb_txn_begin")
            }
        }
        throw LMDBError(code: .mapResized, operation: "mdb_txn_begin")
    }

    /// Enlarges the map according to `mapGrowth`.
    ///
    /// Must be called with `writerLock` held and no write transaction open; waits until no read
    /// transaction is open.
    private func growMap() throws(LMDBError) {
        try mapGate.withExclusiveAccess { () throws(LMDBError) in
            let oldSize = Self.mapSizeInEffect(handle)
            let (grownSize, overflow): (Int, Bool)
            switch mapGrowth {
            case .doubling:
                (grownSize, overflow) = oldSize.multipliedReportingOverflow(by: 2)
            case .step(let bytes):
                (grownSize, overflow) = oldSize.addingReportingOverflow(bytes)
            }
            guard !overflow else {
                throw LMDBError(code: .mapFull, operation: "mdb_env_set_mapsize")
            }
            try LMDBError.check(mdb_env_set_mapsize(handle, Self.roundedUpToPages(grownSize)), "mdb_env_set_mapsize")
            currentMapSize.store(Self.mapSizeInEffect(handle), ordering: .releasing)
        }
    }

    /// Adopts the larger map size another process has set (after `MDB_MAP_RESIZED`).
    ///
    /// Must be called with `writerLock` held and no write transaction open; waits until no read
    /// transaction is open.
    private func adoptMapSizeOfOtherProcess() throws(LMDBError) {
        try mapGate.withExclusiveAccess { () throws(LMDBError) in
            try LMDBError.check(mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize")
            currentMapSize.store(Self.mapSizeInEffect(handle), ordering: .releasing)
        }
    }

    /// Reads the map size from LMDB. The caller must keep the map from being resized meanwhile.
    private static func mapSizeInEffect(_ environmentPointer: OpaquePointer) -> Int {
        var info = MDB_envinfo()
        _ = mdb_env_info(environmentPointer, &info)
        return info.me_mapsize
    }

    /// Rounds `size` up to a whole number of pages, saturating instead of overflowing.
    private static func roundedUpToPages(_ size: Int) -> Int {
        let pages = size / systemPageSize + (size % systemPageSize == 0 ? 0 : 1)
        let (rounded, overflow) = pages.multipliedReportingOverflow(by: systemPageSize)
        return overflow ? Int.max / systemPageSize * systemPageSize : rounded
    }

    /// Creates the directory at `path` and any missing parents, like `mkdir -p`.
    private static func createDirectories(atPath path: String) throws(LMDBError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw LMDBError(errno, "mkdir")
            }
            prefix += "/"
        }
    }
}
