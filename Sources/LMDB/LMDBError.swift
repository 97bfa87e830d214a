import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reported by an LMDB function or by the system call underneath it.
///
/// Every LMDB function returns `0` on success and otherwise either one of LMDB's own
/// negative codes (`MDB_NOTFOUND`, `MDB_MAP_FULL`, ...) or a positive `errno` value
/// (`ENOENT`, `EACCES`, ...). This error carries that code unchanged in ``code`` together
/// with the name of the C function that failed in ``operation``, so that a message such as
/// `mdb_put failed: MDB_MAP_FULL: Environment mapsize limit reached (-30792)` says both
/// what went wrong and where.
///
/// Compare errors by their code: `catch let error as LMDBError where error.code == .keyExists`.
public struct LMDBError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The numeric return code of an LMDB function: an LMDB code or an `errno` value.
    ///
    /// The static members name every code LMDB defines plus the `errno` values LMDB and the
    /// file system commonly return. Any other `errno` value is carried through ``rawValue``.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The C return code: negative for LMDB's own codes, positive for `errno` values.
        public let rawValue: Int32

        /// Wraps a C return code.
        ///
        /// - Parameters:
        ///   - rawValue: The value returned by an LMDB function or found in `errno`.
        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// The human-readable message for this code.
        ///
        /// The corresponding C function is `mdb_strerror`, which falls back to `strerror`
        /// for `errno` values.
        public var description: String {
            String(cString: mdb_strerror(rawValue))
        }

        // MARK: LMDB's own codes

        /// `MDB_KEYEXIST`: the key/data pair already exists (a put with `noOverwrite` or `append`).
        public static let keyExists = Code(rawValue: MDB_KEYEXIST)
        /// `MDB_NOTFOUND`: no matching key/data pair was found.
        public static let notFound = Code(rawValue: MDB_NOTFOUND)
        /// `MDB_PAGE_NOTFOUND`: a requested page was not found; usually a sign of corruption.
        public static let pageNotFound = Code(rawValue: MDB_PAGE_NOTFOUND)
        /// `MDB_CORRUPTED`: a located page was of the wrong type.
        public static let corrupted = Code(rawValue: MDB_CORRUPTED)
        /// `MDB_PANIC`: an earlier fatal error left the environment unusable; reopen it.
        public static let panic = Code(rawValue: MDB_PANIC)
        /// `MDB_VERSION_MISMATCH`: the environment was written by an incompatible LMDB version.
        public static let versionMismatch = Code(rawValue: MDB_VERSION_MISMATCH)
        /// `MDB_INVALID`: the file is not an LMDB data file.
        public static let invalid = Code(rawValue: MDB_INVALID)
        /// `MDB_MAP_FULL`: the environment's map size was reached.
        public static let mapFull = Code(rawValue: MDB_MAP_FULL)
        /// `MDB_DBS_FULL`: the environment's `maxDatabases` was reached.
        public static let dbsFull = Code(rawValue: MDB_DBS_FULL)
        /// `MDB_READERS_FULL`: the environment's `maxReaders` was reached.
        public static let readersFull = Code(rawValue: MDB_READERS_FULL)
        /// `MDB_TLS_FULL`: too many thread-local-storage keys are in use.
        public static let tlsFull = Code(rawValue: MDB_TLS_FULL)
        /// `MDB_TXN_FULL`: the transaction has too many dirty pages.
        public static let txnFull = Code(rawValue: MDB_TXN_FULL)
        /// `MDB_CURSOR_FULL`: a cursor stack overflowed (internal error).
        public static let cursorFull = Code(rawValue: MDB_CURSOR_FULL)
        /// `MDB_PAGE_FULL`: a page ran out of space (internal error).
        public static let pageFull = Code(rawValue: MDB_PAGE_FULL)
        /// `MDB_MAP_RESIZED`: another process grew the data file beyond this process's map size.
        public static let mapResized = Code(rawValue: MDB_MAP_RESIZED)
        /// `MDB_INCOMPATIBLE`: the operation and the database are incompatible, or the database flags changed.
        public static let incompatible = Code(rawValue: MDB_INCOMPATIBLE)
        /// `MDB_BAD_RSLOT`: a reader lock table slot was invalid.
        public static let badReaderSlot = Code(rawValue: MDB_BAD_RSLOT)
        /// `MDB_BAD_TXN`: the transaction must abort, has a child, or is invalid.
        public static let badTransaction = Code(rawValue: MDB_BAD_TXN)
        /// `MDB_BAD_VALSIZE`: a key or value had an unsupported size (for example an empty key).
        public static let badValueSize = Code(rawValue: MDB_BAD_VALSIZE)
        /// `MDB_BAD_DBI`: the database handle was changed or closed unexpectedly.
        public static let badDBI = Code(rawValue: MDB_BAD_DBI)

        // MARK: errno values

        /// `ENOENT`: no such file or directory.
        public static let noSuchFileOrDirectory = Code(rawValue: ENOENT)
        /// `ENOTDIR`: a path component is not a directory (for example the environment path is a regular file).
        public static let notADirectory = Code(rawValue: ENOTDIR)
        /// `EEXIST`: the file already exists.
        public static let fileExists = Code(rawValue: EEXIST)
        /// `EACCES`: permission denied.
        public static let permissionDenied = Code(rawValue: EACCES)
        /// `EPERM`: operation not permitted.
        public static let notPermitted = Code(rawValue: EPERM)
        /// `EINVAL`: an invalid parameter was specified.
        public static let invalidArgument = Code(rawValue: EINVAL)
        /// `ENOSPC`: no space left on the device.
        public static let noSpace = Code(rawValue: ENOSPC)
        /// `EIO`: a low-level input/output error occurred.
        public static let ioError = Code(rawValue: EIO)
        /// `ENOMEM`: out of memory or address space (for example when the map cannot be enlarged).
        public static let outOfMemory = Code(rawValue: ENOMEM)
        /// `EAGAIN`: the resource is temporarily unavailable (for example the lock file is held).
        public static let tryAgain = Code(rawValue: EAGAIN)
        /// `EBUSY`: the resource is busy.
        public static let busy = Code(rawValue: EBUSY)
    }

    /// The code the C function returned.
    public let code: Code

    /// The name of the C function that failed, for example `mdb_put`.
    public let operation: String

    /// Creates an error for a failed C call.
    ///
    /// - Parameters:
    ///   - code: The code the function returned.
    ///   - operation: The name of the C function that failed, for example `mdb_put`.
    public init(code: Code, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The failed operation, the message of `mdb_strerror` and the numeric code.
    ///
    /// For example `mdb_env_open failed: Not a directory (20)`.
    public var description: String {
        "\(operation) failed: \(code.description) (\(code.rawValue))"
    }
}

extension LMDBError {
    /// Creates an error from a raw return code.
    init(_ returnCode: Int32, _ operation: String) {
        self.init(code: Code(rawValue: returnCode), operation: operation)
    }

    /// Throws an ``LMDBError`` unless `returnCode` is `MDB_SUCCESS`.
    ///
    /// Call it directly around the C call, `try LMDBError.check(mdb_put(...), "mdb_put")`, so the
    /// return code is converted on the line where the call returns.
    @inline(__always)
    static func check(_ returnCode: Int32, _ operation: String) throws(LMDBError) {
        if returnCode != MDB_SUCCESS {
            throw LMDBError(returnCode, operation)
        }
    }
}
