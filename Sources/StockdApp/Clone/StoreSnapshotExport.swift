import Crypto
import Foundation
import StockHTTP
import StockProjection
import StockStorage

/// The LMDB side of `GET /v1/admin/store-snapshot`: copies the serving store into `<store>.exports/<id>/` (LMDB's
/// compacting copy of one read transaction, on a thread of its own so the cooperative pool is never blocked),
/// checksums the file, and removes it once sent.
struct StoreSnapshotExport: StoreSnapshotProvider {
    /// The store the feed serves now (it changes when a resync is promoted).
    let store: @Sendable () -> LMDBProjectionStore?

    func makeStoreSnapshot() async throws -> StoreSnapshotFile {
        guard let store = store() else { throw CloneError.copyMismatch("the serving store is not an LMDB store") }
        return try await Self.onThread {
            let directory = store.path + ".exports/" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: store.path + ".exports", withIntermediateDirectories: true)
            do {
                let copy = try store.writeCopy(into: directory)
                let (bytes, digest) = try Self.sha256(ofFile: copy.dataFile)
                return StoreSnapshotFile(
                    path: copy.dataFile, byteCount: bytes, sha256: digest, checkpoint: copy.checkpoint,
                    covered: Checkpoint(position: copy.covered), formatVersion: copy.formatVersion)
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
        }
    }

    /// Removes the copies earlier exports of the store at `storePath` left in `<store>.exports/` (a client that went
    /// before the body started never reached ``discard(_:)``). Called when `stockd serve` starts, before any export
    /// of its own can be in progress.
    ///
    /// - Returns: How many copies were removed.
    @discardableResult
    static func removeLeftovers(ofStoreAt storePath: String) -> Int {
        let folder = storePath + ".exports"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        var removed = 0
        for entry in entries where (try? FileManager.default.removeItem(atPath: folder + "/" + entry)) != nil { removed += 1 }
        return removed
    }

    func discard(_ file: StoreSnapshotFile) {
        try? FileManager.default.removeItem(atPath: (file.path as NSString).deletingLastPathComponent)
    }

    /// The size and lower-case hex SHA-256 of a file, read in 1 MiB chunks.
    static func sha256(ofFile path: String) throws -> (Int, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CloneError.copyMismatch("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += chunk.count
        }
        return (total, hex(hasher.finalize()))
    }

    /// Lower-case hex of a digest.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// Runs blocking file work on a thread of its own.
    static func onThread<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
