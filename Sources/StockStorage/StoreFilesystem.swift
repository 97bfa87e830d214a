import LMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the filesystem holding a store has to say about a failed write.
///
/// A full disk does not always reach stockd as `ENOSPC`: when the last free blocks take part of a page, the
/// write is short and LMDB reports `EIO`. An operator reading "Input/output error" would look for a broken disk,
/// so a failed write also reports the filesystem's free space and, when it is (nearly) exhausted, says so.
enum StoreFilesystem {
    /// Below this many free bytes a failed write is reported as a full filesystem: less than a few LMDB pages.
    static let nearlyFullBytes: UInt64 = 64 * 1_024

    /// Free bytes available to stockd on the filesystem of `path`, or `nil` when it cannot be examined.
    static func availableBytes(at path: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// The message of a storage error, with the filesystem's state when the error is one a full disk causes.
    ///
    /// - Parameters:
    ///   - error: The LMDB error.
    ///   - path: The store's directory.
    ///   - available: Free bytes on its filesystem (by default read with `statvfs`).
    static func describe(_ error: LMDBError, at path: String, available: UInt64?? = nil) -> String {
        guard error.code == .noSpace || error.code == .ioError else { return error.description }
        guard let free = available ?? availableBytes(at: path) else { return error.description }
        if error.code == .noSpace || free < nearlyFullBytes {
            return "\(error.description): no space left on the store's filesystem (\(free) bytes free at \(path))"
        }
        return "\(error.description) (\(free) bytes free on the store's filesystem)"
    }
}
