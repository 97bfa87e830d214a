public import StockProjection

/// A consistent copy of the store written to a file, for `GET /v1/admin/store-snapshot` (`stockd clone`).
public struct StoreSnapshotFile: Sendable {
    /// The file to send (LMDB's `data.mdb` of the copy).
    public var path: String
    /// Its size in bytes.
    public var byteCount: Int
    /// The SHA-256 of its bytes, lower-case hex.
    public var sha256: String
    /// The copy's checkpoint: the last source transaction it holds.
    public var checkpoint: Checkpoint
    /// The highest position the copy covers (its checkpoint, or a later one confirmed while idle).
    public var covered: Checkpoint
    /// The store format version of the copy.
    public var formatVersion: UInt32

    /// Creates a description of a copy.
    public init(path: String, byteCount: Int, sha256: String, checkpoint: Checkpoint, covered: Checkpoint, formatVersion: UInt32) {
        self.path = path
        self.byteCount = byteCount
        self.sha256 = sha256
        self.checkpoint = checkpoint
        self.covered = covered
        self.formatVersion = formatVersion
    }
}

/// Makes copies of the store for new instances; implemented by the composition root over the LMDB store, so the
/// HTTP module knows nothing of storage.
public protocol StoreSnapshotProvider: Sendable {
    /// Writes a consistent copy of the store to a temporary file and checksums it.
    ///
    /// - Throws: When there is nothing to copy yet (no checkpoint) or the copy fails.
    func makeStoreSnapshot() async throws -> StoreSnapshotFile

    /// Removes a copy once it was sent (or could not be).
    func discard(_ file: StoreSnapshotFile)
}

/// A provider behind an existential, so the controller stays generic over a concrete type.
struct AnyStoreSnapshotProvider: StoreSnapshotProvider {
    let base: any StoreSnapshotProvider

    init(_ base: any StoreSnapshotProvider) { self.base = base }

    func makeStoreSnapshot() async throws -> StoreSnapshotFile { try await base.makeStoreSnapshot() }

    func discard(_ file: StoreSnapshotFile) { base.discard(file) }
}
