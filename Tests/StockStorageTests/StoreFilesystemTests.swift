import LMDB
import Testing

@testable import StockStorage

#if canImport(Glibc)
import Glibc
#endif

/// A full disk is named as such, whether LMDB reports it as `ENOSPC` or as the `EIO` of a short write.
@Suite struct StoreFilesystemTests {
    static let commitFailed = LMDBError(code: .ioError, operation: "mdb_txn_commit")

    @Test func aShortWriteOnAFullFilesystemSaysNoSpaceLeft() {
        let message = StoreFilesystem.describe(Self.commitFailed, at: "/srv/stockd", available: .some(4_096))
        #expect(message.contains("mdb_txn_commit failed: Input/output error"))
        #expect(message.contains("no space left on the store's filesystem (4096 bytes free at /srv/stockd)"))
    }

    @Test func anIOErrorWithRoomLeftIsNotBlamedOnSpace() {
        let message = StoreFilesystem.describe(Self.commitFailed, at: "/srv/stockd", available: .some(10 << 30))
        #expect(!message.contains("no space"))
        #expect(message.hasSuffix("(10737418240 bytes free on the store's filesystem)"))
    }

    @Test func noSpaceIsAlwaysSaidAndOtherErrorsAreLeftAlone() {
        let full = StoreFilesystem.describe(LMDBError(code: .noSpace, operation: "mdb_put"), at: "/s", available: .some(1 << 20))
        #expect(full.contains("no space left on the store's filesystem"))
        let other = LMDBError(code: .notFound, operation: "mdb_get")
        #expect(StoreFilesystem.describe(other, at: "/s", available: .some(0)) == other.description)
    }

    @Test func theFreeSpaceOfARealDirectoryIsRead() throws {
        let free = try #require(StoreFilesystem.availableBytes(at: "/tmp"))
        #expect(free > 0)
        #expect(StoreFilesystem.availableBytes(at: "/no/such/directory") == nil)
    }
}
